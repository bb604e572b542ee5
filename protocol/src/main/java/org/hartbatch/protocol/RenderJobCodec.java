package org.hartbatch.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * JSON encoding of {@link RenderJob}s. Decoding reports every problem at once: JSON syntax, field
 * types and the rules of {@link RenderJobValidator}. Unknown fields are ignored.
 */
public final class RenderJobCodec {

  private static final ObjectMapper MAPPER = ProtocolJson.mapper();
  private static final RecordComponent[] FIELDS = RenderJob.class.getRecordComponents();

  private RenderJobCodec() {}

  /** Encodes a job after checking its rules: an invalid job never reaches the jobs topic. */
  public static byte[] encode(RenderJob job) throws InvalidJobException {
    List<Violation> violations = RenderJobValidator.validate(job);
    if (!violations.isEmpty()) {
      throw invalid(violations, job.jobId(), job.catalogId());
    }
    // Written field by field rather than through data binding: ingest encodes every job of a
    // catalog, and this is several times faster. The output is what the shared mapper writes
    // (same field order, absent optional fields omitted), which RenderJobCodecTest checks.
    try (ByteArrayBuilder out = new ByteArrayBuilder(512);
        JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("schemaVersion", job.schemaVersion());
      json.writeStringField("jobId", job.jobId());
      json.writeStringField("catalogId", job.catalogId());
      json.writeStringField("prompt", job.prompt());
      json.writeNumberField("seed", job.seed());
      json.writeNumberField("guidanceScale", job.guidanceScale());
      json.writeBooleanField("moreSmooth", job.moreSmooth());
      if (job.topK() != null) {
        json.writeNumberField("topK", job.topK());
      }
      if (job.topP() != null) {
        json.writeNumberField("topP", job.topP());
      }
      json.writeStringField("model", job.model());
      if (job.modelRevision() != null) {
        json.writeStringField("modelRevision", job.modelRevision());
      }
      json.writeStringField("outputFormat", job.outputFormat().name());
      if (job.outputPrefix() != null) {
        json.writeStringField("outputPrefix", job.outputPrefix());
      }
      json.writeObjectFieldStart("metadata");
      for (Map.Entry<String, String> entry : job.metadata().entrySet()) {
        json.writeStringField(entry.getKey(), entry.getValue());
      }
      json.writeEndObject();
      json.writeStringField("submittedAt", text(job.submittedAt()));
      json.writeEndObject();
      json.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
  }

  /** An instant and its ISO-8601 text. */
  private record Stamp(Instant instant, String text) {}

  // the jobs of a catalog share their submission time: format it once, not once per job
  private static volatile Stamp lastStamp = new Stamp(Instant.EPOCH, Instant.EPOCH.toString());

  private static String text(Instant instant) {
    Stamp stamp = lastStamp;
    if (!stamp.instant().equals(instant)) {
      stamp = new Stamp(instant, instant.toString());
      lastStamp = stamp;
    }
    return stamp.text();
  }

  /** A jobs-topic record for {@code job}: key = job id, value = its JSON. */
  public static ProducerRecord<String, byte[]> toRecord(String topic, RenderJob job)
      throws InvalidJobException {
    return new ProducerRecord<>(topic, job.jobId(), encode(job));
  }

  /** Decodes and validates a job, or throws with every violation found. */
  public static RenderJob decode(byte[] json) throws InvalidJobException {
    if (json == null) {
      throw invalid(List.of(new Violation("$", "json", "the record has no value")), null, null);
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw invalid(
          List.of(new Violation("$", "json", "not valid JSON: " + e.getOriginalMessage())),
          null,
          null);
    } catch (IOException e) {
      throw new IllegalStateException("reading from a byte array cannot fail", e);
    }
    if (tree == null || !tree.isObject()) {
      throw invalid(List.of(new Violation("$", "json", "must be a JSON object")), null, null);
    }
    ObjectNode object = (ObjectNode) tree;
    String jobId = readableId(object, "jobId");
    String catalogId = readableId(object, "catalogId");

    List<Violation> violations = new ArrayList<>();
    Set<String> mistyped = new HashSet<>();
    for (RecordComponent component : FIELDS) {
      JsonNode value = object.get(component.getName());
      if (value != null && !value.isNull()) {
        String problem = typeProblem(component.getType(), value);
        if (problem != null) {
          violations.add(new Violation(component.getName(), "type", problem));
          mistyped.add(component.getName());
        } else if (component.getType() == Map.class) {
          checkTextValues(component.getName(), value, violations, mistyped);
        }
      }
    }
    mistyped.forEach(object::remove);

    RenderJob job;
    try {
      job = MAPPER.treeToValue(object, RenderJob.class);
    } catch (JsonProcessingException e) {
      throw invalid(
          List.of(new Violation("$", "json", "cannot be read: " + e.getOriginalMessage())),
          jobId,
          catalogId);
    }
    for (Violation rule : RenderJobValidator.validate(job)) {
      if (!mistyped.contains(rule.field())) {
        violations.add(rule);
      }
    }
    if (!violations.isEmpty()) {
      throw invalid(violations, jobId, catalogId);
    }
    return job;
  }

  private static InvalidJobException invalid(
      List<Violation> violations, String jobId, String catalogId) {
    return new InvalidJobException(violations, jobId, catalogId);
  }

  private static String readableId(ObjectNode object, String field) {
    JsonNode node = object.get(field);
    return node != null && node.isTextual() && RenderJobValidator.isId(node.textValue())
        ? node.textValue()
        : null;
  }

  private static String typeProblem(Class<?> type, JsonNode value) {
    if (type == String.class) {
      return value.isTextual() ? null : "must be a string, was " + kind(value);
    }
    if (type == Integer.class) {
      return value.isIntegralNumber() && value.canConvertToInt()
          ? null
          : "must be a 32-bit integer, was " + kind(value);
    }
    if (type == Long.class) {
      return value.isIntegralNumber() && value.canConvertToLong()
          ? null
          : "must be a 64-bit integer, was " + kind(value);
    }
    if (type == Double.class) {
      return value.isNumber() ? null : "must be a number, was " + kind(value);
    }
    if (type == Boolean.class) {
      return value.isBoolean() ? null : "must be true or false, was " + kind(value);
    }
    if (type == Instant.class) {
      if (!value.isTextual()) {
        return "must be an ISO-8601 UTC timestamp string, was " + kind(value);
      }
      try {
        Instant.parse(value.textValue());
        return null;
      } catch (DateTimeParseException e) {
        return "must be an ISO-8601 UTC timestamp such as 2026-01-31T12:00:00Z, was '"
            + value.textValue()
            + "'";
      }
    }
    if (type == OutputFormat.class) {
      for (OutputFormat format : OutputFormat.values()) {
        if (format.name().equals(value.asText(null))) {
          return null;
        }
      }
      return "must be one of " + List.of(OutputFormat.values()) + ", was " + value;
    }
    if (type == Map.class) {
      return value.isObject() ? null : "must be an object of strings, was " + kind(value);
    }
    throw new IllegalStateException("no JSON type rule for " + type);
  }

  private static void checkTextValues(
      String field, JsonNode object, List<Violation> violations, Set<String> mistyped) {
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isTextual()) {
        violations.add(
            new Violation(
                field + "." + entry.getKey(),
                "type",
                "must be a string, was " + kind(entry.getValue())));
        mistyped.add(field);
      }
    }
  }

  private static String kind(JsonNode value) {
    return switch (value.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> value.isIntegralNumber() ? "the integer " + value : "the number " + value;
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> value.getNodeType().toString().toLowerCase();
    };
  }
}
