package org.hartbatch.hart.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hartbatch.hart.io.ConfigFile;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.io.SafeTensorsWriter;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.io.WeightSources;
import org.hartbatch.hart.runtime.Ops;
import org.hartbatch.hart.shapes.RgbImage;
import org.hartbatch.hart.vae.HartVae;
import org.hartbatch.hart.vae.VaeConfig;
import org.hartbatch.hart.vae.VaeEncoder;

/**
 * Trains the hybrid tokenizer from scratch with the inference classes ({@link VaeEncoder}, {@link
 * HartVae}): encoder, multi-scale residual quantization, decoder; loss = reconstruction MSE + the
 * quantization loss. Like HART, steps alternate between decoding the discrete latent and decoding
 * the continuous one (discrete plus residual), so the decoder serves both paths. Codebook rows that
 * go unused for a window of steps are restarted on current encoder outputs ({@link CodeRestarts}).
 */
public final class TokenizerTrainer implements AutoCloseable {
  static final String WEIGHTS = "model.safetensors";
  static final String STATE = "trainer-state.safetensors";
  static final String RESTART_STATE = "restarts.hits";
  private static final String CODEBOOK = "quantize.embedding.weight";

  /**
   * @param beta weight of the commitment loss
   * @param restartWindow steps after which codebook rows unused in them are restarted
   * @param maxGradNorm global gradient-norm bound (≤ 0: none)
   */
  public record Options(float beta, int restartWindow, float maxGradNorm) {
    public static Options defaults() {
      return new Options(0.25f, 25, 1f);
    }
  }

  /**
   * What one step did.
   *
   * @param reconstruction MSE of the decoded path, images in [-1, 1]
   * @param quantization commitment + codebook loss
   * @param gradNorm global gradient norm before clipping
   * @param usedCodes codebook rows chosen so far in the open restart window
   * @param restarted rows restarted after this step
   */
  public record Losses(
      boolean discrete,
      float reconstruction,
      float quantization,
      float gradNorm,
      int usedCodes,
      int restarted) {}

  private final VaeConfig config;
  private final Options options;
  private final NDManager manager;
  private final Map<String, NDArray> parameters;
  private final HartVae vae;
  private final VaeEncoder encoder;
  private final AdamW optimizer;
  private final CodeRestarts restarts;

  private TokenizerTrainer(
      VaeConfig config, Options options, long seed, NDManager manager, Parameters p) {
    this.config = config;
    this.options = options;
    this.manager = manager;
    this.encoder = new VaeEncoder(p, config);
    this.vae = HartVae.create(config, p);
    this.parameters = p.bound();
    parameters.values().forEach(array -> array.setRequiresGradient(true));
    AdamW.Settings adam = AdamW.Settings.defaults();
    this.optimizer =
        new AdamW(
            parameters,
            new AdamW.Settings(
                adam.beta1(),
                adam.beta2(),
                adam.epsilon(),
                adam.weightDecay(),
                options.maxGradNorm()),
            manager);
    this.restarts = new CodeRestarts(config.vocabSize(), options.restartWindow(), seed);
  }

  /** A tokenizer with fresh weights drawn from {@code seed}. */
  public static TokenizerTrainer fromScratch(VaeConfig config, Options options, long seed) {
    NDManager manager = NDManager.newBaseManager();
    return new TokenizerTrainer(
        config, options, seed, manager, TrainingInit.parameters(manager, seed));
  }

  public VaeConfig config() {
    return config;
  }

  public HartVae vae() {
    return vae;
  }

  public VaeEncoder encoder() {
    return encoder;
  }

  /** Arrays the trainer's native memory holds: constant from one step to the next. */
  int managedArrays() {
    return manager.getManagedArrays().size();
  }

  public int steps() {
    return optimizer.steps();
  }

