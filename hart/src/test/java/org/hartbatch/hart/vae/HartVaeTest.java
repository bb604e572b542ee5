package org.hartbatch.hart.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.SafeTensorsWeights;
import org.hartbatch.hart.io.TestWeights;
import org.hartbatch.hart.io.WeightSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HartVaeTest {
  /** ch 32, one level: conv_in, mid, up.0 with attention, no upsampling. */
  static final VaeConfig SMALL =
      new VaeConfig(5, 4, 32, new int[] {1}, 0.5, 4, 0, 3, new int[] {1, 2});

  static TestWeights smallVae(String prefix) {
    TestWeights w = new TestWeights();
    w.add(prefix + "quantize.embedding.weight", 5, 4);
    for (int k = 0; k < 4; k++) {
      w.add(prefix + "quantize.quant_resi.qresi_ls." + k + ".weight", 4, 4, 3, 3);
      w.add(prefix + "quantize.quant_resi.qresi_ls." + k + ".bias", 4);
    }
    w.add(prefix + "post_quant_conv.weight", 4, 4, 3, 3).add(prefix + "post_quant_conv.bias", 4);
    String d = prefix + "decoder.";
    w.add(d + "conv_in.weight", 32, 4, 3, 3).add(d + "conv_in.bias", 32);
    block(w, d + "mid.block_1.");
    attn(w, d + "mid.attn_1.");
    block(w, d + "mid.block_2.");
    for (int j = 0; j < 3; j++) {
      block(w, d + "up.0.block." + j + ".");
      attn(w, d + "up.0.attn." + j + ".");
    }
    w.add(d + "norm_out.weight", 32).add(d + "norm_out.bias", 32);
    w.add(d + "conv_out.weight", 3, 32, 3, 3).add(d + "conv_out.bias", 3);
    return w;
  }

  private static void block(TestWeights w, String p) {
    w.add(p + "norm1.weight", 32).add(p + "norm1.bias", 32);
    w.add(p + "conv1.weight", 32, 32, 3, 3).add(p + "conv1.bias", 32);
    w.add(p + "norm2.weight", 32).add(p + "norm2.bias", 32);
    w.add(p + "conv2.weight", 32, 32, 3, 3).add(p + "conv2.bias", 32);
  }

  private static void attn(TestWeights w, String p) {
    w.add(p + "norm.weight", 32).add(p + "norm.bias", 32);
    w.add(p + "qkv.weight", 96, 32, 1, 1).add(p + "qkv.bias", 96);
    w.add(p + "proj_out.weight", 32, 32, 1, 1).add(p + "proj_out.bias", 32);
  }

  @Test
  void theReleasedPrefixedLayoutLoadsAndDecodesIntoTheUnitRange(@TempDir Path tmp)
      throws Exception {
    Path file =
        smallVae("vae.")
            .add("disc.head.weight", 2)
            .add("vae.encoder.conv_in.weight", 2)
            .add("vae.quantize.ema_vocab_hit_SV", 2, 5)
            .write(tmp.resolve("model.safetensors"));
    try (WeightSource w = SafeTensorsWeights.open(file);
        NDManager m = NDManager.newBaseManager()) {
      HartVae vae = HartVae.load(w, SMALL, m, DataType.FLOAT32);
      try (MultiScaleLatent latent = new MultiScaleLatent(vae, new int[] {1, 2}, 1, m)) {
        NDArray next = latent.addStageIndices(0, m.create(new long[] {3}, new Shape(1, 1)));
        assertEquals(new Shape(1, 4, 2, 2), next.getShape());
        latent.addLastStage(m.zeros(new Shape(1, 4, 4)));
        NDArray img = latent.decode();
        assertEquals(new Shape(1, 3, 2, 2), img.getShape());
        assertTrue(img.min().getFloat() >= 0 && img.max().getFloat() <= 1);
      }
    }
  }

  @Test
  void stagesMustComeInOrder(@TempDir Path tmp) throws Exception {
    Path file = smallVae("").write(tmp.resolve("model.safetensors"));
    try (WeightSource w = SafeTensorsWeights.open(file);
        NDManager m = NDManager.newBaseManager()) {
      HartVae vae = HartVae.load(w, SMALL, m, DataType.FLOAT32);
      try (MultiScaleLatent latent = new MultiScaleLatent(vae, new int[] {1, 2}, 1, m)) {
        assertThrows(
            IllegalStateException.class, () -> latent.addLastStage(m.zeros(new Shape(1, 4, 4))));
      }
    }
  }

  @Test
  void aWrongConfigIsReportedTensorByTensorInOneError(@TempDir Path tmp) throws Exception {
    Path file = smallVae("").add("mystery.weight", 1).write(tmp.resolve("model.safetensors"));
    VaeConfig wrongCodebook =
        new VaeConfig(6, 4, 32, new int[] {1}, 0.5, 1, 0, 3, new int[] {1, 2});
    try (WeightSource w = SafeTensorsWeights.open(file);
        NDManager m = NDManager.newBaseManager()) {
      CheckpointException e =
          assertThrows(
              CheckpointException.class, () -> HartVae.load(w, wrongCodebook, m, DataType.FLOAT32));
      String msg = e.getMessage();
      assertTrue(
          msg.contains("quantize.embedding.weight is (5, 4) but the config implies (6, 4)"), msg);
      assertTrue(msg.contains("missing (2): quantize.quant_resi.qresi.weight"), msg);
      assertTrue(msg.contains("quantize.quant_resi.qresi_ls.3.bias"), msg);
      assertTrue(msg.contains("mystery.weight"), msg);
    }
  }
}
