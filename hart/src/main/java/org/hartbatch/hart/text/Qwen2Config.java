package org.hartbatch.hart.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.ConfigFile;

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

  /** The Hugging Face {@code config.json} of a Qwen2 model with these sizes. */
  public String toJson() {
    ObjectNode config = new ObjectMapper().createObjectNode();
    config.put("model_type", "qwen2");
    config.put("vocab_size", vocabSize);
    config.put("hidden_size", hiddenSize);
    config.put("num_hidden_layers", numHiddenLayers);
    config.put("num_attention_heads", numAttentionHeads);
    config.put("num_key_value_heads", numKeyValueHeads);
    config.put("intermediate_size", intermediateSize);
    config.put("rope_theta", ropeTheta);
    config.put("rms_norm_eps", rmsNormEps);
    config.put("hidden_act", "silu");
    return config.toPrettyString();
  }

  public static Qwen2Config read(Path configJson) throws IOException {
    ConfigFile config = ConfigFile.read(configJson);
    try {
      return from(config);
    } catch (CheckpointException e) {
      // Field errors of ConfigFile already name the file; structural ones get it here.
      if (e.getMessage().startsWith(configJson.toString())) {
        throw e;
      }
      throw new CheckpointException(configJson + ": " + e.getMessage(), e);
    }
  }

  public static Qwen2Config from(ConfigFile config) {
    String act = config.optText("hidden_act", "silu");
    if (!act.equals("silu")) {
      throw new CheckpointException("hidden_act '" + act + "' is not supported (only silu)");
    }
    if (config.has("rope_scaling")) {
      throw new CheckpointException(
          "rope_scaling is not supported: " + config.fields().get("rope_scaling"));
    }
    if (config.fields().path("use_sliding_window").asBoolean(false)) {
      throw new CheckpointException("use_sliding_window=true is not supported");
    }
    int heads = config.requireInt("num_attention_heads");
    return new Qwen2Config(
        config.requireInt("vocab_size"),
        config.requireInt("hidden_size"),
        config.requireInt("num_hidden_layers"),
        heads,
        config.optInt("num_key_value_heads", heads),
        config.requireInt("intermediate_size"),
        config.optDouble("rope_theta", 10000.0),
        config.optDouble("rms_norm_eps", 1e-6));
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new CheckpointException("field '" + field + "' must be > 0 but is " + value);
    }
  }
}
