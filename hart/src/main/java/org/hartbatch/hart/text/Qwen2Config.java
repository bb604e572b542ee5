package org.hartbatch.hart.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hartbatch.hart.io.CheckpointException;

/**
 * The structural sizes of a Qwen2 decoder, as read from a Hugging Face {@code config.json}.
 *
 * <p>Defaults follow Hugging Face's {@code Qwen2Config} for the optional fields. Variants this port
 * does not implement (other activations, rope scaling, sliding-window attention) are rejected
 * rather than silently computed differently.
 */
public record Qwen2Config(
    int vocabSize,
    int hiddenSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int intermediateSize,
    double ropeTheta,
    double rmsNormEps) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public Qwen2Config {
    positive("vocab_size", vocabSize);
    positive("hidden_size", hiddenSize);
    positive("num_hidden_layers", numHiddenLayers);
    positive("num_attention_heads", numAttentionHeads);
    positive("num_key_value_heads", numKeyValueHeads);
    positive("intermediate_size", intermediateSize);
    if (hiddenSize % numAttentionHeads != 0) {
      throw new CheckpointException(
          "hidden_size "
              + hiddenSize
              + " is not divisible by num_attention_heads "
              + numAttentionHeads);
    }
    if (numAttentionHeads % numKeyValueHeads != 0) {
      throw new CheckpointException(
          "num_attention_heads "
              + numAttentionHeads
              + " is not divisible by num_key_value_heads "
              + numKeyValueHeads);
    }
    if ((hiddenSize / numAttentionHeads) % 2 != 0) {
      throw new CheckpointException(
          "head size " + hiddenSize / numAttentionHeads + " must be even for rotary positions");
    }
    if (!(ropeTheta > 0) || !(rmsNormEps > 0)) {
      throw new CheckpointException(
          "rope_theta (" + ropeTheta + ") and rms_norm_eps (" + rmsNormEps + ") must be > 0");
    }
  }

  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  /** Query heads that share one key/value head. */
  public int queriesPerKeyValue() {
    return numAttentionHeads / numKeyValueHeads;
  }

  public static Qwen2Config read(Path configJson) throws IOException {
    if (!Files.isRegularFile(configJson)) {
      throw new CheckpointException(configJson + ": Qwen2 config.json is missing");
    }
    try {
      return fromJson(JSON.readTree(configJson.toFile()));
    } catch (CheckpointException e) {
      throw new CheckpointException(configJson + ": " + e.getMessage(), e);
    }
  }

  public static Qwen2Config fromJson(JsonNode json) {
    String act = json.path("hidden_act").asText("silu");
    if (!act.equals("silu")) {
      throw new CheckpointException("hidden_act '" + act + "' is not supported (only silu)");
    }
    if (!json.path("rope_scaling").isMissingNode() && !json.path("rope_scaling").isNull()) {
      throw new CheckpointException("rope_scaling is not supported: " + json.get("rope_scaling"));
    }
    if (json.path("use_sliding_window").asBoolean(false)) {
      throw new CheckpointException("use_sliding_window=true is not supported");
    }
    int heads = required(json, "num_attention_heads");
    return new Qwen2Config(
        required(json, "vocab_size"),
        required(json, "hidden_size"),
        required(json, "num_hidden_layers"),
        heads,
        json.path("num_key_value_heads").asInt(heads),
        required(json, "intermediate_size"),
        json.path("rope_theta").asDouble(10000.0),
        json.path("rms_norm_eps").asDouble(1e-6));
  }

  private static int required(JsonNode json, String field) {
    JsonNode node = json.get(field);
    if (node == null || !node.canConvertToInt()) {
      throw new CheckpointException("field '" + field + "' is missing or not an integer");
    }
    return node.asInt();
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new CheckpointException("field '" + field + "' must be > 0 but is " + value);
    }
  }
}
