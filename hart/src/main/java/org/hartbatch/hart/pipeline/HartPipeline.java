package org.hartbatch.hart.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.hartbatch.hart.diffusion.DiffusionConfig;
import org.hartbatch.hart.diffusion.DiffusionSampler;
import org.hartbatch.hart.diffusion.SimpleMlpAdaLn;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.ConfigFile;
import org.hartbatch.hart.io.HartCheckpointDir;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.sampling.RowSampling;
import org.hartbatch.hart.sampling.SeedStreams;
import org.hartbatch.hart.sampling.TokenSampler;
import org.hartbatch.hart.sampling.TopKTopPSampler;
import org.hartbatch.hart.text.EncodedPrompts;
import org.hartbatch.hart.text.PromptOutcome;
import org.hartbatch.hart.text.TextEncoder;
import org.hartbatch.hart.text.TextEncoderOptions;
import org.hartbatch.hart.text.TextEncoders;
import org.hartbatch.hart.transformer.GuidedContext;
import org.hartbatch.hart.transformer.HartTransformer;
import org.hartbatch.hart.transformer.HartTransformerConfig;
import org.hartbatch.hart.vae.HartVae;
import org.hartbatch.hart.vae.VaeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Text to images with HART: the library entry point of the render workers and the CLI.
 *
 * <pre>{@code
 * try (HartPipeline hart = HartPipeline.open("builtin:tiny", PipelineOptions.defaults())) {
 *   List<GenerationResult> results = hart.generate(List.of(GenerationRequest.of("a cat", 1)));
 * }
 * }</pre>
 *
 * A model spec is {@code builtin:<name>} or a checkpoint directory in the Hugging Face layout
 * ({@code llm/}, {@code tokenizer/}) plus a Qwen2 text encoder directory. Built-in models are
 * either trained and shipped in the jar ({@link BuiltinCheckpoint}, e.g. {@code builtin:shapes}) or
 * random-weight shapes that need no files ({@link BuiltinModel}, e.g. {@code builtin:tiny}). Not
 * thread-safe: one generation at a time per pipeline.
 */
