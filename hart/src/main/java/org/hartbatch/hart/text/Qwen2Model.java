package org.hartbatch.hart.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.io.WeightSource;

/**
 * The Qwen2 decoder without its language-model head: token embeddings, the decoder layers and the
 * final RMSNorm. Its output is the last hidden state, which HART uses as text features.
 */
public record Qwen2Model(
    Qwen2Config config,
    NDArray embedTokens,
    List<Qwen2DecoderLayer> layers,
    RmsNorm norm,
    RotaryEmbedding rotary) {

  private static final String CAUSAL_LM_PREFIX = "model.";

  /** Final hidden states of the new tokens and, per layer, their own rotated keys and values. */
  public record Output(NDArray hidden_BLD, List<Qwen2Attention.KeyValues> keyValues) {}

  /**
   * Runs the decoder over new tokens that follow an optional prefix whose keys and values are
   * already known. Positions are {@code P, ..., P+L-1} for a prefix of length {@code P}, whatever
   * the padding (as in Hugging Face Qwen2). Each query sees the prefix and the new keys up to
   * itself, except keys whose mask is 0; padded queries are computed like any other.
   *
   * @param ids_BL token ids of the new tokens
   * @param keyMask_BS 1 (or true) for every key that may be attended, over [prefix, new tokens]
   * @param prefix per-layer keys/values of the prefix (batch 1 or B), or {@code null}
   */
  public Output forward(NDArray ids_BL, NDArray keyMask_BS, List<Qwen2Attention.KeyValues> prefix) {
    NDManager manager = ids_BL.getManager();
    long batch = ids_BL.getShape().get(0);
    int length = Math.toIntExact(ids_BL.getShape().get(1));
    int prefixLength = prefix == null ? 0 : Math.toIntExact(prefix.get(0).length());
    NDArray x_BLD = embedTokens.get(ids_BL.flatten()).reshape(batch, length, config.hiddenSize());
    RotaryEmbedding.Table rope = rotary.table(manager, prefixLength, length);
    NDArray bias_BLS = attentionBias(manager, keyMask_BS, prefixLength, length);
    List<Qwen2Attention.KeyValues> keyValues = new ArrayList<>(layers.size());
    for (int i = 0; i < layers.size(); i++) {
      Qwen2Attention.Output out =
          layers.get(i).forward(x_BLD, rope, bias_BLS, prefix == null ? null : prefix.get(i));
      x_BLD = out.out_BLD();
      keyValues.add(out.own());
    }
    return new Output(norm.forward(x_BLD), keyValues);
  }

  private static NDArray attentionBias(
      NDManager manager, NDArray keyMask_BS, int prefixLength, int length) {
    int keys = prefixLength + length;
    if (keyMask_BS.getShape().get(1) != keys) {
      throw new IllegalArgumentException(
          "key mask covers " + keyMask_BS.getShape().get(1) + " keys but there are " + keys);
    }
    boolean[] causal = new boolean[length * keys];
    for (int l = 0; l < length; l++) {
      for (int s = 0; s <= prefixLength + l; s++) {
        causal[l * keys + s] = true;
      }
    }
    NDArray allowed_BLS =
        manager
            .create(causal, new Shape(1, length, keys))
            .logicalAnd(keyMask_BS.toType(DataType.BOOLEAN, false).expandDims(1));
    // Finite rather than -inf, like Hugging Face, so a fully masked row could never give NaN.
    return allowed_BLS.toType(DataType.FLOAT32, false).sub(1f).mul(Float.MAX_VALUE);
  }

  /** Hugging Face parameter names (without a {@code model.} prefix) and their shapes. */
  public static Map<String, Shape> parameterShapes(Qwen2Config c) {
    long d = c.hiddenSize();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    Map<String, Shape> shapes = new LinkedHashMap<>();
    shapes.put("embed_tokens.weight", new Shape(c.vocabSize(), d));
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String p = "layers." + i + ".";
      shapes.put(p + "input_layernorm.weight", new Shape(d));
      shapes.put(p + "self_attn.q_proj.weight", new Shape(d, d));
      shapes.put(p + "self_attn.q_proj.bias", new Shape(d));
      shapes.put(p + "self_attn.k_proj.weight", new Shape(kv, d));
      shapes.put(p + "self_attn.k_proj.bias", new Shape(kv));
      shapes.put(p + "self_attn.v_proj.weight", new Shape(kv, d));
      shapes.put(p + "self_attn.v_proj.bias", new Shape(kv));
      shapes.put(p + "self_attn.o_proj.weight", new Shape(d, d));
      shapes.put(p + "post_attention_layernorm.weight", new Shape(d));
      shapes.put(p + "mlp.gate_proj.weight", new Shape(c.intermediateSize(), d));
      shapes.put(p + "mlp.up_proj.weight", new Shape(c.intermediateSize(), d));
      shapes.put(p + "mlp.down_proj.weight", new Shape(d, c.intermediateSize()));
    }
    shapes.put("norm.weight", new Shape(d));
    return shapes;
  }

  /**
   * Loads the network from a checkpoint with Hugging Face key names, with or without the {@code
   * model.} prefix of {@code Qwen2ForCausalLM} checkpoints (whose {@code lm_head} is then ignored).
   */
  public static Qwen2Model load(
      WeightSource weights, Qwen2Config config, NDManager manager, DataType floatType) {
    WeightSource decoder =
        weights.tensors().containsKey(CAUSAL_LM_PREFIX + "embed_tokens.weight")
            ? weights.withPrefix(CAUSAL_LM_PREFIX)
            : weights;
    Parameters parameters =
        new Parameters(decoder, manager, floatType, name -> name.endsWith("rotary_emb.inv_freq"));
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    parameterShapes(config)
        .forEach((name, shape) -> tensors.put(name, parameters.get(name, shape.getShape())));
    parameters.finish();
    return fromTensors(config, tensors);
  }

  /** Assembles the network from tensors named as in {@link #parameterShapes}, checking shapes. */
  public static Qwen2Model fromTensors(Qwen2Config c, Map<String, NDArray> tensors) {
    for (Map.Entry<String, Shape> expected : parameterShapes(c).entrySet()) {
      NDArray tensor = tensors.get(expected.getKey());
      if (tensor == null) {
        throw new CheckpointException("Qwen2 weight '" + expected.getKey() + "' is missing");
      }
      if (!tensor.getShape().equals(expected.getValue())) {
        throw new CheckpointException(
            "Qwen2 weight '"
                + expected.getKey()
                + "' has shape "
                + tensor.getShape()
                + " but config.json implies "
                + expected.getValue());
      }
    }
    float eps = (float) c.rmsNormEps();
    List<Qwen2DecoderLayer> layers = new ArrayList<>();
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String p = "layers." + i + ".";
      Qwen2Attention attention =
          new Qwen2Attention(
              tensors.get(p + "self_attn.q_proj.weight"),
              tensors.get(p + "self_attn.q_proj.bias"),
              tensors.get(p + "self_attn.k_proj.weight"),
              tensors.get(p + "self_attn.k_proj.bias"),
              tensors.get(p + "self_attn.v_proj.weight"),
              tensors.get(p + "self_attn.v_proj.bias"),
              tensors.get(p + "self_attn.o_proj.weight"),
              c.numAttentionHeads(),
              c.numKeyValueHeads(),
              c.headDim());
      Qwen2Mlp mlp =
          new Qwen2Mlp(
              tensors.get(p + "mlp.gate_proj.weight"),
              tensors.get(p + "mlp.up_proj.weight"),
              tensors.get(p + "mlp.down_proj.weight"));
      layers.add(
          new Qwen2DecoderLayer(
              new RmsNorm(tensors.get(p + "input_layernorm.weight"), eps),
              attention,
              new RmsNorm(tensors.get(p + "post_attention_layernorm.weight"), eps),
              mlp));
    }
    return new Qwen2Model(
        c,
        tensors.get("embed_tokens.weight"),
        List.copyOf(layers),
        new RmsNorm(tensors.get("norm.weight"), eps),
        new RotaryEmbedding(c.headDim(), c.ropeTheta()));
  }
}
