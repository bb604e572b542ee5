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
import org.hartbatch.hart.shapes.RgbImage;
import org.hartbatch.hart.vae.HartVae;
import org.hartbatch.hart.vae.VaeConfig;
import org.hartbatch.hart.vae.VaeEncoder;

/**
 * Trains the hybrid tokenizer from scratch with the inference classes ({@link VaeEncoder}, {@link
 * HartVae}): encoder, multi-scale residual quantization, decoder; loss = reconstruction MSE + the
 * quantization loss. Like HART, steps alternate between decoding the discrete latent and decoding
 * the continuous one (discrete plus residual), so the decoder serves both paths.
 */
public final class TokenizerTrainer implements AutoCloseable {
  static final String WEIGHTS = "model.safetensors";
  static final String OPTIMIZER = "optimizer.safetensors";

  /** Losses of one step. */
  public record Losses(float reconstruction, float quantization) {}

  private final VaeConfig config;
  private final float beta;
  private final NDManager manager;
  private final Map<String, NDArray> parameters;
  private final HartVae vae;
  private final VaeEncoder encoder;
  private final AdamW optimizer;

  private TokenizerTrainer(VaeConfig config, float beta, NDManager manager, Parameters p) {
    this.config = config;
    this.beta = beta;
    this.manager = manager;
    this.encoder = new VaeEncoder(p, config);
    this.vae = HartVae.create(config, p);
    this.parameters = p.bound();
    parameters.values().forEach(array -> array.setRequiresGradient(true));
    this.optimizer = new AdamW(parameters, AdamW.Settings.defaults(), manager);
  }

  /** A tokenizer with fresh weights drawn from {@code seed}. */
  public static TokenizerTrainer fromScratch(VaeConfig config, float beta, long seed) {
    NDManager manager = NDManager.newBaseManager();
    return new TokenizerTrainer(config, beta, manager, TrainingInit.parameters(manager, seed));
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
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray f = encoder.encode(img);
        ResidualQuantization.Result q =
            ResidualQuantization.quantize(vae.quantizer(), f, config.vPatchNums(), beta);
        NDArray decoded = vae.decodeUnclamped(discreteOnly ? q.fHatStraightThrough() : f);
        NDArray recon = ResidualQuantization.mse(decoded, img);
        NDArray loss = recon.add(q.vqLoss());
        collector.backward(loss);
        reconstruction = recon.getFloat();
        quantization = q.vqLoss().getFloat();
      }
      optimizer.step(lr);
      return new Losses(reconstruction, quantization);
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
    return manager.create(all).reshape(images.size(), 3, size, size);
  }

  /**
   * Writes {@code config.json} and {@code model.safetensors} (the layout {@link HartVae#load} and
   * {@link VaeEncoder#load} read) and {@code optimizer.safetensors} for resuming.
   */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), configJson(config));
    SafeTensorsWriter.write(dir.resolve(WEIGHTS), parameters);
    try (NDManager scratch = manager.newSubManager()) {
      SafeTensorsWriter.write(dir.resolve(OPTIMIZER), optimizer.state(scratch));
    }
  }

  /** Continues a run saved by {@link #save}: weights, optimizer moments and step count. */
  public static TokenizerTrainer resume(Path dir, float beta) throws IOException {
    VaeConfig config = VaeConfig.from(ConfigFile.read(dir.resolve("config.json")));
    NDManager manager = NDManager.newBaseManager();
    try (WeightSource weights = WeightSources.open(dir.resolve(WEIGHTS));
        WeightSource state = WeightSources.open(dir.resolve(OPTIMIZER))) {
      Parameters p = new Parameters(weights, manager, DataType.FLOAT32, name -> false);
      TokenizerTrainer trainer = new TokenizerTrainer(config, beta, manager, p);
      p.finish();
      Map<String, NDArray> saved = new LinkedHashMap<>();
      for (String name : state.tensors().keySet()) {
        saved.put(name, state.load(name, manager, DataType.FLOAT32));
      }
      trainer.optimizer.restore(saved);
      saved.values().forEach(NDArray::close);
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