public final class HartPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HartPipeline.class);

  /** Key of {@code llm/config.json}: false for a model trained without the system prompt. */
  public static final String USE_SYSTEM_PROMPT = "use_llm_system_prompt";

  /** What is loaded, for logs and image metadata. */
  public record ModelInfo(String spec, boolean randomWeights, int imageSize, String description) {}

  private final ModelInfo info;
  private final NDManager manager;
  private final TextEncoder text;
  private final HartTransformer transformer;
  private final HartVae vae;
  private final NextScaleGenerator generator;
  private final PipelineOptions options;
  private final TokenSampler sampler = new TopKTopPSampler();

  private HartPipeline(
      ModelInfo info,
      NDManager manager,
      TextEncoder text,
      HartTransformer transformer,
      DiffusionSampler diffusion,
      HartVae vae,
      PipelineOptions options) {
    this.info = info;
    this.manager = manager;
    this.text = text;
    this.transformer = transformer;
    this.vae = vae;
    this.options = options;
    this.generator = new NextScaleGenerator(transformer, diffusion, vae);
  }

  /** Loads {@code builtin:<name>} or a checkpoint directory. */
  public static HartPipeline open(String modelSpec, PipelineOptions options) throws IOException {
    if (modelSpec == null || modelSpec.isBlank()) {
      throw new IllegalArgumentException("model spec must name builtin:<name> or a directory");
    }
    if (modelSpec.startsWith(BuiltinModel.SPEC_PREFIX)) {
      Optional<BuiltinCheckpoint> shipped = BuiltinCheckpoint.find(modelSpec);
      if (shipped.isPresent()) {
        return open(shipped.get(), HartPipeline.class.getClassLoader(), options);
      }
    }
    NDManager manager = NDManager.newBaseManager(options.runtime().device());
    try {
      return modelSpec.startsWith(BuiltinModel.SPEC_PREFIX)
          ? openRandom(BuiltinModel.named(modelSpec), options, manager)
          : openDirectory(Path.of(modelSpec), options, manager, null);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Loads a trained built-in model from the class path of {@code loader}. */
  static HartPipeline open(
      BuiltinCheckpoint checkpoint, ClassLoader loader, PipelineOptions options)
      throws IOException {
    Path dir = Files.createTempDirectory("hartbatch-" + checkpoint.name() + "-");
    NDManager manager = NDManager.newBaseManager(options.runtime().device());
    try {
      checkpoint.extract(loader, dir);
      HartPipeline pipeline =
          openDirectory(
              dir,
              options.withTextEncoderDir(null),
              manager,
              new Label(
                  checkpoint.spec(), false, checkpoint.spec() + " (" + checkpoint.summary() + ")"));
      LOG.info(
          "loaded {}, {} ({} px)", checkpoint.spec(), checkpoint.summary(), pipeline.imageSize());
      return pipeline;
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    } finally {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static HartPipeline openRandom(
      BuiltinModel model, PipelineOptions options, NDManager manager) {
    LOG.warn(
        "{} has RANDOM weights (seed {}): its images are noise, for trying the system only",
        model.spec(),
        BuiltinModel.WEIGHT_SEED);
    TextEncoder text =
        TextEncoders.random(
            model.textEncoderConfig(),
            BuiltinModel.WEIGHT_SEED,
            TextEncoderOptions.defaults(),
            options.runtime().device());
    Label label =
        new Label(
            model.spec(),
            true,
            model.spec()
                + " (random weights, seed "
                + BuiltinModel.WEIGHT_SEED
                + ", images are noise)");
    return assemble(
        label,
        model.transformerConfig(),
        model.transformerWeights(),
        model.vaeConfig(),
        model.vaeWeights(),
        text,
        options,
        manager);
  }

  /**
   * A checkpoint directory. The text encoder pads prompts to the transformer's {@code
   * context_token}, and prepends the reference's system prompt unless {@code llm/config.json} sets
   * {@code use_llm_system_prompt} to false (models trained without it, such as builtin:shapes).
   *
   * @param label how to name the model; null: by its weight files
   */
  private static HartPipeline openDirectory(
      Path dir, PipelineOptions options, NDManager manager, Label label) throws IOException {
    HartCheckpointDir checkpoint = new HartCheckpointDir(dir);
    Path textDir =
        options.textEncoderDir() != null ? options.textEncoderDir() : dir.resolve("text_encoder");
    if (!Files.isDirectory(textDir)) {
      throw new CheckpointException(
          "text encoder directory "
              + textDir
              + " is missing (set it with the text encoder option)");
    }
    ConfigFile transformerConfig = checkpoint.transformerConfig();
    TextEncoder text =
        TextEncoder.open(
            textDir, textDir, textOptions(transformerConfig), options.runtime().device());
    try (WeightSource transformerWeights = checkpoint.transformerWeights();
        WeightSource vaeWeights = checkpoint.tokenizerWeights()) {
      ConfigFile vaeConfig = checkpoint.tokenizerConfig();
      HartPipeline pipeline =
          assemble(
              label,
              transformerConfig,
              transformerWeights,
              vaeConfig,
              vaeWeights,
              text,
              options,
              manager);
      if (label == null) {
        LOG.info("loaded HART checkpoint {} ({} px)", dir, pipeline.imageSize());
      }
      return pipeline;
    } catch (IOException | RuntimeException e) {
      text.close();
      throw e;
    }
  }

  /** The text encoder's options for a checkpoint's transformer config. */
  static TextEncoderOptions textOptions(ConfigFile transformerConfig) {
    TextEncoderOptions options =
        TextEncoderOptions.defaults().withMaxTokens(transformerConfig.requireInt("context_token"));
    return transformerConfig.optBoolean(USE_SYSTEM_PROMPT, true)
        ? options
        : options.withSystemPrompt("");
  }

  /** How a loaded model is named; {@code spec} also names it in image metadata. */
  private record Label(String spec, boolean randomWeights, String description) {}

  private static HartPipeline assemble(
      Label label,
      ConfigFile transformerConfigFile,
      WeightSource transformerWeights,
      ConfigFile vaeConfigFile,
      WeightSource vaeWeights,
      TextEncoder text,
      PipelineOptions options,
      NDManager manager) {
    HartTransformerConfig transformerConfig = HartTransformerConfig.from(transformerConfigFile);
    VaeConfig vaeConfig = VaeConfig.from(vaeConfigFile);
    if (text.config().hiddenSize() != transformerConfig.contextDim()) {
      throw new CheckpointException(
          "the text encoder's hidden size "
              + text.config().hiddenSize()
              + " differs from the transformer's context_dim "
              + transformerConfig.contextDim());
    }
    if (text.options().maxTokens() != transformerConfig.contextTokens()) {
      throw new CheckpointException(
          "the text encoder pads to "
              + text.options().maxTokens()
              + " tokens but the transformer's context_token is "
              + transformerConfig.contextTokens());
    }
    HartTransformer transformer =
        HartTransformer.load(
            transformerConfig, transformerWeights, manager, options.runtime().computeType());
    SimpleMlpAdaLn net =
        SimpleMlpAdaLn.load(
            transformerWeights,
            DiffusionConfig.from(transformerConfigFile, vaeConfig.zChannels()),
            manager,
            options.runtime().computeType());
    HartVae vae = HartVae.load(vaeWeights, vaeConfig, manager, options.runtime().computeType());
    int imageSize = transformerConfig.latentSide() * vaeConfig.downsampling();
    ModelInfo info =
        label != null
            ? new ModelInfo(label.spec(), label.randomWeights(), imageSize, label.description())
            : new ModelInfo(
                transformerWeights.describe(),
                false,
                imageSize,
                "HART " + transformerWeights.describe());
    DiffusionSampler diffusion = options.residualDiffusion() ? DiffusionSampler.of(net) : null;
    return new HartPipeline(info, manager, text, transformer, diffusion, vae, options);
  }

  private int imageSize() {
    return info.imageSize();
  }

  public ModelInfo info() {
    return info;
  }

  /** Renders every request; results come back in request order, rejected requests included. */
  public List<GenerationResult> generate(List<GenerationRequest> requests) {
    List<GenerationResult> results = new ArrayList<>(requests.size());
    for (int start = 0; start < requests.size(); start += options.maxBatch()) {
      results.addAll(
          generateBatch(
              requests.subList(start, Math.min(requests.size(), start + options.maxBatch()))));
    }
    return results;
  }

  private List<GenerationResult> generateBatch(List<GenerationRequest> requests) {
    Map<String, Long> timings = new LinkedHashMap<>();
    long start = System.nanoTime();
    try (EncodedPrompts encoded =
        text.encode(requests.stream().map(GenerationRequest::prompt).toList())) {
      timings.put("text encoding", System.nanoTime() - start);
      List<Integer> rowOfRequest = new ArrayList<>();
      List<RowSampling> rows = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        if (encoded.outcomes().get(i) instanceof PromptOutcome.Encoded e) {
          rowOfRequest.add(e.row());
          GenerationRequest request = requests.get(i);
          rows.add(new RowSampling(request.sampling(), new SeedStreams(request.seed())));
        } else {
          rowOfRequest.add(-1);
        }
      }
      List<GeneratedImage> images = List.of();
      List<List<int[]>> tokens = List.of();
      if (!rows.isEmpty()) {
        try (NDManager batch = manager.newSubManager()) {
          TokenRecorder recorder = new TokenRecorder(rows.size(), timings);
          GuidedContext context = transformer.guide(encoded.context_BTD(), encoded.positions_BT());
          NDArray fHat = generator.generate(context, rows, sampler, null, recorder, batch);
          long decodeStart = System.nanoTime();
          images = toImages(vae.decodeToUnitRange(fHat));
          timings.put("decode", System.nanoTime() - decodeStart);
          tokens = recorder.tokens();
        }
      }
      Map<String, Long> frozen = Collections.unmodifiableMap(timings);
      List<GenerationResult> results = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        PromptOutcome outcome = encoded.outcomes().get(i);
        int row = rowOfRequest.get(i);
        if (outcome instanceof PromptOutcome.Rejected rejected) {
          results.add(
              new GenerationResult(
                  requests.get(i),
                  null,
                  rejected.reason(),
                  0,
                  List.of(),
                  List.of(),
                  rows.size(),
                  frozen));
        } else {
          PromptOutcome.Encoded e = (PromptOutcome.Encoded) outcome;
          results.add(
              new GenerationResult(
                  requests.get(i),
                  images.get(row),
                  null,
                  e.droppedTokens(),
                  e.unknownWords(),
                  tokens.get(row),
                  rows.size(),
                  frozen));
        }
      }
      return results;
    }
  }

  private static List<GeneratedImage> toImages(NDArray images_B3HW) {
    long[] s = images_B3HW.getShape().getShape();
    float[] all = images_B3HW.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    int per = Math.toIntExact(s[1] * s[2] * s[3]);
    List<GeneratedImage> out = new ArrayList<>();
    for (int b = 0; b < s[0]; b++) {
      float[] rgb = new float[per];
      System.arraycopy(all, b * per, rgb, 0, per);
      out.add(new GeneratedImage((int) s[3], (int) s[2], rgb));
    }
    return out;
  }

  /** Keeps each stage's indices per row and the phase timings. */
  private static final class TokenRecorder implements GenerationObserver {
    private final List<List<int[]>> perRow = new ArrayList<>();
    private final Map<String, Long> timings;

    TokenRecorder(int rows, Map<String, Long> timings) {
      for (int b = 0; b < rows; b++) {
        perRow.add(new ArrayList<>());
      }
      this.timings = timings;
    }

    @Override
    public void onStage(
        int stage,
        NDArray input,
        NDArray hidden,
        NDArray logits,
        NDArray guided,
        NDArray indices_Bn,
        NDArray fHat,
        NDArray nextInput) {
      long[] flat = indices_Bn.toLongArray();
      int n = flat.length / perRow.size();
      for (int b = 0; b < perRow.size(); b++) {
        int[] row = new int[n];
        for (int i = 0; i < n; i++) {
          row[i] = (int) flat[b * n + i];
        }
        perRow.get(b).add(row);
      }
    }

    @Override
    public void onTiming(String phase, long nanos) {
      timings.merge(phase, nanos, Long::sum);
    }

    List<List<int[]>> tokens() {
      return perRow;
    }
  }

  @Override
  public void close() {
    text.close();
    manager.close();
  }
}
