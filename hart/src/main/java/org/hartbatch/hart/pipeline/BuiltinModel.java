package org.hartbatch.hart.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.hartbatch.hart.io.ConfigFile;
import org.hartbatch.hart.text.Qwen2Config;
import org.hartbatch.hart.text.TextEncoders;
import org.hartbatch.hart.transformer.HartTransformerConfig;
import org.hartbatch.hart.vae.VaeConfig;

/**
 * Model shapes that need no files: the configs of a small HART with deterministic random weights
 * ({@link RandomWeights}), named {@code builtin:<name>}. Their images are noise; they exist so that
 * tests need no weight files and benchmarks have a fixed, reproducible model. The trained built-in
 * model is a {@link BuiltinCheckpoint}.
 *
 * @param contextTokens text tokens per prompt
 * @param contextDim hidden size of the text encoder
 */
public record BuiltinModel(
    String name,
    int contextTokens,
    int contextDim,
    int depth,
    int embedDim,
    int numHeads,
    int[] patchNums,
    int diffusionWidth,
    int diffusionDepth,
    int vocab,
    int latentChannels,
    int vaeChannels,
    int[] vaeChannelMult) {

  /** Seed of every built-in model's weights. */
  public static final long WEIGHT_SEED = 20241012L;

  /** Tiny, 128 px, fast enough for tests. */
  public static final BuiltinModel TINY =
      new BuiltinModel(
          "tiny",
          300,
          64,
          2,
          128,
          4,
          new int[] {1, 2, 3, 4, 6, 8, 12, 16},
          64,
          2,
          512,
          8,
          32,
          new int[] {1, 1, 2, 2});

  /** A mid-size shape that fits this CPU, for benchmarks: depth 4, width 512, scales to 16. */
  public static final BuiltinModel MID =
      new BuiltinModel(
          "mid",
          300,
          64,
          4,
          512,
          8,
          new int[] {1, 2, 3, 4, 5, 6, 8, 10, 13, 16},
          256,
          3,
          4096,
          32,
          32,
          new int[] {1, 2, 2, 4});

  /**
   * The released HART-0.7B 1024 px shape with random weights, for GPU throughput measurements:
   * depth 24, width 1536, 24 heads, scales 1..64 over 14 stages, vocab 4096 x 32, diffusion 1024 x
   * 6, VAE ch 160 with mult 1,1,2,2,4 (reference defaults; the manifest of the hart-tiny fixtures
   * lists which of these were verified against the released files). The text encoder has
   * Qwen2-1.5B's width and heads but 2 layers instead of 28 ({@link #textEncoderConfig()}), so text
   * encoding costs far less than with the real encoder. Far too large for a CPU test.
   */
  public static final BuiltinModel HART_0_7B =
      new BuiltinModel(
          "0.7b",
          300,
          1536,
          24,
          1536,
          24,
          new int[] {1, 2, 3, 4, 5, 7, 9, 12, 16, 21, 27, 36, 48, 64},
          1024,
          6,
          4096,
          32,
          160,
          new int[] {1, 1, 2, 2, 4});

  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String SPEC_PREFIX = "builtin:";

  public static List<BuiltinModel> all() {
    return List.of(TINY, MID, HART_0_7B);
  }

  /** The model named by {@code builtin:<name>}. */
  public static BuiltinModel named(String spec) {
    String name = spec.startsWith(SPEC_PREFIX) ? spec.substring(SPEC_PREFIX.length()) : spec;
    return all().stream()
        .filter(m -> m.name.equals(name.toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "model '"
                        + spec
                        + "' is not built in; built-in models are "
                        + Stream.concat(
                                BuiltinCheckpoint.all().stream().map(BuiltinCheckpoint::spec),
                                all().stream().map(BuiltinModel::spec))
                            .toList()));
  }

  public String spec() {
    return SPEC_PREFIX + name;
  }

  /** The transformer's {@code config.json}, in the released (flat) layout. */
  public ConfigFile transformerConfig() {
    ObjectNode c = JSON.createObjectNode();
    c.put("context_token", contextTokens);
    c.put("context_dim", contextDim);
    c.put("depth", depth);
    c.put("embed_dim", embedDim);
    c.put("num_heads", numHeads);
    c.put("mlp_ratio", 4.0);
    c.put("norm_eps", 1e-6);
    Arrays.stream(patchNums).forEach(c.putArray("patch_nums")::add);
    c.put("attn_type", "llama");
    c.put("mlp_type", "llama");
    c.put("disable_aln", true);
    c.put("use_timestep_embed", true);
    c.put("use_context_norm", true);
    c.put("diff_width", diffusionWidth);
    c.put("diff_depth", diffusionDepth);
    c.put("num_sampling_steps", "8");
    return new ConfigFile(spec() + " transformer config", c);
  }

  /** The tokenizer's {@code config.json}. */
  public ConfigFile vaeConfig() {
    ObjectNode c = JSON.createObjectNode();
    c.put("vocab_size", vocab);
    c.put("z_channels", latentChannels);
    c.put("ch", vaeChannels);
    Arrays.stream(vaeChannelMult).forEach(c.putArray("ch_mult")::add);
    c.put("quant_resi", 0.5);
    c.put("share_quant_resi", 4);
    c.put("quant_conv_ks", 3);
    return new ConfigFile(spec() + " tokenizer config", c);
  }

  /** Random weights under the transformer checkpoint's names (diffusion head included). */
  public RandomWeights transformerWeights() {
    HartTransformerConfig t = HartTransformerConfig.from(transformerConfig());
    long c = t.embedDim();
    long f = t.ffnHidden();
    long w = diffusionWidth;
    RandomWeights r = new RandomWeights(WEIGHT_SEED, spec() + " transformer (random weights)");
    r.add("word_embed.weight", c, latentChannels).add("word_embed.bias", c);
    r.add("context_norm.weight", contextDim);
    r.add("context_embed.weight", c, contextDim).add("context_embed.bias", c);
    r.add("lvl_embed.mlp.0.weight", c, 256).add("lvl_embed.mlp.0.bias", c);
    r.add("lvl_embed.mlp.2.weight", c, c).add("lvl_embed.mlp.2.bias", c);
    for (int i = 0; i < depth; i++) {
      String b = "blocks." + i + ".";
      r.add(b + "ln_wo_grad.weight", c);
      r.add(b + "attn.qkv_proj.weight", 3 * c, c);
      r.add(b + "attn.q_bias", c).add(b + "attn.v_bias", c);
      r.add(b + "attn.proj.weight", c, c).add(b + "attn.proj.bias", c);
      r.add(b + "ffn.gate_proj.weight", f, c).add(b + "ffn.up_proj.weight", f, c);
      r.add(b + "ffn.down_proj.weight", c, f);
    }
    r.add("head_nm.ln_wo_grad.weight", c);
    r.add("head_nm.ada_lin.1.weight", 2 * c, c).add("head_nm.ada_lin.1.bias", 2 * c);
    r.add("head.weight", vocab, c).add("head.bias", vocab);
    r.add("decoder_norm.weight", c);
    String d = "diffloss.net.";
    linear(r, d + "time_embed.mlp.0", w, 256);
    linear(r, d + "time_embed.mlp.2", w, w);
    linear(r, d + "cond_embed", w, c);
    linear(r, d + "input_proj", w, latentChannels);
    for (int j = 0; j < diffusionDepth; j++) {
      String b = d + "res_blocks." + j + ".";
      r.add(b + "in_ln.weight", w).add(b + "in_ln.bias", w);
      linear(r, b + "mlp.0", w, w);
      linear(r, b + "mlp.2", w, w);
      linear(r, b + "adaLN_modulation.1", 3 * w, w);
    }
    linear(r, d + "final_layer.adaLN_modulation.1", 2 * w, w);
    linear(r, d + "final_layer.linear", 2L * latentChannels, w);
    return r;
  }

  /** Random weights under the tokenizer checkpoint's (inner) names, decoder side only. */
  public RandomWeights vaeWeights() {
    VaeConfig v = VaeConfig.from(vaeConfig());
    long cv = latentChannels;
    RandomWeights r = new RandomWeights(WEIGHT_SEED + 1, spec() + " tokenizer (random weights)");
    r.add("quantize.embedding.weight", vocab, cv);
    for (int k = 0; k < 4; k++) {
      conv(r, "quantize.quant_resi.qresi_ls." + k, cv, cv, 3);
    }
    conv(r, "post_quant_conv", cv, cv, 3);
    int levels = v.levels();
    long top = v.channels(levels - 1);
    conv(r, "decoder.conv_in", top, cv, 3);
    resBlock(r, "decoder.mid.block_1", top, top);
    attention(r, "decoder.mid.attn_1", top);
    resBlock(r, "decoder.mid.block_2", top, top);
    for (int l = levels - 1; l >= 0; l--) {
      long out = v.channels(l);
      for (int j = 0; j <= VaeConfig.NUM_RES_BLOCKS; j++) {
        long in = j == 0 ? v.channels(Math.min(l + 1, levels - 1)) : out;
        resBlock(r, "decoder.up." + l + ".block." + j, in, out);
        if (l == levels - 1) {
          attention(r, "decoder.up." + l + ".attn." + j, out);
        }
      }
      if (l != 0) {
        conv(r, "decoder.up." + l + ".upsample.conv", out, out, 3);
      }
    }
    long bottom = v.channels(0);
    r.add("decoder.norm_out.weight", bottom).add("decoder.norm_out.bias", bottom);
    conv(r, "decoder.conv_out", 3, bottom, 3);
    return r;
  }

  private static void linear(RandomWeights r, String name, long out, long in) {
    r.add(name + ".weight", out, in).add(name + ".bias", out);
  }

  private static void conv(RandomWeights r, String name, long out, long in, long k) {
    r.add(name + ".weight", out, in, k, k).add(name + ".bias", out);
  }

  private static void resBlock(RandomWeights r, String name, long in, long out) {
    r.add(name + ".norm1.weight", in).add(name + ".norm1.bias", in);
    conv(r, name + ".conv1", out, in, 3);
    r.add(name + ".norm2.weight", out).add(name + ".norm2.bias", out);
    conv(r, name + ".conv2", out, out, 3);
    if (in != out) {
      conv(r, name + ".nin_shortcut", out, in, 1);
    }
  }

  private static void attention(RandomWeights r, String name, long c) {
    r.add(name + ".norm.weight", c).add(name + ".norm.bias", c);
    conv(r, name + ".qkv", 3 * c, c, 1);
    conv(r, name + ".proj_out", c, c, 1);
  }

  /** Output image side in pixels. */
  /**
   * The random text encoder's shape: the tiny Qwen2 when {@code contextDim} is its width, else
   * Qwen2-1.5B's head layout (head width 128, 2 key/value heads, MLP 35/6 of the width) at {@code
   * contextDim} with 2 layers.
   */
  public Qwen2Config textEncoderConfig() {
    if (contextDim == TextEncoders.TINY_CONFIG.hiddenSize()) {
      return TextEncoders.TINY_CONFIG;
    }
    if (contextDim % 128 != 0 || contextDim * 35 % 6 != 0) {
      throw new IllegalArgumentException(
          spec() + ": context_dim " + contextDim + " is neither 64 nor a multiple of 384");
    }
    return new Qwen2Config(
        TextEncoders.TINY_CONFIG.vocabSize(),
        contextDim,
        2,
        contextDim / 128,
        2,
        contextDim * 35 / 6,
        TextEncoders.TINY_CONFIG.ropeTheta(),
        TextEncoders.TINY_CONFIG.rmsNormEps());
  }

  public int imageSize() {
    return patchNums[patchNums.length - 1] << (vaeChannelMult.length - 1);
  }
}
