package org.hartbatch.ingest.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.hartbatch.protocol.JobIds;
import org.hartbatch.protocol.OutputFormat;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.RenderJobValidator;
import org.hartbatch.protocol.Violation;

/**
 * Turns the fields of one catalog line into a valid {@link RenderJob}, or into the list of what is
 * wrong with the line. Job ids are deterministic: a line with an {@code id} gets {@code
 * hash(catalog, id)}, any other line {@code hash(catalog, line number)}.
 */
final class JobLineMapper {

  static final int MAX_ID_CHARS = 128;

  private final CatalogDefaults defaults;
  private final Map<String, Long> lineOfClientId = new HashMap<>();

  JobLineMapper(CatalogDefaults defaults) {
    this.defaults = defaults;
  }

  /** Fields read from one line: typed values, the names the line used, and type errors. */
  static final class Fields {
    final Map<LineField, Object> values = new EnumMap<>(LineField.class);
    final Map<LineField, String> usedNames = new EnumMap<>(LineField.class);
    final Map<String, String> metadata = new HashMap<>();
    final List<Violation> violations = new ArrayList<>();

    void set(LineField field, String usedName, Object value) {
      if (usedNames.containsKey(field)) {
        violations.add(
            new Violation(usedName, "duplicate", "sets the same field as " + usedNames.get(field)));
        return;
      }
      usedNames.put(field, usedName);
      values.put(field, value);
    }

    void wrongType(String usedName, LineField field, String shown) {
      usedNames.putIfAbsent(field, usedName);
      violations.add(
          new Violation(usedName, "type", "must be " + field.type.description + ", was " + shown));
    }

    void readJson(String name, JsonNode node) {
      LineField field = LineField.named(name);
      if (field == null) {
        violations.add(
            new Violation(
                name, "unknown", "is not a catalog field; known: " + LineField.KNOWN_NAMES));
        return;
      }
      if (node.isNull()) {
        return;
      }
      Object value = field.type.read(node);
      if (value == null) {
        wrongType(name, field, shown(node));
      } else if (field == LineField.METADATA) {
        readMetadata(name, (JsonNode) value);
      } else {
        set(field, name, value);
      }
    }

    private void readMetadata(String name, JsonNode object) {
      usedNames.put(LineField.METADATA, name);
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (entry.getValue().isTextual()) {
          metadata.put(entry.getKey(), entry.getValue().textValue());
        } else {
          violations.add(
              new Violation(
                  name + "." + entry.getKey(),
                  "type",
                  "must be a string, was " + shown(entry.getValue())));
        }
      }
    }

    void readText(String name, LineField field, String text) {
      if (text.isEmpty()) {
        return;
      }
      Object value = field.type.parse(text);
      if (value == null) {
        wrongType(name, field, "'" + abbreviate(text) + "'");
      } else {
        set(field, name, value);
      }
    }

    private static String shown(JsonNode node) {
      return node.isTextual()
          ? "'" + abbreviate(node.textValue()) + "'"
          : abbreviate(node.toString());
    }
  }

  /** Maps the fields of line {@code lineNumber} and hands the outcome to {@code sink}. */
  void map(long lineNumber, Fields fields, LineSink sink) {
    List<Violation> violations = fields.violations;
    String clientId = (String) fields.values.get(LineField.ID);
    RenderJob.Builder job = defaults.jobOfLine(lineNumber);
    Map<String, String> metadata = new HashMap<>(fields.metadata);
    metadata.put(CatalogLineMetadata.LINE, Long.toString(lineNumber));
    if (clientId != null) {
      if (clientId.isBlank() || clientId.length() > MAX_ID_CHARS) {
        violations.add(
            new Violation(
                fields.usedNames.get(LineField.ID),
                "format",
                "must be 1 to " + MAX_ID_CHARS + " visible characters"));
      } else {
        Long earlier = lineOfClientId.putIfAbsent(clientId, lineNumber);
        if (earlier != null) {
          violations.add(
              new Violation(
                  fields.usedNames.get(LineField.ID),
                  "unique",
                  "'" + abbreviate(clientId) + "' is already the id of line " + earlier));
        }
        job.jobId(JobIds.forKey(defaults.catalogId(), clientId));
        metadata.put(CatalogLineMetadata.CLIENT_ID, clientId);
      }
    }
    fields.values.forEach((field, value) -> apply(job, field, value));
    job.metadata(metadata);
    RenderJob built = job.build();
    for (Violation rule : RenderJobValidator.validate(built)) {
      Violation named = renamed(rule, fields);
      // a value of the wrong type was left out: its "required" rule would only repeat that
      if (violations.stream().noneMatch(v -> v.field().equals(named.field()))) {
        violations.add(named);
      }
    }
    if (violations.isEmpty()) {
      sink.accept(lineNumber, built);
    } else {
      sink.reject(lineNumber, List.copyOf(violations));
    }
  }

  private static void apply(RenderJob.Builder job, LineField field, Object value) {
    switch (field) {
      case PROMPT -> job.prompt((String) value);
      case SEED -> job.seed((Long) value);
      case GUIDANCE_SCALE -> job.guidanceScale((Double) value);
      case MORE_SMOOTH -> job.moreSmooth((Boolean) value);
      case TOP_K -> job.topK((Integer) value);
      case TOP_P -> job.topP((Double) value);
      case MODEL -> job.model((String) value);
      case MODEL_REVISION -> job.modelRevision((String) value);
      case OUTPUT_FORMAT -> job.outputFormat((OutputFormat) value);
      case OUTPUT_PREFIX -> job.outputPrefix((String) value);
      case ID, METADATA -> {}
    }
  }

  /** The line field a protocol violation is about, or {@code null} for another field. */
  private static LineField fieldOf(Violation rule) {
    String root = rule.field().split("\\.", 2)[0];
    for (LineField field : LineField.values()) {
      if (field.protocolName().equals(root)) {
        return field;
      }
    }
    return null;
  }

  /** Names a violation by the name the line used, e.g. {@code cfg} for {@code guidanceScale}. */
  private static Violation renamed(Violation rule, Fields fields) {
    LineField field = fieldOf(rule);
    String used = field == null ? null : fields.usedNames.get(field);
    if (used == null || used.equals(field.protocolName())) {
      return rule;
    }
    return new Violation(
        used + rule.field().substring(field.protocolName().length()), rule.rule(), rule.message());
  }

  static String abbreviate(String text) {
    return text.length() > 64 ? text.substring(0, 64) + "..." : text;
  }
}
