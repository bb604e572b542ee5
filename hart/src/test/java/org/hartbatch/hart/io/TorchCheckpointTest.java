package org.hartbatch.hart.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints written byte by byte the way {@code torch.save} lays out a state dict. */
class TorchCheckpointTest {

  /** Emits pickle protocol-2 opcodes. */
  static final class Pickle {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Pickle op(int... bytes) {
      for (int b : bytes) {
        out.write(b);
      }
      return this;
    }

    Pickle text(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      op('X');
      out.write(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array(), 0, 4);
      out.write(b, 0, b.length);
      return this;
    }

    Pickle global(String module, String name) {
      op('c');
      byte[] b = (module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII);
      out.write(b, 0, b.length);
      return this;
    }

    Pickle small(int v) {
      if (v < 256) {
        return op('K', v);
      }
      op('J');
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array(), 0, 4);
      return this;
    }

    Pickle orderedDict() {
      return global("collections", "OrderedDict").op(')', 'R');
    }

    /**
     * {@code _rebuild_tensor_v2(<storage on stack>, offset, size, stride, False, OrderedDict())}.
     */
    Pickle tensorFromStack(int offset, int[] size, int[] stride) {
      small(offset).op('(');
      for (int s : size) {
        small(s);
      }
      op('t', '(');
      for (int s : stride) {
        small(s);
      }
      op('t', 0x89);
      orderedDict();
      return op('t', 'R');
    }

    Pickle storage(String type, String key, int numel) {
      op('(').text("storage").global("torch", type).text(key).text("cpu").small(numel);
      return op('t', 'Q');
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  static byte[] stateDictPickle() {
    Pickle p = new Pickle().op(0x80, 2).orderedDict().op('q', 0).op('(');
    p.text("w").global("torch._utils", "_rebuild_tensor_v2").op('(');
    p.storage("FloatStorage", "0", 6)
        .op('q', 1)
        .tensorFromStack(0, new int[] {2, 3}, new int[] {3, 1});
    p.text("b").global("torch._utils", "_rebuild_tensor_v2").op('(');
    p.storage("HalfStorage", "1", 4).tensorFromStack(1, new int[] {3}, new int[] {1});
    p.text("nested").op('}', '(').text("x");
    p.global("torch._utils", "_rebuild_parameter").op('(');
    p.global("torch._utils", "_rebuild_tensor_v2").op('(');
    p.op('h', 1).tensorFromStack(0, new int[] {6}, new int[] {1});
    p.op(0x88).orderedDict().op('t', 'R');
    p.op('u'); // nested dict items
    p.op('u'); // top-level items
    // state-dict metadata attached to the OrderedDict, as torch.save writes it
    p.op('}').text("_metadata").orderedDict().op('s', 'b');
    return p.op('.').bytes();
  }

  static Path zip(Path file, byte[] pickle, boolean withStorages) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      put(zip, "archive/data.pkl", pickle);
      put(zip, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
      if (withStorages) {
        ByteBuffer floats = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
          floats.putFloat(i);
        }
        put(zip, "archive/data/0", floats.array());
        // float16 1, 2, 3, 4
        put(zip, "archive/data/1", new byte[] {0, 0x3C, 0, 0x40, 0, 0x42, 0, 0x44});
      }
      put(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
    return file;
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    OutputStream out = zip;
    out.write(data);
    zip.closeEntry();
  }

  @Test
  void aStateDictWithViewsSharedStoragesAndNestingLoads(@TempDir Path tmp) throws Exception {
    Path file = zip(tmp.resolve("ema_model.bin"), stateDictPickle(), true);
    try (TorchCheckpoint ckpt = TorchCheckpoint.open(file);
        NDManager m = NDManager.newBaseManager()) {
      assertEquals(
          java.util.List.of("w", "b", "nested.x"), java.util.List.copyOf(ckpt.tensors().keySet()));
      assertEquals("F16", ckpt.tensors().get("b").dtype());
      NDArray w = ckpt.load("w", m, null);
      assertEquals(new Shape(2, 3), w.getShape());
      assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, w.toFloatArray());
      NDArray b = ckpt.load("b", m, DataType.FLOAT32);
      assertArrayEquals(new float[] {2, 3, 4}, b.toFloatArray());
      assertArrayEquals(
          new float[] {0, 1, 2, 3, 4, 5}, ckpt.load("nested.x", m, null).toFloatArray());
    }
  }

  @Test
  void aMissingStorageIsNamed(@TempDir Path tmp) throws Exception {
    Path file = zip(tmp.resolve("pytorch_model.bin"), stateDictPickle(), false);
    try (TorchCheckpoint ckpt = TorchCheckpoint.open(file);
        NDManager m = NDManager.newBaseManager()) {
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> ckpt.load("w", m, null));
      assertTrue(e.getMessage().contains("storage 0 of tensor 'w' is missing"), e.getMessage());
    }
  }

  @Test
  void aPickleThatCallsOsSystemIsRefusedBeforeAnythingRuns(@TempDir Path tmp) throws Exception {
    byte[] evil =
        new Pickle()
            .op(0x80, 2)
            .global("os", "system")
            .text("touch pwned")
            .op(0x85, 'R', '.')
            .bytes();
    Path file = zip(tmp.resolve("pytorch_model.bin"), evil, false);
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> TorchCheckpoint.open(file));
    assertTrue(e.getMessage().contains("'os.system'"), e.getMessage());
    assertTrue(!Files.exists(Path.of("touch pwned")));
  }

  @Test
  void callingAnAllowedNameThatIsNotAFunctionIsRefused(@TempDir Path tmp) throws Exception {
    byte[] odd = new Pickle().op(0x80, 2).global("torch", "FloatStorage").op(')', 'R', '.').bytes();
    CheckpointException e =
        assertThrows(
            CheckpointException.class,
            () -> TorchCheckpoint.open(zip(tmp.resolve("x.bin"), odd, false)));
    assertTrue(e.getMessage().contains("calls 'torch.FloatStorage'"), e.getMessage());
  }

  @Test
  void opcodesOutsideTheStateDictSubsetAreRefused(@TempDir Path tmp) throws Exception {
    // INST: instantiate a class named inline.
    byte[] inst = "\u0080\u0002(ibuiltins\nobject\n.".getBytes(StandardCharsets.ISO_8859_1);
    CheckpointException e =
        assertThrows(
            CheckpointException.class,
            () -> TorchCheckpoint.open(zip(tmp.resolve("x.bin"), inst, false)));
    assertTrue(e.getMessage().contains("opcode 0x69"), e.getMessage());
  }

  @Test
  void aFileThatIsNotAZipIsExplained(@TempDir Path tmp) throws Exception {
    Path file = Files.write(tmp.resolve("legacy.bin"), new byte[] {(byte) 0x80, 2, 'K', 1, '.'});
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> TorchCheckpoint.open(file));
    assertTrue(e.getMessage().contains("not a zip checkpoint"), e.getMessage());
  }
}
