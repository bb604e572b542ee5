package org.hartbatch.hart.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.hartbatch.hart.diffusion.DiffusionConfig;
import org.hartbatch.hart.diffusion.SimpleMlpAdaLn;
import org.hartbatch.hart.io.ConfigFile;
import org.hartbatch.hart.io.HartCheckpointDir;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.io.SafeTensorsWriter;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.io.WeightSources;
import org.hartbatch.hart.pipeline.BuiltinModel;
import org.hartbatch.hart.shapes.Scene;
import org.hartbatch.hart.shapes.SceneSampler;
import org.hartbatch.hart.shapes.ShapesVocabulary;
import org.hartbatch.hart.text.PromptEncoder;
import org.hartbatch.hart.text.PromptTokenizer;
import org.hartbatch.hart.text.Qwen2Config;
import org.hartbatch.hart.text.Qwen2Model;
import org.hartbatch.hart.text.SystemPrompt;
import org.hartbatch.hart.text.WordLevelVocabulary;
import org.hartbatch.hart.transformer.GuidedContext;
import org.hartbatch.hart.transformer.HartTransformer;
import org.hartbatch.hart.transformer.HartTransformerConfig;
import org.hartbatch.hart.vae.VaeConfig;

/**
 * Trains HART's transformer, its residual-diffusion head and a small Qwen2 text encoder jointly on
 * the shapes data set, over a frozen trained tokenizer, with the inference classes.
 *
 * <p>One step: captions go through the word-level tokenizer and the very {@link PromptEncoder}
 * inference uses (system prompt prepended); a random tenth of the rows become the unconditional
 * rows guidance subtracts (zero context, zero positions); images become their {@link TokenPyramid};
 * the transformer runs the whole sequence once with the block-causal mask (teacher forcing); the
 * loss is the cross-entropy of every scale's indices plus the residual-diffusion loss of the last
 * scale, conditioned as at inference on {@code decoder_norm(h + word_embed(tokens))}.
 *
 * <p>A step's data and random draws depend only on the seed and the step number, and {@link #save}
 * keeps weights, their average and the optimizer state, so a resumed run continues exactly.
 */
