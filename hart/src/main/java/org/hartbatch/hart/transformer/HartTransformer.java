package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.runtime.Scoped;

/**
 * The HART next-scale transformer (released structure): context embedding, level embedding, llama
 * blocks with 1-D/2-D rotary positions and a KV cache across scales, the AdaLN head, the word
 * embedding of the next-scale input and the diffusion condition of the last stage.
 *
 * <p>Weights are read by the reference's {@code state_dict} names; sizes come from the config and
 * the stored shapes (vocabulary and latent channels).
 */
public final class HartTransformer implements AutoCloseable {
  private final HartTransformerConfig config;
  private final NDManager manager;
  private final RmsNorm contextNorm;
  private final Linear contextEmbed;
  private final LevelEmbedding levels;
  private final List<HartBlock> blocks;
  private final AdaLnBeforeHead head;
  private final Linear wordEmbed;
  private final RmsNorm decoderNorm;
  private final long vocabSize;
  private final int latentChannels;

  private HartTransformer(HartTransformerConfig config, Parameters p, long vocab, int cv) {
    this.config = config;
    this.manager = p.manager();
    int c = config.embedDim();
    this.vocabSize = vocab;
    this.latentChannels = cv;
    this.contextNorm =
        config.useContextNorm()
            ? RmsNorm.bind(p, "context_norm", config.contextDim(), config.normEps())
            : null;
    this.contextEmbed = Linear.bind(p, "context_embed", c, config.contextDim());
    this.levels = new LevelEmbedding(config, p);
    List<HartBlock> blockList = new ArrayList<>();
    for (int i = 0; i < config.depth(); i++) {
      blockList.add(new HartBlock(config, p.scope("blocks." + i)));
    }
    this.blocks = List.copyOf(blockList);
    this.head = new AdaLnBeforeHead(config, p, vocab);
    this.wordEmbed = Linear.bind(p, "word_embed", c, cv);
    this.decoderNorm = RmsNorm.bind(p, "decoder_norm", c, config.normEps());
  }

