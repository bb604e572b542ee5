package org.hartbatch.ingest.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hartbatch.protocol.OutputFormat;

/** A field a catalog line may set, its names in a line and how its value is read. */
enum LineField {
  PROMPT(Type.TEXT, "prompt"),
  ID(Type.TEXT, "id"),
  SEED(Type.INT64, "seed"),
  GUIDANCE_SCALE(Type.NUMBER, "cfg", "guidanceScale"),
  MORE_SMOOTH(Type.BOOLEAN, "moreSmooth"),
  TOP_K(Type.INT32, "topK"),
  TOP_P(Type.NUMBER, "topP"),
  MODEL(Type.TEXT, "model"),
  MODEL_REVISION(Type.TEXT, "modelRevision"),
  OUTPUT_FORMAT(Type.FORMAT, "outputFormat"),
  OUTPUT_PREFIX(Type.TEXT, "outputPrefix"),
  METADATA(Type.STRING_MAP, "metadata");

  /** Prefix of CSV columns whose values become metadata entries. */
  static final String CSV_METADATA_PREFIX = "meta.";

  private static final Map<String, LineField> BY_NAME =
      Arrays.stream(values())
          .flatMap(f -> f.names.stream().map(n -> Map.entry(n, f)))
          .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

  static final String KNOWN_NAMES =
      Arrays.stream(values()).flatMap(f -> f.names.stream()).collect(Collectors.joining(", "));

  final Type type;
  final List<String> names;

  LineField(Type type, String... names) {
    this.type = type;
    this.names = List.of(names);
  }

  /** The field called {@code name} in a line, or {@code null}. */
  static LineField named(String name) {
    return BY_NAME.get(name);
  }

  /** The protocol field a job's violation names, for fields a line calls differently. */
  String protocolName() {
    return this == GUIDANCE_SCALE ? "guidanceScale" : names.get(0);
  }

  /** The value types of line fields, read from JSON or from CSV text. */
  enum Type {
    TEXT("a string", JsonNode::isTextual, JsonNode::textValue, text -> text),
    INT64(
        "a 64-bit integer",
        n -> n.isIntegralNumber() && n.canConvertToLong(),
        JsonNode::longValue,
        Long::parseLong),
    INT32(
        "a 32-bit integer",
        n -> n.isIntegralNumber() && n.canConvertToInt(),
        JsonNode::intValue,
        Integer::parseInt),
    NUMBER("a number", JsonNode::isNumber, JsonNode::doubleValue, Type::parseFiniteDouble),
    BOOLEAN("true or false", JsonNode::isBoolean, JsonNode::booleanValue, Type::parseBoolean),
    FORMAT(
        "one of " + List.of(OutputFormat.values()),
        n -> n.isTextual() && format(n.textValue()) != null,
        n -> format(n.textValue()),
        Type::parseFormat),
    STRING_MAP("an object of strings", JsonNode::isObject, n -> n, null);

    final String description;
    private final java.util.function.Predicate<JsonNode> accepts;
    private final Function<JsonNode, Object> fromJson;
    private final Function<String, Object> fromText;

    Type(
        String description,
        java.util.function.Predicate<JsonNode> accepts,
        Function<JsonNode, Object> fromJson,
        Function<String, Object> fromText) {
      this.description = description;
      this.accepts = accepts;
      this.fromJson = fromJson;
      this.fromText = fromText;
    }

    /** The value of a JSON node, or {@code null} when the node has the wrong type. */
    Object read(JsonNode node) {
      return accepts.test(node) ? fromJson.apply(node) : null;
    }

    /** The value of a CSV cell, or {@code null} when the text is not of this type. */
    Object parse(String text) {
      try {
        return fromText.apply(text.trim());
      } catch (IllegalArgumentException e) {
        return null;
      }
    }

    private static Object parseFiniteDouble(String text) {
      double value = Double.parseDouble(text);
      if (!Double.isFinite(value)) {
        throw new NumberFormatException(text);
      }
      return value;
    }

    private static Object parseBoolean(String text) {
      return switch (text.toLowerCase(Locale.ROOT)) {
        case "true" -> Boolean.TRUE;
        case "false" -> Boolean.FALSE;
        default -> throw new IllegalArgumentException(text);
      };
    }

    private static Object parseFormat(String text) {
      OutputFormat format = format(text);
      if (format == null) {
        throw new IllegalArgumentException(text);
      }
      return format;
    }

    private static OutputFormat format(String text) {
      for (OutputFormat format : OutputFormat.values()) {
        if (format.name().equalsIgnoreCase(text)) {
          return format;
        }
      }
      return null;
    }
  }
}
