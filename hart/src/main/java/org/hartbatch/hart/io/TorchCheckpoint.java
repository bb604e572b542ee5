package org.hartbatch.hart.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A PyTorch zip checkpoint ({@code torch.save} of a state dict, e.g. {@code pytorch_model.bin},
 * {@code ema_model.bin}): {@code <archive>/data.pkl} read by {@link StateDictPickle}, and one entry
 * {@code <archive>/data/<key>} per storage. Nested dicts are flattened with dotted names;
 * non-tensor values are dropped.
 */
public final class TorchCheckpoint implements WeightSource {
  private final Path path;
  private final ZipFile zip;
  private final String archive;
  private final Map<String, StateDictPickle.TensorRef> refs;
  private final Map<String, TensorInfo> tensors;

  private TorchCheckpoint(
      Path path, ZipFile zip, String archive, Map<String, StateDictPickle.TensorRef> refs) {
    this.path = path;
    this.zip = zip;
    this.archive = archive;
    this.refs = refs;
    Map<String, TensorInfo> infos = new LinkedHashMap<>();
    refs.forEach(
        (name, ref) ->
            infos.put(name, new TensorInfo(name, ref.storage().dtype(), new Shape(ref.size()))));
    this.tensors = Collections.unmodifiableMap(infos);
  }

  public static TorchCheckpoint open(Path path) throws IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(path.toFile());
    } catch (java.util.zip.ZipException e) {
      throw new CheckpointException(
          path
              + " is not a zip checkpoint (legacy torch.save files are not supported; re-save it"
              + " with a current PyTorch or convert it to safetensors)",
          e);
    }
    try {
      String archive = archiveOf(path, zip);
      ZipEntry byteOrder = zip.getEntry(archive + "byteorder");
      if (byteOrder != null) {
        String order = new String(readAll(zip, byteOrder), StandardCharsets.US_ASCII).trim();
        if (!order.equals("little")) {
          throw new CheckpointException(path + ": byte order '" + order + "' is not supported");
        }
      }
      Object root =
          StateDictPickle.read(path.toString(), readAll(zip, zip.getEntry(archive + "data.pkl")));
      Map<String, StateDictPickle.TensorRef> refs = new LinkedHashMap<>();
      if (!(root instanceof Map<?, ?> dict)) {
        throw new CheckpointException(path + ": the pickle does not hold a state dict");
      }
      flatten("", dict, refs);
      return new TorchCheckpoint(path, zip, archive, refs);
    } catch (IOException | RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  private static String archiveOf(Path path, ZipFile zip) {
    Enumeration<? extends ZipEntry> entries = zip.entries();
    while (entries.hasMoreElements()) {
      String name = entries.nextElement().getName();
      if (name.endsWith("data.pkl")
          && name.indexOf('/') == name.length() - "data.pkl".length() - 1) {
        return name.substring(0, name.length() - "data.pkl".length());
      }
    }
    throw new CheckpointException(path + ": zip has no <archive>/data.pkl; not a torch checkpoint");
  }

  private static void flatten(
      String prefix, Map<?, ?> dict, Map<String, StateDictPickle.TensorRef> out) {
    dict.forEach(
        (key, value) -> {
          String name = prefix + key;
          if (value instanceof StateDictPickle.TensorRef ref) {
            out.put(name, ref);
          } else if (value instanceof Map<?, ?> nested) {
            flatten(name + ".", nested, out);
          }
        });
  }

  private static byte[] readAll(ZipFile zip, ZipEntry entry) throws IOException {
    try (InputStream in = zip.getInputStream(entry)) {
      return in.readAllBytes();
    }
  }

  @Override
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  @Override
  public NDArray load(String name, NDManager manager, DataType floatType) throws IOException {
    StateDictPickle.TensorRef ref = refs.get(name);
    if (ref == null) {
      throw new CheckpointException(path + ": no tensor named '" + name + "'");
    }
    String dtype = ref.storage().dtype();
    int elementBytes = RawTensors.bytesPerElement(dtype);
    long count = new Shape(ref.size()).size();
    if (!contiguous(ref.size(), ref.stride())) {
      throw new CheckpointException(
          path + ": tensor '" + name + "' is a non-contiguous view; only dense tensors are read");
    }
    if (ref.offset() < 0 || ref.offset() + count > ref.storage().numel()) {
      throw new CheckpointException(
          path + ": tensor '" + name + "' reaches past the end of storage " + ref.storage().key());
    }
    ZipEntry entry = zip.getEntry(archive + "data/" + ref.storage().key());
    if (entry == null) {
      throw new CheckpointException(
          path + ": storage " + ref.storage().key() + " of tensor '" + name + "' is missing");
    }
    ByteBuffer raw =
        ByteBuffer.allocateDirect(Math.toIntExact(count * elementBytes))
            .order(ByteOrder.LITTLE_ENDIAN);
    try (InputStream in = zip.getInputStream(entry)) {
      in.skipNBytes(ref.offset() * elementBytes);
      byte[] chunk = new byte[1 << 16];
      while (raw.hasRemaining()) {
        int n = in.read(chunk, 0, Math.min(chunk.length, raw.remaining()));
        if (n < 0) {
          throw new CheckpointException(
              path + ": storage " + ref.storage().key() + " is shorter than declared");
        }
        raw.put(chunk, 0, n);
      }
    }
    raw.flip();
    return RawTensors.load(
        path.toString(), name, dtype, raw, new Shape(ref.size()), manager, floatType);
  }

  private static boolean contiguous(long[] size, long[] stride) {
    long expected = 1;
    for (int d = size.length - 1; d >= 0; d--) {
      if (size[d] != 1 && stride[d] != expected) {
        return false;
      }
      expected *= size[d];
    }
    return true;
  }

  @Override
  public String describe() {
    return path.toString();
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
