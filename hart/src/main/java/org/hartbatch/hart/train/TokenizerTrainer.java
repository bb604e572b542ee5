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
import java.util.Collections;
import java.util.HashMap;
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
   * @param foregroundWeight extra weight of the reconstruction error on pixels that differ from the
   *     image's background colour and on their neighbours (0: plain MSE)
   */
  public record Options(float beta, int restartWindow, float maxGradNorm, float foregroundWeight) {
    public Options {
      if (!(foregroundWeight >= 0)) {
        throw new IllegalArgumentException(
            "foregroundWeight must be >= 0, got " + foregroundWeight);
      }
    }

    public static Options defaults() {
      return new Options(0.25f, 25, 1f, 0f);
    }

    /** These options with another foreground weight. */
    public Options withForegroundWeight(float weight) {
      return new Options(beta, restartWindow, maxGradNorm, weight);
    }
  }

  /**
   * What one step did.
   *
   * @param reconstruction MSE of the decoded path, images in [-1, 1] (unweighted)
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
        boolean weighted = options.foregroundWeight() > 0;
        NDArray fit =
            weighted
                ? weightedMse(decoded, img, foregroundWeights(images, options, step))
                : ResidualQuantization.mse(decoded, img);
        collector.backward(fit.add(q.vqLoss()));
        // The reported reconstruction is the plain MSE; off the graph when it is not the loss.
        reconstruction =
            weighted
                ? ResidualQuantization.mse(decoded.stopGradient(), img).getFloat()
                : fit.getFloat();
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

  /**
   * Per-pixel weights {@code [B, 1, H, W]} with mean 1: {@code 1 + foregroundWeight} on the shapes
   * and the ring of pixels around them, 1 elsewhere. Shapes cover a few percent of a picture, so
   * under a plain MSE their outlines cost the tokenizer almost nothing and blur.
   */
  static NDArray foregroundWeights(List<RgbImage> images, Options options, NDManager manager) {
    int size = images.get(0).width();
    float[] all = new float[images.size() * size * size];
    double sum = 0;
    for (int i = 0; i < images.size(); i++) {
      boolean[] near = nearForeground(images.get(i));
      for (int p = 0; p < near.length; p++) {
        all[i * size * size + p] = near[p] ? 1 + options.foregroundWeight() : 1;
        sum += all[i * size * size + p];
      }
    }
    float mean = (float) (sum / all.length);
    for (int p = 0; p < all.length; p++) {
      all[p] /= mean;
    }
    return Ops.owned(manager.create(all)).reshape(images.size(), 1, size, size);
  }

  /**
   * Pixels whose colour differs from the background (the most frequent colour), or that touch such
   * a pixel (8-neighbourhood), row by row.
   */
  static boolean[] nearForeground(RgbImage image) {
    int w = image.width();
    int h = image.height();
    int[] colour = new int[w * h];
    Map<Integer, Integer> counts = new HashMap<>();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb =
            image.channel(x, y, 0) << 16 | image.channel(x, y, 1) << 8 | image.channel(x, y, 2);
        colour[y * w + x] = rgb;
        counts.merge(rgb, 1, Integer::sum);
      }
    }
    int background = Collections.max(counts.entrySet(), Map.Entry.comparingByValue()).getKey();
    boolean[] near = new boolean[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (colour[y * w + x] == background) {
          continue;
        }
        for (int yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
          for (int xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
            near[yy * w + xx] = true;
          }
        }
      }
    }
    return near;
  }

  private static NDArray weightedMse(NDArray decoded, NDArray img, NDArray weights_B1HW) {
    try (NDArray d = decoded.sub(img);
        NDArray sq = d.square();
        NDArray weighted = sq.mul(weights_B1HW)) {
      return weighted.mean();
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