public final class TransformerTrainer implements AutoCloseable {
  static final String STATE_DIR = "training";
  private static final String STATE = "state.safetensors";
  private static final String SETTINGS = "settings.json";
  private static final String LLM = "llm.";
  private static final String TEXT = "text_encoder.";
  private static final String EMA = "ema.";
  private static final float SMALL_INIT_STD = 0.02f;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Sizes and training choices.
   *
   * @param contextTokens prompt tokens ({@code context_token}); captions are padded to it
   * @param contextDim hidden size of the text encoder ({@code context_dim})
   * @param textLayers Qwen2 decoder layers of the text encoder
   * @param conditionDropout share of rows trained as unconditional (guidance's other half)
   * @param diffusionTokenFraction share of last-scale tokens the diffusion loss trains per step
   * @param diffusionTimesteps (timestep, noise) draws per trained token
   * @param emaDecay decay of the weight average that is exported ({@code ema_model})
   * @param maxShapes 1: single-shape scenes; 2: half of the scenes have two shapes
   * @param foregroundWeight extra weight {@code w} of the cross-entropy of tokens whose patch
   *     touches a shape (its pixels or the one-pixel ring around them): such tokens weigh {@code 1
   *     + w}, the others 1, normalised to a mean of 1 over the batch; 0 is the plain mean
   */
  public record Settings(
      long seed,
      int batch,
      int maxShapes,
      int contextTokens,
      int contextDim,
      int textLayers,
      int textHeads,
      int depth,
      int embedDim,
      int numHeads,
      int diffusionWidth,
      int diffusionDepth,
      float conditionDropout,
      double diffusionTokenFraction,
      int diffusionTimesteps,
      float emaDecay,
      float gradientClip,
      float foregroundWeight) {

    /**
     * The built-in shapes model, trained on single-shape scenes: in its budget a model trained on a
     * half-and-half mix drew one shape for every two-shape caption anyway, and the mix halved the
     * single-shape examples it learnt from. Tokens touching the shape weigh 5 times the others: at
     * the finest scales most tokens are residual codes of flat background, hard to predict and
     * nearly invisible, and under a plain mean they drown the few tokens that draw the outline.
     */
    public static Settings shapes() {
      return new Settings(
          20261125L, 24, 1, 24, 64, 1, 4, 4, 192, 4, 128, 3, 0.1f, 0.5, 2, 0.995f, 1f, 4f);
    }

    /** These settings with another scene mix (1: single shapes only; 2: one or two shapes). */
    public Settings withMaxShapes(int maxShapes) {
      return new Settings(
          seed,
          batch,
          maxShapes,
          contextTokens,
          contextDim,
          textLayers,
          textHeads,
          depth,
          embedDim,
          numHeads,
          diffusionWidth,
          diffusionDepth,
          conditionDropout,
          diffusionTokenFraction,
          diffusionTimesteps,
          emaDecay,
          gradientClip,
          foregroundWeight);
    }

    /** These settings with another foreground weight of the token cross-entropy. */
    public Settings withForegroundWeight(float weight) {
      return new Settings(
          seed,
          batch,
          maxShapes,
          contextTokens,
          contextDim,
          textLayers,
          textHeads,
          depth,
          embedDim,
          numHeads,
          diffusionWidth,
          diffusionDepth,
          conditionDropout,
          diffusionTokenFraction,
          diffusionTimesteps,
          emaDecay,
          gradientClip,
          weight);
    }
  }

  /** Losses and token accuracy of one step. */
  public record Losses(
      float tokens, float tokenAccuracy, float diffusionMse, float diffusionVb, float gradNorm) {
    Losses withGradNorm(float norm) {
      return new Losses(tokens, tokenAccuracy, diffusionMse, diffusionVb, norm);
    }
  }

  private final Settings settings;
  private final NDManager manager;
  private final VaeConfig vaeConfig;
  private final ImageTokenizer imageTokenizer;
  private final Path tokenizerDir;
  private final WordLevelVocabulary vocabulary;
  private final PromptTokenizer promptTokenizer;
  private final long[] systemIds;
  private final Qwen2Model text;
  private final BuiltinModel shape;
  private final HartTransformerConfig transformerConfig;
  private final HartTransformer transformer;
  private final DiffusionLoss diffusionLoss;
  private final Map<String, NDArray> parameters = new LinkedHashMap<>();
  private final Map<String, NDArray> average = new LinkedHashMap<>();
  private final AdamW optimizer;
  private final SceneSampler scenes;
  private final int imageSize;

  private TransformerTrainer(
      Settings settings,
      Path tokenizerDir,
      NDManager manager,
      Parameters llm,
      Parameters textParameters)
      throws IOException {
    this.settings = settings;
    this.manager = manager;
    this.tokenizerDir = tokenizerDir;
    imageTokenizer = ImageTokenizer.open(tokenizerDir, manager);
    vaeConfig = imageTokenizer.vae().config();
    vocabulary = ShapesVocabulary.withSystemPrompt();
    promptTokenizer = vocabulary.tokenizer();
    long[] system = promptTokenizer.ids(SystemPrompt.REFERENCE);
    systemIds = Arrays.copyOf(system, Math.min(system.length, settings.contextTokens()));
    Map<String, NDArray> textTensors = new LinkedHashMap<>();
    Qwen2Model.parameterShapes(textConfig())
        .forEach((name, s) -> textTensors.put(name, textParameters.get(name, s.getShape())));
    textParameters.finish();
    text = Qwen2Model.fromTensors(textConfig(), textTensors);

    shape =
        new BuiltinModel(
            "shapes",
            settings.contextTokens(),
            settings.contextDim(),
            settings.depth(),
            settings.embedDim(),
            settings.numHeads(),
            vaeConfig.vPatchNums(),
            settings.diffusionWidth(),
            settings.diffusionDepth(),
            vaeConfig.vocabSize(),
            vaeConfig.zChannels(),
            vaeConfig.ch(),
            vaeConfig.chMult());
    ConfigFile llmConfig = shape.transformerConfig();
    transformerConfig = HartTransformerConfig.from(llmConfig);
    transformer =
        HartTransformer.create(
            transformerConfig, llm, vaeConfig.vocabSize(), vaeConfig.zChannels());
    SimpleMlpAdaLn net =
        new SimpleMlpAdaLn(
            DiffusionConfig.from(llmConfig, vaeConfig.zChannels()), llm.scope("diffloss.net"));
    llm.finish();
    diffusionLoss =
        new DiffusionLoss(net, settings.diffusionTokenFraction(), settings.diffusionTimesteps());
    llm.bound().forEach((name, array) -> parameters.put(LLM + name, array));
    textTensors.forEach((name, array) -> parameters.put(TEXT + name, array));
    parameters.values().forEach(array -> array.setRequiresGradient(true));
    parameters.forEach((name, array) -> average.put(name, array.duplicate()));
    optimizer =
        new AdamW(
            parameters,
            new AdamW.Settings(0.9f, 0.95f, 1e-8f, 0f, settings.gradientClip()),
            manager);
    scenes = new SceneSampler(settings.seed(), settings.maxShapes());
    imageSize = transformerConfig.latentSide() * vaeConfig.downsampling();
  }

  /**
   * A model with fresh weights drawn from the settings' seed, over the trained tokenizer of {@code
   * tokenizerDir} (a directory with {@code config.json} and {@code model.safetensors} holding the
   * encoder too, as the tokenizer trainer writes it, or a HART checkpoint's {@code tokenizer/}).
   */
  public static TransformerTrainer fromScratch(Settings settings, Path tokenizerDir)
      throws IOException {
    NDManager manager = NDManager.newBaseManager();
    try {
      manager.getEngine().setRandomSeed((int) settings.seed());
      Parameters llm =
          Parameters.initialized(manager, DataType.FLOAT32, TransformerTrainer::initialWeight);
      Parameters textParameters =
          Parameters.initialized(manager, DataType.FLOAT32, TrainingInit::create);
      return new TransformerTrainer(settings, tokenizerDir, manager, llm, textParameters);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Starting weights: the diffusion head as the reference initialises it; the logits head and its
   * modulation small, so training starts near uniform predictions and an identity modulation;
   * everything else by {@link TrainingInit}.
   */
  private static NDArray initialWeight(String name, Shape shape, NDManager m, DataType type) {
    if (name.startsWith(SimpleMlpAdaLn.PREFIX)) {
      return DiffusionInit.create(name, shape, m, type);
    }
    if (name.equals("head.weight") || name.equals("head_nm.ada_lin.1.weight")) {
      return m.randomNormal(0, SMALL_INIT_STD, shape, type);
    }
    return TrainingInit.create(name, shape, m, type);
  }

  /**
   * The exported (averaged) weights of a HART checkpoint directory that this trainer wrote, with
   * {@code settings} (which must be the ones it was trained with), for evaluation; the optimizer
   * starts fresh.
   */
  static TransformerTrainer fromCheckpoint(Settings settings, Path dir) throws IOException {
    NDManager manager = NDManager.newBaseManager();
    try (WeightSource llmWeights =
            WeightSources.open(
                dir.resolve(HartCheckpointDir.TRANSFORMER).resolve("ema_model.safetensors"));
        WeightSource textWeights =
            WeightSources.open(dir.resolve("text_encoder").resolve("model.safetensors"))) {
      return new TransformerTrainer(
          settings,
          dir.resolve(HartCheckpointDir.TOKENIZER),
          manager,
          new Parameters(llmWeights, manager, DataType.FLOAT32, name -> false),
          new Parameters(textWeights, manager, DataType.FLOAT32, name -> false));
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Whether {@code dir} holds a run {@link #resume} can continue. */
  public static boolean canResume(Path dir) {
    return Files.isRegularFile(dir.resolve(STATE_DIR).resolve(STATE));
  }

  /** Continues a run that {@link #save} wrote into {@code dir}. */
  public static TransformerTrainer resume(Path dir) throws IOException {
    Path state = dir.resolve(STATE_DIR);
    Settings settings = JSON.readValue(state.resolve(SETTINGS).toFile(), Settings.class);
    NDManager manager = NDManager.newBaseManager();
    try (WeightSource saved = WeightSources.open(state.resolve(STATE))) {
      Parameters llm =
          new Parameters(saved.withPrefix(LLM), manager, DataType.FLOAT32, name -> false);
      Parameters textParameters =
          new Parameters(saved.withPrefix(TEXT), manager, DataType.FLOAT32, name -> false);
      TransformerTrainer trainer =
          new TransformerTrainer(
              settings, dir.resolve(HartCheckpointDir.TOKENIZER), manager, llm, textParameters);
      Map<String, NDArray> optimizerState = new LinkedHashMap<>();
      for (String name : saved.tensors().keySet()) {
        if (name.startsWith(EMA)) {
          trainer.average.get(name.substring(EMA.length())).set(load(saved, name, manager));
        } else if (!name.startsWith(LLM) && !name.startsWith(TEXT)) {
          optimizerState.put(name, saved.load(name, manager, DataType.FLOAT32));
        }
      }
      trainer.optimizer.restore(optimizerState);
      optimizerState.values().forEach(NDArray::close);
      return trainer;
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static float[] load(WeightSource source, String name, NDManager manager)
      throws IOException {
    try (NDArray array = source.load(name, manager, DataType.FLOAT32)) {
      return array.toFloatArray();
    }
  }

  public Settings settings() {
    return settings;
  }

  /** Optimisation steps taken so far. */
  public int steps() {
    return optimizer.steps();
  }

  /** Side of the training images in pixels. */
  public int imageSize() {
    return imageSize;
  }

  public HartTransformerConfig transformerConfig() {
    return transformerConfig;
  }

  public Qwen2Config textConfig() {
    return new Qwen2Config(
        vocabulary.size(),
        settings.contextDim(),
        settings.textLayers(),
        settings.textHeads(),
        settings.textHeads(),
        2 * settings.contextDim(),
        1e6,
        1e-6);
  }

  /** The scenes of step {@code step}: consecutive indices of the seed's data set. */
  public List<Scene> batch(int step) {
    List<Scene> batch = new ArrayList<>(settings.batch());
    for (int i = 0; i < settings.batch(); i++) {
      batch.add(scenes.scene((long) step * settings.batch() + i));
    }
    return batch;
  }

  /** Trains one step on {@link #batch} of the current step with learning rate {@code lr}. */
  public Losses step(float lr) {
    return step(batch(optimizer.steps()), lr);
  }

  /** Trains one step on {@code batch}; the random draws depend on the step number only. */
  public Losses step(List<Scene> batch, float lr) {
    int step = optimizer.steps();
    SplittableRandom random = new SplittableRandom(settings.seed() * 1_000_003L + step);
    Losses losses;
    // The scope also closes what ops attach to the weights' manager (results whose first operand
    // is a weight), so nothing a step creates outlives it.
    try (NDScope arrays = new NDScope();
        NDManager scope = manager.newSubManager()) {
      TokenPyramid pyramid = pyramid(batch, scope);
      boolean[] dropped = new boolean[batch.size()];
      for (int r = 0; r < dropped.length; r++) {
        dropped[r] = random.nextDouble() < settings.conditionDropout();
      }
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        Forward forward = forward(captions(batch), dropped, pyramid, scope);
        NDArray tokenNll = tokenNll(forward.logits_RNV(), pyramid.indices_RN(), scope);
        NDArray ce = tokenNll.mean();
        NDArray tokenLoss =
            settings.foregroundWeight() == 0
                ? ce
                : tokenNll
                    .mul(
                        scope.create(
                            tokenWeights(
                                batch,
                                imageSize,
                                transformerConfig.patchSides(),
                                settings.foregroundWeight()),
                            tokenNll.getShape()))
                    .mean();
        long n = pyramid.residual_RnCv().getShape().get(1);
        NDArray hidden = forward.hidden_RLC().get(new NDIndex(":, {}:", -n));
        NDArray z = transformer.rowDiffusionCondition(hidden, pyramid.lastTokens_RnCv());
        long c = z.getShape().get(2);
        DiffusionLoss.Loss diffusion =
            diffusionLoss.loss(
                z.reshape(-1, c),
                pyramid.residual_RnCv().reshape(-1, vaeConfig.zChannels()),
                random);
        collector.backward(tokenLoss.add(diffusion.total()));
        losses =
            new Losses(
                ce.getFloat(),
                accuracy(forward.logits_RNV(), pyramid.indices_RN()),
                diffusion.mse().getFloat(),
                diffusion.vb().getFloat(),
                Float.NaN);
      }
    }
    float norm = optimizer.step(lr);
    updateAverage();
    return losses.withGradNorm(norm);
  }

  /** Teacher-forced outputs: hidden states of the whole sequence and the logits of all scales. */
  record Forward(NDArray hidden_RLC, NDArray logits_RNV) {}

  /**
   * The transformer over captions (rows with {@code dropped} set are unconditional) and the
   * teacher-forced next-scale inputs of {@code pyramid}.
   */
  Forward forward(List<String> captions, boolean[] dropped, TokenPyramid pyramid, NDManager m) {
    GuidedContext context = condition(captions, dropped, m);
    NDArray x =
        NDArrays.concat(
            new NDList(
                transformer.contextInput(context), transformer.imageInputs(pyramid.inputs_RMCv())),
            1);
    NDArray hidden = transformer.hiddenWithoutCache(x, context);
    return new Forward(hidden, transformer.predictionLogits(hidden, context));
  }

  /** Encoded captions: the text features and rotary positions of every row. */
  record Prompts(NDArray context_RTD, long[][] positions_RT) {}

  /**
   * Captions encoded as inference's text encoder encodes them; rows with {@code dropped} set become
   * unconditional rows (zero context, zero positions).
   */
  Prompts encode(List<String> captions, boolean[] dropped, NDManager m) {
    long[][] ids = new long[captions.size()][];
    for (int r = 0; r < ids.length; r++) {
      ids[r] = promptTokenizer.tokenize(captions.get(r), settings.contextTokens()).ids_T();
    }
    try (PromptEncoder prompts =
        new PromptEncoder(
            text, systemIds, settings.contextTokens(), promptTokenizer.padId(), true, m)) {
      PromptEncoder.Context encoded = prompts.encode(ids, m);
      long[] flat = encoded.positions_BT().toLongArray();
      float[] keep = new float[ids.length];
      long[][] positions = new long[ids.length][settings.contextTokens()];
      for (int r = 0; r < ids.length; r++) {
        keep[r] = dropped[r] ? 0f : 1f;
        if (!dropped[r]) {
          System.arraycopy(
              flat, r * settings.contextTokens(), positions[r], 0, settings.contextTokens());
        }
      }
      NDArray context = encoded.context_BTD().mul(m.create(keep, new Shape(ids.length, 1, 1)));
      return new Prompts(context, positions);
    }
  }

  /** The transformer's condition rows for captions (see {@link #encode}). */
  GuidedContext condition(List<String> captions, boolean[] dropped, NDManager m) {
    Prompts prompts = encode(captions, dropped, m);
    return transformer.condition(prompts.context_RTD(), prompts.positions_RT());
  }

  /** The token pyramid of the scenes' images. */
  TokenPyramid pyramid(List<Scene> batch, NDManager m) {
    return TokenPyramid.of(
        imageTokenizer, batch.stream().map(scene -> scene.render(imageSize)).toList(), m);
  }

  HartTransformer transformer() {
    return transformer;
  }

  ImageTokenizer imageTokenizer() {
    return imageTokenizer;
  }

  private static List<String> captions(List<Scene> batch) {
    return batch.stream().map(Scene::caption).toList();
  }

  /** Mean cross-entropy of the indices {@code [R][N]} under the logits {@code [R, N, V]}. */
  static NDArray crossEntropy(NDArray logits_RNV, long[][] indices_RN, NDManager m) {
    return tokenNll(logits_RNV, indices_RN, m).mean();
  }

  /** Each token's cross-entropy {@code [R, N, 1]}: minus the log-probability of its index. */
  static NDArray tokenNll(NDArray logits_RNV, long[][] indices_RN, NDManager m) {
    NDArray targets =
        m.create(flatten(indices_RN), new Shape(indices_RN.length, indices_RN[0].length, 1));
    return logits_RNV.logSoftmax(-1).gather(targets, -1).neg();
  }

  /**
   * Per token of every scale of every scene ({@code [R·N]}, scales in order, row-major within a
   * scale), {@code 1 + w} when the token's patch of the {@code imageSize} picture holds a pixel of
   * a shape or of the one-pixel ring around it, else 1; scaled so that the mean is 1. A token of
   * scale {@code p} covers pixel rows and columns {@code floor(i·size/p)} to {@code
   * ceil((i+1)·size/p) - 1}.
   */
  static float[] tokenWeights(List<Scene> scenes, int imageSize, int[] patchNums, float w) {
    int perImage = 0;
    for (int p : patchNums) {
      perImage += p * p;
    }
    float[] weights = new float[scenes.size() * perImage];
    double sum = 0;
    int t = 0;
    for (Scene scene : scenes) {
      boolean[][] near = nearShapes(scene, imageSize);
      for (int p : patchNums) {
        for (int i = 0; i < p; i++) {
          for (int j = 0; j < p; j++) {
            boolean touches = false;
            for (int y = i * imageSize / p; !touches && y < ceilDiv((i + 1) * imageSize, p); y++) {
              for (int x = j * imageSize / p; x < ceilDiv((j + 1) * imageSize, p); x++) {
                touches |= near[y][x];
              }
            }
            weights[t] = touches ? 1 + w : 1;
            sum += weights[t++];
          }
        }
      }
    }
    float scale = (float) (weights.length / sum);
    for (int i = 0; i < weights.length; i++) {
      weights[i] *= scale;
    }
    return weights;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** Pixels (by the data set's pixel-centre rule) inside a shape or next to one, {@code [y][x]}. */
  private static boolean[][] nearShapes(Scene scene, int size) {
    boolean[][] inside = new boolean[size][size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        for (org.hartbatch.hart.shapes.Shape shape : scene.shapes()) {
          inside[y][x] |= shape.covers(x + 0.5, y + 0.5, size);
        }
      }
    }
    boolean[][] near = new boolean[size][size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int yy = y + dy;
            int xx = x + dx;
            near[y][x] |= yy >= 0 && yy < size && xx >= 0 && xx < size && inside[yy][xx];
          }
        }
      }
    }
    return near;
  }

  private static float accuracy(NDArray logits_RNV, long[][] indices_RN) {
    long[] predicted = logits_RNV.argMax(-1).toLongArray();
    long[] wanted = flatten(indices_RN);
    int hits = 0;
    for (int i = 0; i < wanted.length; i++) {
      hits += predicted[i] == wanted[i] ? 1 : 0;
    }
    return (float) hits / wanted.length;
  }

  private static long[] flatten(long[][] rows) {
    long[] flat = new long[rows.length * rows[0].length];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
    }
    return flat;
  }

  private void updateAverage() {
    int t = optimizer.steps();
    float decay = Math.min(settings.emaDecay(), (1f + t) / (10f + t));
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      NDArray avg = average.get(e.getKey());
      try (NDArray fresh = e.getValue().mul(1 - decay)) {
        avg.muli(decay).addi(fresh);
      }
    }
  }

  /**
   * Writes the averaged weights as a HART checkpoint directory ({@code llm/}, {@code tokenizer/},
   * {@code text_encoder/}) that {@code HartPipeline.open} loads, plus the training state under
   * {@code training/} for {@link #resume}.
   */
  public void save(Path dir) throws IOException {
    Path llm = Files.createDirectories(dir.resolve(HartCheckpointDir.TRANSFORMER));
    Files.writeString(
        llm.resolve("config.json"), shape.transformerConfig().fields().toPrettyString());
    SafeTensorsWriter.write(llm.resolve("ema_model.safetensors"), withoutPrefix(average, LLM));
    Path textDir = Files.createDirectories(dir.resolve("text_encoder"));
    Files.writeString(textDir.resolve("config.json"), textConfig().toJson());
    vocabulary.writeTo(textDir);
    SafeTensorsWriter.write(textDir.resolve("model.safetensors"), withoutPrefix(average, TEXT));
    Path tokenizer = Files.createDirectories(dir.resolve(HartCheckpointDir.TOKENIZER));
    if (!Files.isSameFile(tokenizer, tokenizerDir)) {
      for (String file : List.of("config.json", "model.safetensors")) {
        Files.copy(
            tokenizerDir.resolve(file),
            tokenizer.resolve(file),
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path state = Files.createDirectories(dir.resolve(STATE_DIR));
    Files.writeString(state.resolve(SETTINGS), JSON.writeValueAsString(settings));
    Map<String, NDArray> all = new LinkedHashMap<>(parameters);
    average.forEach((name, array) -> all.put(EMA + name, array));
    try (NDManager scratch = manager.newSubManager()) {
      all.putAll(optimizer.state(scratch));
      SafeTensorsWriter.write(state.resolve(STATE), all);
    }
  }

  private static Map<String, NDArray> withoutPrefix(Map<String, NDArray> tensors, String prefix) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    tensors.forEach(
        (name, array) -> {
          if (name.startsWith(prefix)) {
            out.put(name.substring(prefix.length()), array);
          }
        });
    return out;
  }

  /** Arrays the trainer's native memory holds: constant from one step to the next. */
  int managedArrays() {
    return manager.getManagedArrays().size();
  }

  /** The raw (not averaged) trained tensors by their training names, for tests. */
  Map<String, NDArray> parameters() {
    return parameters;
  }

  @Override
  public void close() {
    promptTokenizer.close();
    manager.close();
  }
}
