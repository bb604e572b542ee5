package org.hartbatch.hart.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hartbatch.hart.io.Parameters;

/**
 * The inference half of the hybrid quantizer ({@code quantize.*}): the codebook, the bank of φ
 * convs and the resizing maps between token scales and the latent.
 */
public final class HybridQuantizer {
  private static final double IDENTITY_RATIO = 1e-6;

  private final VaeConfig config;
  private final NDArray codebook_VC;
  private final List<Phi> phis = new ArrayList<>();
  private final NDManager manager;
  private final DataType type;
  private final Map<String, NDArray> resizeMatrices = new ConcurrentHashMap<>();

  HybridQuantizer(Parameters p, VaeConfig config) {
    this.config = config;
    this.manager = p.manager();
    this.type = p.floatType();
    codebook_VC = p.get("embedding.weight", config.vocabSize(), config.zChannels());
    if (Math.abs(config.quantResi()) > IDENTITY_RATIO) {
      int share = config.shareQuantResi();
      if (share == 1) {
        phis.add(new Phi(p.scope("quant_resi.qresi"), config.zChannels(), config.quantResi()));
      } else {
        int count =
            share >= 2
                ? share
                : config.defaultQresiCounts() > 0
                    ? config.defaultQresiCounts()
                    : config.vPatchNums().length;
        String bank = share >= 2 ? "quant_resi.qresi_ls." : "quant_resi.";
        for (int k = 0; k < count; k++) {
          phis.add(new Phi(p.scope(bank + k), config.zChannels(), config.quantResi()));
        }
      }
    }
  }

  /** {@code [V, Cv]}. */
  public NDArray codebook() {
    return codebook_VC;
  }

  /** Codebook rows of the indices {@code idx_BL}: {@code [B, L, Cv]}, in {@code idx}'s manager. */
  public NDArray lookup(NDArray idx_BL) {
    try (NDArray flat = idx_BL.flatten();
        NDArray rows = codebook_VC.get(flat)) {
      NDArray out = rows.reshape(idx_BL.getShape().get(0), idx_BL.getShape().get(1), -1);
      out.attach(idx_BL.getManager());
      return out;
    }
  }

  /** The φ used at {@code stage} of {@code scales} transformer scales, or null for the identity. */
  public Phi phi(int stage, int scales) {
    if (phis.isEmpty()) {
      return null;
    }
    return phis.size() == 1
        ? phis.get(0)
        : phis.get(PhiSelection.index(phis.size(), stage, scales));
  }

  /** Bicubic resize of a square map {@code [B, C, in, in]} to {@code [B, C, out, out]}. */
  public NDArray upsample(NDArray x_BCHW, int out) {
    return resize("bicubic", x_BCHW, out);
  }

  /** Area resize (adaptive average pooling) of a square map to {@code out × out}. */
  public NDArray downsample(NDArray x_BCHW, int out) {
    return resize("area", x_BCHW, out);
  }

  private NDArray resize(String mode, NDArray x, int out) {
    int in = Math.toIntExact(x.getShape().get(3));
    if (x.getShape().get(2) != in) {
      throw new IllegalArgumentException("only square maps are resized, got " + x.getShape());
    }
    NDArray m_OI = matrix(mode, in, out);
    NDArray mT_IO = matrix(mode + "T", in, out);
    try (NDArray rows = x.matMul(mT_IO)) {
      NDArray result = m_OI.matMul(rows);
      result.attach(x.getManager());
      return result;
    }
  }

  private NDArray matrix(String key, int in, int out) {
    return resizeMatrices.computeIfAbsent(
        key + ":" + in + ":" + out,
        k -> {
          float[][] w =
              key.startsWith("bicubic")
                  ? Interpolation.bicubic(in, out)
                  : Interpolation.area(in, out);
          NDArray m;
          try (NDManager scratch = manager.newSubManager()) {
            NDArray built = scratch.create(w).toType(type, false);
            m = key.endsWith("T") ? built.transpose().duplicate() : built.duplicate();
            m.attach(manager);
          }
          // cached for the model's lifetime: keep it out of whatever NDScope the caller has open
          NDScope.unregister(m);
          return m;
        });
  }
}