  /**
   * One optimisation step on {@code images}; {@code discreteOnly} decodes the quantized latent,
   * otherwise the continuous latent (discrete plus residual) is decoded.
   */
  public Losses step(List<RgbImage> images, boolean discreteOnly, float lr) {
    try (NDManager step = manager.newSubManager()) {
      NDArray img = batch(images, step);
      float reconstruction;
      float quantization;
      ResidualQuantization.Result q;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray f = encoder.encode(img);
        q = ResidualQuantization.quantize(vae.quantizer(), f, config.vPatchNums(), options.beta());
        NDArray decoded = vae.decodeUnclamped(discreteOnly ? q.fHatStraightThrough() : f);
        NDArray recon = ResidualQuantization.mse(decoded, img);
        NDArray loss = recon.add(q.vqLoss());
        collector.backward(loss);
        reconstruction = recon.getFloat();
        quantization = q.vqLoss().getFloat();
      }
      float gradNorm = optimizer.step(lr);
      restarts.record(q.indices_SBL());
      int used = restarts.used();
      long[] restarted =
          restarts.afterStep(optimizer.steps(), vae.quantizer().codebook(), q.inputs_NC());
      if (restarted.length > 0) {
        optimizer.resetRows(CODEBOOK, restarted);
      }
      return new Losses(
          discreteOnly, reconstruction, quantization, gradNorm, used, restarted.length);
    }
  }

  static NDArray batch(List<RgbImage> images, NDManager manager) {
    int size = images.get(0).width();
    float[] all = new float[images.size() * 3 * size * size];
    for (int i = 0; i < images.size(); i++) {
      RgbImage image = images.get(i);
      if (image.width() != size || image.height() != size) {
        throw new IllegalArgumentException(
            "image " + i + " is " + image.width() + "x" + image.height() + ", expected " + size);
      }
      System.arraycopy(image.toUnitRangeCHW(), 0, all, i * 3 * size * size, 3 * size * size);
    }
    // engine-owned: the first convolution keeps its input for the backward pass
    return Ops.owned(manager.create(all)).reshape(images.size(), 3, size, size);
  }

  /**
   * Writes {@code config.json} and {@code model.safetensors} (the layout {@link HartVae#load} and
   * {@link VaeEncoder#load} read) and {@code trainer-state.safetensors} (optimizer moments, step
   * count, open restart window) for resuming.
   */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), configJson(config));
    SafeTensorsWriter.write(dir.resolve(WEIGHTS), parameters);
    try (NDManager scratch = manager.newSubManager()) {
      Map<String, NDArray> state = new LinkedHashMap<>(optimizer.state(scratch));
      state.put(RESTART_STATE, restarts.state(scratch));
      SafeTensorsWriter.write(dir.resolve(STATE), state);
    }
  }

  /** Whether {@code dir} holds a checkpoint that {@link #resume} can continue. */
  public static boolean canResume(Path dir) {
    return Files.isRegularFile(dir.resolve("config.json"))
        && Files.isRegularFile(dir.resolve(WEIGHTS))
        && Files.isRegularFile(dir.resolve(STATE));
  }

  /**
   * Continues a run saved by {@link #save}: weights, optimizer moments, step count and restart
   * window. {@code seed} must be the seed of the original run for restarts to repeat exactly.
   */
  public static TokenizerTrainer resume(Path dir, Options options, long seed) throws IOException {
    VaeConfig config = VaeConfig.from(ConfigFile.read(dir.resolve("config.json")));
    NDManager manager = NDManager.newBaseManager();
    try (WeightSource weights = WeightSources.open(dir.resolve(WEIGHTS));
        WeightSource state = WeightSources.open(dir.resolve(STATE))) {
      Parameters p = new Parameters(weights, manager, DataType.FLOAT32, name -> false);
      TokenizerTrainer trainer = new TokenizerTrainer(config, options, seed, manager, p);
      p.finish();
      try (NDManager scratch = manager.newSubManager()) {
        Map<String, NDArray> saved = new LinkedHashMap<>();
        for (String name : state.tensors().keySet()) {
          saved.put(name, state.load(name, scratch, DataType.FLOAT32));
        }
        trainer.optimizer.restore(saved);
        NDArray hits = saved.get(RESTART_STATE);
        if (hits == null) {
          throw new IllegalArgumentException(
              "trainer state " + dir.resolve(STATE) + " lacks the tensor '" + RESTART_STATE + "'");
        }
        trainer.restarts.restore(hits);
      }
      return trainer;
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  static String configJson(VaeConfig c) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("model_type", "hart_autoencoder");
    root.put("vocab_size", c.vocabSize());
    root.put("z_channels", c.zChannels());
    root.put("ch", c.ch());
    root.set("ch_mult", json.valueToTree(c.chMult()));
    root.put("quant_resi", c.quantResi());
    root.put("share_quant_resi", c.shareQuantResi());
    root.put("default_qresi_counts", c.defaultQresiCounts());
    root.put("quant_conv_ks", c.quantConvKernel());
    root.set("v_patch_nums", json.valueToTree(c.vPatchNums()));
    root.put("hybrid", true);
    return root.toPrettyString();
  }

  @Override
  public void close() {
    manager.close();
  }
}
