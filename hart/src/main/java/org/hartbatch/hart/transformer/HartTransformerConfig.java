package org.hartbatch.hart.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
    int diffusionWidth,
    int diffusionDepth,
    boolean useContextNorm,
    boolean useTimestepEmbed) {

  /** The RoPE base, hard-coded in the reference. */
  public static final double ROPE_THETA = 10000;

  private static final ObjectMapper JSON = new ObjectMapper();

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

  /** Reads {@code config.json}: flat (released layout) or wrapped as {"config": ..., ...}. */
  public static HartTransformerConfig read(Path file) throws IOException {
    return fromJson(JSON.readTree(file.toFile()));
  }

  public static HartTransformerConfig fromJson(JsonNode root) {
    JsonNode c = root.has("config") && root.get("config").isObject() ? root.get("config") : root;
    expect(c, "attn_type", "llama");
    expect(c, "mlp_type", "llama");
    expectFlag(c, "disable_aln", true);
    expectFlag(c, "shared_aln", false);
    expectFlag(c, "attn_l2_norm", false);
    expectFlag(c, "use_cross_attn", false);
    List<Integer> patchNums = new ArrayList<>();
    JsonNode pn = c.path("patch_nums");
    require(pn.isArray() && !pn.isEmpty(), "patch_nums", "is missing or not a list");
    pn.forEach(p -> patchNums.add(p.asInt()));
    return new HartTransformerConfig(
        intField(c, "context_token"),
        intField(c, "context_dim"),
        intField(c, "depth"),
        intField(c, "embed_dim"),
        intField(c, "num_heads"),
        c.path("mlp_ratio").asDouble(4.0),
        c.path("norm_eps").asDouble(1e-6),
        patchNums,
        c.path("diff_width").asInt(1024),
        c.path("diff_depth").asInt(6),
        c.path("use_context_norm").asBoolean(true),
        c.path("use_timestep_embed").asBoolean(true));
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

  private static int intField(JsonNode c, String name) {
    JsonNode node = c.path(name);
    require(node.canConvertToInt(), name, "is missing or not an integer");
    return node.asInt();
  }

  private static void expect(JsonNode c, String name, String supported) {
    String value = c.path(name).asText(supported);
    require(
        supported.equals(value),
        name,
        "is '" + value + "' but only '" + supported + "' is supported");
  }

  private static void expectFlag(JsonNode c, String name, boolean supported) {
    boolean value = c.path(name).asBoolean(supported);
    require(value == supported, name, "is " + value + " but only " + supported + " is supported");
  }

  private static void require(boolean ok, String field, String reason) {
    if (!ok) {
      throw new IllegalArgumentException("transformer config field " + field + " " + reason);
    }
  }
}
