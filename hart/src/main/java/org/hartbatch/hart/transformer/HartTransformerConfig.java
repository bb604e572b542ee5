package org.hartbatch.hart.transformer;

import java.util.ArrayList;
import java.util.List;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.ConfigFile;

/**
 * The sizes and structural flags of a HART transformer, read from its {@code config.json}.
 *
 * <p>Only the released structure is supported: llama attention and MLP, no per-block AdaLN, no
 * cross attention, no L2-normalised attention. Any other value of those flags is rejected by name.
 */
public record HartTransformerConfig(
    int contextTokens,
    int contextDim,
    int depth,
    int embedDim,
    int numHeads,
    double mlpRatio,
    double normEps,
    List<Integer> patchNums,
    boolean useContextNorm,
    boolean useTimestepEmbed) {

  /** The RoPE base, hard-coded in the reference. */
  public static final double ROPE_THETA = 10000;

  public HartTransformerConfig {
    patchNums = List.copyOf(patchNums);
    require(contextTokens > 0, "context_token", "must be positive");
    require(contextDim > 0, "context_dim", "must be positive");
    require(depth > 0, "depth", "must be positive");
    require(embedDim > 0, "embed_dim", "must be positive");
    require(numHeads > 0 && embedDim % numHeads == 0, "num_heads", "must divide embed_dim");
    require((embedDim / numHeads) % 4 == 0, "num_heads", "head dim must be a multiple of 4");
    require(patchNums.size() >= 2, "patch_nums", "needs at least two scales");
    require(patchNums.get(0) == 1, "patch_nums", "must start with 1");
    for (int i = 1; i < patchNums.size(); i++) {
      require(patchNums.get(i) > patchNums.get(i - 1), "patch_nums", "must increase");
    }
  }

  /** Reads the transformer's {@code config.json} (flat, or wrapped as in the fixtures). */
  public static HartTransformerConfig from(ConfigFile c) {
    expect(c, "attn_type", "llama");
    expect(c, "mlp_type", "llama");
    expectFlag(c, "disable_aln", true);
    expectFlag(c, "shared_aln", false);
    expectFlag(c, "attn_l2_norm", false);
    expectFlag(c, "use_cross_attn", false);
    List<Integer> patchNums = new ArrayList<>();
    for (int p : c.requireIntArray("patch_nums")) {
      patchNums.add(p);
    }
    return new HartTransformerConfig(
        c.requireInt("context_token"),
        c.requireInt("context_dim"),
        c.requireInt("depth"),
        c.requireInt("embed_dim"),
        c.requireInt("num_heads"),
        c.optDouble("mlp_ratio", 4.0),
        c.optDouble("norm_eps", 1e-6),
        patchNums,
        flag(c, "use_context_norm", true),
        flag(c, "use_timestep_embed", true));
  }

  public int headDim() {
    return embedDim / numHeads;
  }

  /** LlamaMLP hidden width: {@code floor((C * mlp_ratio * 2/3 + 255) / 256) * 256}. */
  public int ffnHidden() {
    return (int) (embedDim * mlpRatio * 2 / 3 + 255) / 256 * 256;
  }

  /** The reference's attention scale {@code 0.25 / sqrt(head_dim)}. */
  public double attentionScale() {
    return 0.25 / Math.sqrt(headDim());
  }

  public int stages() {
    return patchNums.size();
  }

  /** The side of every stage's token grid, as an array. */
  public int[] patchSides() {
    return patchNums.stream().mapToInt(Integer::intValue).toArray();
  }

  public int patchNum(int stage) {
    return patchNums.get(stage);
  }

  /** Side of the final latent map (the last patch number). */
  public int latentSide() {
    return patchNums.get(patchNums.size() - 1);
  }

  /** Queries of a stage: the context tokens at stage 0, {@code p_s^2} afterwards. */
  public int queries(int stage) {
    return stage == 0 ? contextTokens : patchNum(stage) * patchNum(stage);
  }

  /** Keys visible at a stage: every token of this and the earlier stages. */
  public int keysThrough(int stage) {
    int keys = contextTokens;
    for (int s = 1; s <= stage; s++) {
      keys += patchNum(s) * patchNum(s);
    }
    return keys;
  }

  /** Length of the whole sequence: context tokens plus every image token after the 1x1 scale. */
  public int totalTokens() {
    return keysThrough(stages() - 1);
  }

  private static boolean flag(ConfigFile c, String name, boolean fallback) {
    return c.has(name) ? c.fields().get(name).asBoolean() : fallback;
  }

  private static void expect(ConfigFile c, String name, String supported) {
    String value = c.optText(name, supported);
    require(
        supported.equals(value),
        name,
        "is '" + value + "' but only '" + supported + "' is supported");
  }

  private static void expectFlag(ConfigFile c, String name, boolean supported) {
    boolean value = flag(c, name, supported);
    require(value == supported, name, "is " + value + " but only " + supported + " is supported");
  }

  private static void require(boolean ok, String field, String reason) {
    if (!ok) {
      throw new CheckpointException("transformer config: field '" + field + "' " + reason);
    }
  }
}
