package org.hartbatch.hart.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model's {@code config.json}. Released checkpoints store the fields flat; the golden fixtures
 * wrap them as {@code {"config": {...}, "derived": {...}}}. Both read the same way here, and a
 * missing or mistyped field is reported with its name and file.
 */
public final class ConfigFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String origin;
  private final JsonNode fields;

  public ConfigFile(String origin, JsonNode root) {
    this.origin = origin;
    this.fields = root.has("config") && root.get("config").isObject() ? root.get("config") : root;
  }

  public static ConfigFile read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new CheckpointException(path + " is missing");
    }
    return new ConfigFile(path.toString(), JSON.readTree(path.toFile()));
  }

  public JsonNode fields() {
    return fields;
  }

  public boolean has(String field) {
    return fields.hasNonNull(field);
  }

  public int requireInt(String field) {
    JsonNode node = require(field);
    if (!node.canConvertToInt() || !node.isIntegralNumber()) {
      throw bad(field, "must be an integer but is " + node);
    }
    return node.intValue();
  }

  public int optInt(String field, int fallback) {
    return has(field) ? requireInt(field) : fallback;
  }

  public double requireDouble(String field) {
    JsonNode node = require(field);
    if (!node.isNumber()) {
      throw bad(field, "must be a number but is " + node);
    }
    return node.doubleValue();
  }

  public double optDouble(String field, double fallback) {
    return has(field) ? requireDouble(field) : fallback;
  }

  public String requireText(String field) {
    JsonNode node = require(field);
    if (!node.isTextual() && !node.isNumber()) {
      throw bad(field, "must be a string but is " + node);
    }
    return node.asText();
  }

  public String optText(String field, String fallback) {
    return has(field) ? requireText(field) : fallback;
  }

  public boolean optBoolean(String field, boolean fallback) {
    if (!has(field)) {
      return fallback;
    }
    JsonNode node = fields.get(field);
    if (!node.isBoolean()) {
      throw bad(field, "must be true or false but is " + node);
    }
    return node.booleanValue();
  }

  public int[] requireIntArray(String field) {
    JsonNode node = require(field);
    if (!node.isArray() || node.isEmpty()) {
      throw bad(field, "must be a non-empty array of integers but is " + node);
    }
    int[] values = new int[node.size()];
    for (int i = 0; i < values.length; i++) {
      if (!node.get(i).isIntegralNumber()) {
        throw bad(field, "must be an array of integers but element " + i + " is " + node.get(i));
      }
      values[i] = node.get(i).intValue();
    }
    return values;
  }

  public int[] optIntArray(String field, int[] fallback) {
    return has(field) ? requireIntArray(field) : fallback;
  }

  private JsonNode require(String field) {
    if (!has(field)) {
      throw bad(field, "is missing");
    }
    return fields.get(field);
  }

  private CheckpointException bad(String field, String reason) {
    return new CheckpointException(origin + ": field '" + field + "' " + reason);
  }
}