  /**
   * Binds every transformer weight of {@code weights} (the {@code diffloss.*} keys and the
   * reference's buffers are left to others) into a sub-manager of {@code parent}, converted to
   * {@code type}. Every missing, mis-shaped or unexpected tensor is reported in one error.
   */
  public static HartTransformer load(
      HartTransformerConfig config, WeightSource weights, NDManager parent, DataType type) {
    NDManager manager = parent.newSubManager();
    try {
      Parameters p = new Parameters(weights, manager, type, HartTransformer::notOurs);
      long vocab = leadingDim(p, "head.weight");
      int cv = (int) trailingDim(p, "word_embed.weight");
      HartTransformer transformer = new HartTransformer(config, p, vocab, cv);
      p.finish();
      return transformer;
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * A transformer bound to {@code p}, e.g. freshly initialised parameters to train, with a codebook
   * of {@code vocab} rows of {@code latentChannels} channels.
   */
  public static HartTransformer create(
      HartTransformerConfig config, Parameters p, long vocab, int latentChannels) {
    return new HartTransformer(config, p, vocab, latentChannels);
  }

  /** Keys of the transformer checkpoint this class does not bind: diffusion head and buffers. */
  private static boolean notOurs(String name) {
    return name.startsWith("diffloss.")
        || name.equals("lvl_1L")
        || name.equals("attn_bias_for_masking")
        || name.endsWith(".zero_k_bias");
  }

  private static long leadingDim(Parameters p, String name) {
    Shape shape = p.shapeOf(name);
    if (shape == null) {
      throw new CheckpointException("transformer checkpoint has no tensor '" + name + "'");
    }
    return shape.get(0);
  }

  private static long trailingDim(Parameters p, String name) {
    Shape shape = p.shapeOf(name);
    if (shape == null) {
      throw new CheckpointException("transformer checkpoint has no tensor '" + name + "'");
    }
    return shape.get(shape.dimension() - 1);
  }

  /** The type the weights were loaded in (float32, or float16 on CUDA). */
  public DataType computeType() {
    return contextEmbed.weight().getDataType();
  }

  public HartTransformerConfig config() {
    return config;
  }

  /** Codebook size {@code V}. */
  public long vocabSize() {
    return vocabSize;
  }

  /** Latent channels {@code Cv} of the tokens fed back through the word embedding. */
  public int latentChannels() {
    return latentChannels;
  }

  /**
   * Builds the guided condition from text features {@code [B, T, Dt]} and their position ids {@code
   * [B][T]}: B zero contexts with zero positions are appended as the unconditional rows.
   */
  public GuidedContext guide(NDArray context_BTD, NDArray positionIds_BT) {
    long[] flat = positionIds_BT.toType(DataType.INT64, false).toLongArray();
    int rows = Math.toIntExact(positionIds_BT.getShape().get(0));
    long[][] positions = new long[rows][];
    for (int r = 0; r < rows; r++) {
      positions[r] =
          java.util.Arrays.copyOfRange(
              flat, r * config.contextTokens(), (r + 1) * config.contextTokens());
    }
    if (flat.length != (long) rows * config.contextTokens()) {
      throw new IllegalArgumentException(
          "position ids must be [B, "
              + config.contextTokens()
              + "] but are "
              + positionIds_BT.getShape());
    }
    return guide(context_BTD, positions);
  }

  /** {@link #guide(NDArray, NDArray)} with the position ids as rows. */
  public GuidedContext guide(NDArray context_BTD, long[][] positionIds_BT) {
    Shape shape = context_BTD.getShape();
    int b = (int) shape.get(0);
    if (shape.dimension() != 3
        || shape.get(1) != config.contextTokens()
        || shape.get(2) != config.contextDim()) {
      throw new IllegalArgumentException(
          "context must be [B, "
              + config.contextTokens()
              + ", "
              + config.contextDim()
              + "] but is "
              + shape);
    }
    if (positionIds_BT.length != b) {
      throw new IllegalArgumentException(
          "position ids have " + positionIds_BT.length + " rows for a batch of " + b);
    }
    long[][] positions = new long[2 * b][];
    for (int i = 0; i < b; i++) {
      if (positionIds_BT[i].length != config.contextTokens()) {
        throw new IllegalArgumentException(
            "position ids row "
                + i
                + " has "
                + positionIds_BT[i].length
                + " entries, not "
                + config.contextTokens());
      }
      positions[i] = positionIds_BT[i].clone();
      positions[b + i] = new long[config.contextTokens()];
    }
    return condition(NDArrays.concat(new NDList(context_BTD, context_BTD.zerosLike())), positions);
  }

  /**
   * The condition of rows exactly as given, without appending unconditional rows: a row whose
   * context and positions are all zero is an unconditional row, as {@link #guide} builds them.
   * Training uses it for condition dropout.
   */
  public GuidedContext condition(NDArray context_RTD, long[][] positions_RT) {
    // The text encoder runs in float32 and may sit on another device (its own manager): bring its
    // features to this model's device and compute type, as the reference's autocast does.
    NDArray weight = contextEmbed.weight();
    NDArray context = context_RTD;
    if (!context.getDevice().equals(weight.getDevice())) {
      context = context.toDevice(weight.getDevice(), false);
    }
    if (context.getDataType() != weight.getDataType()) {
      context = context.toType(weight.getDataType(), false);
    }
    NDArray normed = contextNorm == null ? context : contextNorm.apply(context);
    NDArray embeddings = contextEmbed.apply(normed);
    return new GuidedContext(embeddings, positions_RT, head.modulation(embeddings));
  }

  /** Stage-0 tokens: the context embeddings plus {@code lvl[0]}, {@code [G, T, C]}. */
  public NDArray contextInput(GuidedContext context) {
    NDArray embeddings = context.embeddings_GTC();
    return embeddings.add(levels.level(0, embeddings.getManager()));
  }

  /**
   * Stage-s tokens from the downsampled latent {@code [B, p_s^2, Cv]}: {@code word_embed(.) +
   * lvl[s]}, copied to both guidance halves, {@code [G, p_s^2, C]}.
   */
  public NDArray scaleInput(int stage, NDArray latent_BnCv) {
    NDArray x = wordEmbed.apply(latent_BnCv).add(levels.level(stage, latent_BnCv.getManager()));
    return NDArrays.concat(new NDList(x, x));
  }

  /**
   * The image tokens of stages {@code 1..S-1} in one sequence, {@code [R, N, C]}: {@code
   * word_embed} of their downsampled latents {@code [R, N, Cv]} (stage by stage, row-major) plus
   * each token's level embedding. Equals {@link #scaleInput} of every stage, per row.
   */
  public NDArray imageInputs(NDArray latents_RNCv) {
    NDManager m = latents_RNCv.getManager();
    NDList levelRows = new NDList();
    for (int s = 1; s < config.stages(); s++) {
      levelRows.add(levels.level(s, m).expandDims(0).repeat(0, config.queries(s)));
    }
    return wordEmbed.apply(latents_RNCv).add(NDArrays.concat(levelRows));
  }

  /** Raw logits {@code [G, n, V]} of block outputs {@code [G, n, C]}. */
  public NDArray logits(NDArray hidden_GnC, GuidedContext context) {
    return head.logits(hidden_GnC, context.head());
  }

  /**
   * The residual-diffusion condition {@code decoder_norm(h + word_embed(tokens))} where the
   * conditional rows' token latents {@code [B, n, Cv]} serve both halves; {@code [G, n, C]}.
   */
  public NDArray diffusionCondition(NDArray hidden_GnC, NDArray tokens_BnCv) {
    NDArray embedded = wordEmbed.apply(tokens_BnCv);
    return decoderNorm.apply(hidden_GnC.add(NDArrays.concat(new NDList(embedded, embedded))));
  }

  /** {@link #diffusionCondition} of rows that are their own condition (no guided halves). */
  public NDArray rowDiffusionCondition(NDArray hidden_RnC, NDArray tokens_RnCv) {
    return decoderNorm.apply(hidden_RnC.add(wordEmbed.apply(tokens_RnCv)));
  }

  /** A KV-cached pass over the stages of one generation, with caches in {@code sessionManager}. */
  public Session newSession(GuidedContext context, NDManager sessionManager) {
    return new Session(context, sessionManager);
  }

  /**
   * Logits of all stages from one pass over the whole sequence with the block-causal mask (level of
   * key ≤ level of query), without a cache. {@code stageInputs} are the inputs of every stage, as
   * given to {@link Session#run}. Used to check the cached path.
   */
  public NDArray logitsWithoutCache(List<NDArray> stageInputs, GuidedContext context) {
    if (stageInputs.size() != config.stages()) {
      throw new IllegalArgumentException(
          "need the inputs of all " + config.stages() + " stages, got " + stageInputs.size());
    }
    NDArray x = NDArrays.concat(new NDList(stageInputs.toArray(NDArray[]::new)), 1);
    return logits(hiddenWithoutCache(x, context), context);
  }

  /**
   * Teacher forcing: the last hidden states {@code [R, L, C]} of the whole sequence {@code x_RLC}
   * (the context tokens, then the image tokens of stages {@code 1..S-1}) in one pass with the
   * block-causal mask. Token {@code i} sees exactly what the cached pass lets it see, so row by row
   * this equals {@link Session#run} fed the same inputs.
   */
  public NDArray hiddenWithoutCache(NDArray x_RLC, GuidedContext context) {
    int total = config.totalTokens();
    if (x_RLC.getShape().get(1) != total) {
      throw new IllegalArgumentException(
          "the whole sequence has " + total + " tokens, got " + x_RLC.getShape());
    }
    NDManager m = x_RLC.getManager();
    List<Rotary> rotaries = new ArrayList<>();
    int[] level = new int[total];
    int at = 0;
    for (int s = 0; s < config.stages(); s++) {
      rotaries.add(rotary(s, context, m));
      for (int i = 0; i < config.queries(s); i++) {
        level[at++] = s;
      }
    }
    float[] bias = new float[total * total];
    for (int q = 0; q < total; q++) {
      for (int k = 0; k < total; k++) {
        bias[q * total + k] = level[k] <= level[q] ? 0f : Float.NEGATIVE_INFINITY;
      }
    }
    NDArray bias_LL = m.create(bias, new Shape(total, total)).toType(x_RLC.getDataType(), false);
    Rotary rotary = Rotary.concat(rotaries);
    NDArray x = x_RLC;
    for (HartBlock block : blocks) {
      x = block.forward(x, rotary, null, bias_LL);
    }
    return x;
  }

  /**
   * The logits {@code [R, 1 + N, V]} of every predicted token from {@link #hiddenWithoutCache}: the
   * last context token predicts the 1x1 scale, each image token its own scale's token.
   */
  public NDArray predictionLogits(NDArray hidden_RLC, GuidedContext context) {
    int fromLastContext = config.contextTokens() - 1;
    return logits(hidden_RLC.get(new NDIndex(":, {}:", fromLastContext)), context);
  }

  private Rotary rotary(int stage, GuidedContext context, NDManager m) {
    return stage == 0
        ? Rotary.context(m, context.positions_GT(), config.headDim(), computeType())
        : Rotary.image(
            m,
            config.patchNum(stage),
            config.latentSide(),
            context.imageOffsets(),
            config.headDim(),
            computeType());
  }

  /** One generation's pass through the stages in order, keeping keys and values across them. */
  public final class Session {
    private final GuidedContext context;
    private final NDManager manager;
    private final List<KvCache> caches = new ArrayList<>();
    private int nextStage;

    private Session(GuidedContext context, NDManager manager) {
      this.context = context;
      this.manager = manager;
      DataType type = context.embeddings_GTC().getDataType();
      for (int i = 0; i < blocks.size(); i++) {
        caches.add(
            new KvCache(
                manager,
                context.guidedRows(),
                config.numHeads(),
                config.totalTokens(),
                config.headDim(),
                type));
      }
    }

    /**
     * Runs every block on the tokens of {@code stage} ({@code [G, n, C]}); returns the last output.
     */
    public NDArray run(int stage, NDArray x_GnC) {
      if (stage != nextStage) {
        throw new IllegalStateException("stage " + stage + " run before stage " + nextStage);
      }
      if (x_GnC.getShape().get(1) != config.queries(stage)) {
        throw new IllegalArgumentException(
            "stage "
                + stage
                + " needs "
                + config.queries(stage)
                + " tokens, got "
                + x_GnC.getShape());
      }
      NDArray x =
          Scoped.result(
              () ->
                  stage == 0
                      ? runContextStage(x_GnC)
                      : runBlocks(x_GnC, rotary(stage, context, manager), caches));
      nextStage++;
      return x;
    }

    /**
     * Stage 0 on the conditional rows only: the unconditional rows are the same for every request
     * (zero context, zero positions), so their keys, values and outputs come from {@link
     * #unconditionalContext}, computed once per model, and are copied into the cache.
     */
    private NDArray runContextStage(NDArray x_GTC) {
      int b = context.batch();
      NDArray cond = x_GTC.get(new NDIndex(":{}", b));
      long[][] condPositions = java.util.Arrays.copyOf(context.positions_GT(), b);
      Rotary rotary = Rotary.context(manager, condPositions, config.headDim(), computeType());
      List<KvCache> condCaches = new ArrayList<>();
      for (int i = 0; i < blocks.size(); i++) {
        condCaches.add(
            new KvCache(
                manager,
                b,
                config.numHeads(),
                config.contextTokens(),
                config.headDim(),
                cond.getDataType()));
      }
      NDArray hidden = runBlocks(cond, rotary, condCaches);
      UnconditionalContext shared = unconditionalContext();
      for (int i = 0; i < blocks.size(); i++) {
        caches
            .get(i)
            .append(
                NDArrays.concat(
                    new NDList(condCaches.get(i).keys(), shared.keys().get(i).repeat(0, b))),
                NDArrays.concat(
                    new NDList(condCaches.get(i).values(), shared.values().get(i).repeat(0, b))));
      }
      return NDArrays.concat(new NDList(hidden, shared.hidden_1TC().repeat(0, b)));
    }
  }

  HartBlock block(int index) {
    return blocks.get(index);
  }

  private NDArray runBlocks(NDArray x, Rotary rotary, List<KvCache> blockCaches) {
    for (int i = 0; i < blocks.size(); i++) {
      x = blocks.get(i).forward(x, rotary, blockCaches.get(i), null);
    }
    return x;
  }

  /**
   * Stage-0 keys and values ({@code [1, H, T, dh]} per block) and output of an unconditional row.
   */
  private record UnconditionalContext(
      List<NDArray> keys, List<NDArray> values, NDArray hidden_1TC) {}

  private UnconditionalContext unconditional;

  /** The unconditional row's stage 0: {@code context_embed(0) + lvl[0]} at position 0, once. */
  private synchronized UnconditionalContext unconditionalContext() {
    if (unconditional == null) {
      try (NDScope scope = new NDScope()) {
        NDArray zeros =
            manager.zeros(new Shape(1, config.contextTokens(), config.contextDim()), computeType());
        NDArray embedded =
            contextEmbed.apply(contextNorm == null ? zeros : contextNorm.apply(zeros));
        NDArray x = embedded.add(levels.level(0, manager));
        List<KvCache> caches = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
          caches.add(
              new KvCache(
                  manager,
                  1,
                  config.numHeads(),
                  config.contextTokens(),
                  config.headDim(),
                  x.getDataType()));
        }
        Rotary rotary =
            Rotary.context(
                manager, new long[1][config.contextTokens()], config.headDim(), computeType());
        NDArray hidden = runBlocks(x, rotary, caches);
        List<NDArray> keys = new ArrayList<>();
        List<NDArray> values = new ArrayList<>();
        for (KvCache cache : caches) {
          keys.add(cache.keys().duplicate());
          values.add(cache.values().duplicate());
        }
        unconditional = new UnconditionalContext(List.copyOf(keys), List.copyOf(values), hidden);
        NDScope.unregister(new NDList(keys));
        NDScope.unregister(new NDList(values));
        NDScope.unregister(hidden);
      }
    }
    return unconditional;
  }

  @Override
  public void close() {
    manager.close();
  }
}
