package org.hartbatch.hart.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.function.Predicate;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.runtime.Ops;

/**
 * The decoding side of HART's hybrid tokenizer: quantizer (codebook, φ), {@code post_quant_conv}
 * and the decoder. The encoder is not needed for text-to-image and is not loaded.
 */
public final class HartVae {
  /**
   * Prefix of the VAE inside the released tokenizer checkpoint ({@code HARTAutoEncoderWithDisc}).
   */
  public static final String WRAPPED_PREFIX = "vae.";

  /** Checkpoint tensors that inference does not use. */
  static final Predicate<String> UNUSED =
      name ->
          name.startsWith("encoder.")
              || name.startsWith("quant_conv.")
              || name.startsWith("decoder2.")
              || name.startsWith("post_quant_conv2.")
              || name.equals("quantize.ema_vocab_hit_SV");

  private final VaeConfig config;
  private final DataType computeType;
  private final HybridQuantizer quantizer;
  private final NDArray postQuantWeight;
  private final NDArray postQuantBias;
  private final VaeDecoder decoder;

  private HartVae(VaeConfig config, Parameters p) {
    this.config = config;
    this.computeType = p.floatType();
    int cv = config.zChannels();
    int k = config.quantConvKernel();
    quantizer = new HybridQuantizer(p.scope("quantize"), config);
    postQuantWeight = p.get("post_quant_conv.weight", cv, cv, k, k);
    postQuantBias = p.get("post_quant_conv.bias", cv);
    decoder = new VaeDecoder(p.scope("decoder"), config);
  }

  /**
   * Binds the VAE to tokenizer weights, with or without the {@code vae.} prefix of the released
   * checkpoint (its discriminator and encoder are skipped). All problems are reported at once.
   */
  public static HartVae load(
      WeightSource weights, VaeConfig config, NDManager manager, DataType computeType) {
    boolean wrapped =
        weights.tensors().keySet().stream().anyMatch(n -> n.startsWith(WRAPPED_PREFIX));
    WeightSource inner = wrapped ? weights.withPrefix(WRAPPED_PREFIX) : weights;
    Parameters p = new Parameters(inner, manager, computeType, UNUSED);
    HartVae vae = new HartVae(config, p);
    p.finish();
    return vae;
  }

  /** The decoding side bound to {@code p}, e.g. freshly initialised parameters to train. */
  public static HartVae create(VaeConfig config, Parameters p) {
    return new HartVae(config, p);
  }

  /** A VAE with random weights of the configured sizes, for benchmarks and soak tests. */
  public static HartVae random(VaeConfig config, NDManager manager, DataType computeType) {
    return new HartVae(config, Parameters.random(manager, computeType, 0.02f));
  }

  public VaeConfig config() {
    return config;
  }

  public DataType computeType() {
    return computeType;
  }

  public HybridQuantizer quantizer() {
    return quantizer;
  }

  /** {@code post_quant_conv(f̂)}. */
  public NDArray postQuantConv(NDArray fHat_BCPP) {
    return Ops.conv2d(fHat_BCPP, postQuantWeight, postQuantBias);
  }

  /**
   * The decoder output before clamping, {@code [B, 3, H, W]}.
   *
   * <p>One image at a time: the activations of one image stay in the CPU caches through the
   * decoder's chain of convolutions, norms and activations, a batch's do not (measured with the
   * built-in models at batch 16: 1.4-1.7x less CPU time than decoding the batch at once). It also
   * makes an image independent of its batch, which per-request determinism needs.
   */
  public NDArray decodeUnclamped(NDArray fHat_BCPP) {
    long batch = fHat_BCPP.getShape().get(0);
    if (batch == 1) {
      try (NDArray z = postQuantConv(fHat_BCPP)) {
        return decoder.forward(z);
      }
    }
    NDList images = new NDList();
    for (long b = 0; b < batch; b++) {
      try (NDArray image = fHat_BCPP.get(new NDIndex("{}:{}", b, b + 1))) {
        images.add(decodeUnclamped(image));
      }
    }
    NDArray out = NDArrays.concat(images);
    images.close();
    return out;
  }

  /** The reference's {@code fhat_to_img}: decoder output clamped to [-1, 1]. */
  public NDArray fhatToImg(NDArray fHat_BCPP) {
    try (NDArray raw = decodeUnclamped(fHat_BCPP)) {
      return raw.clip(-1f, 1f);
    }
  }

  /** Images in [0, 1]: {@code (fhat_to_img(f̂) + 1) / 2}. */
  public NDArray decodeToUnitRange(NDArray fHat_BCPP) {
    try (NDArray img = fhatToImg(fHat_BCPP);
        NDArray shifted = img.add(1f)) {
      return shifted.mul(0.5f);
    }
  }
}
