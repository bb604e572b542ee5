package org.hartbatch.hart.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.hartbatch.hart.diffusion.DiffusionConfig;
import org.hartbatch.hart.diffusion.SimpleMlpAdaLn;
import org.hartbatch.hart.fixtures.TestFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real network loaded from a PyTorch zip checkpoint computes what it computes from safetensors.
 */
class TorchCheckpointModelTest {

  @Test
  void theDiffusionNetFromAnEmaZipMatchesTheSafetensorsOne(@TempDir Path tmp) throws Exception {
    Path safetensors = TestFixtures.hartTiny().resolve("transformer.safetensors");
    Path zip = tmp.resolve("ema_model.bin");
    try (WeightSource source = SafeTensorsWeights.open(safetensors);
        NDManager m = NDManager.newBaseManager()) {
      writeZip(source, m, zip);
      DiffusionConfig config = new DiffusionConfig(8, 64, 32, 2, "8");
      SimpleMlpAdaLn fromSafetensors = SimpleMlpAdaLn.load(source, config, m, DataType.FLOAT32);
      try (TorchCheckpoint ckpt = TorchCheckpoint.open(zip)) {
        SimpleMlpAdaLn fromZip = SimpleMlpAdaLn.load(ckpt, config, m, DataType.FLOAT32);
        NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(5, 8));
        NDArray t = m.create(new long[] {0, 143, 285, 856, 999});
        NDArray c = m.randomNormal(new ai.djl.ndarray.types.Shape(5, 64));
        assertArrayEquals(
            fromSafetensors.forward(x, t, c).toFloatArray(),
            fromZip.forward(x, t, c).toFloatArray());
      }
    }
  }

  /** Writes every F32 tensor of {@code source} as a torch.save state dict, one storage each. */
  private static void writeZip(WeightSource source, NDManager m, Path zip) throws Exception {
    TorchCheckpointTest.Pickle p =
        new TorchCheckpointTest.Pickle().op(0x80, 2).orderedDict().op('(');
    List<String> names = new ArrayList<>();
    for (TensorInfo info : source.tensors().values()) {
      if (!info.dtype().equals("F32")) {
        continue;
      }
      long[] shape = info.shape().getShape();
      int[] size = new int[shape.length];
      int[] stride = new int[shape.length];
      int running = 1;
      for (int d = shape.length - 1; d >= 0; d--) {
        size[d] = (int) shape[d];
        stride[d] = running;
        running *= (int) shape[d];
      }
      p.text(info.name()).global("torch._utils", "_rebuild_tensor_v2").op('(');
      p.storage("FloatStorage", String.valueOf(names.size()), running);
      p.tensorFromStack(0, size, stride);
      names.add(info.name());
    }
    p.op('u', '.');
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      put(out, "ema_model/data.pkl", p.bytes());
      for (int i = 0; i < names.size(); i++) {
        float[] values = source.load(names.get(i), m, null).toFloatArray();
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
          bytes.putFloat(v);
        }
        put(out, "ema_model/data/" + i, bytes.array());
      }
    }
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws Exception {
    zip.putNextEntry(new ZipEntry(name));
    OutputStream out = zip;
    out.write(data);
    zip.closeEntry();
  }
}
