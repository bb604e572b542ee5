package org.hartbatch.hart.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A memory-mapped reader for one {@code .safetensors} file.
 *
 * <p>Each tensor is mapped on demand and copied once into engine memory, so files far larger than
 * the Java heap load without staging through it. BF16 is widened to F32 on the way in because DJL's
 * PyTorch engine aborts the JVM on bfloat16 tensors.
 */
public final class SafeTensorsFile implements AutoCloseable {

  /** Where one tensor lives inside the file, as declared by the header. */
  public record Entry(String name, String dtype, long[] shape, long begin, long end) {
    public long elementCount() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, Entry> entries;
  private final Map<String, String> metadata;

  private SafeTensorsFile(
      Path path,
      FileChannel channel,
      long dataStart,
      Map<String, Entry> entries,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.entries = entries;
    this.metadata = metadata;
  }

  public static SafeTensorsFile open(Path path) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      long fileSize = channel.size();
      if (fileSize < 8) {
        throw new CheckpointException(path + ": too short to be a safetensors file");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      channel.read(lengthBytes, 0);
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > fileSize) {
        throw new CheckpointException(
            path + ": header length " + headerLength + " is not plausible for a safetensors file");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      channel.read(header, 8);
      JsonNode root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
      long dataStart = 8 + headerLength;
      Map<String, Entry> entries = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().equals("__metadata__")) {
          field
              .getValue()
              .fields()
              .forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        entries.put(
            field.getKey(),
            parseEntry(path, field.getKey(), field.getValue(), fileSize - dataStart));
      }
      return new SafeTensorsFile(
          path,
          channel,
          dataStart,
          Collections.unmodifiableMap(entries),
          Collections.unmodifiableMap(metadata));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static Entry parseEntry(Path path, String name, JsonNode node, long dataBytes) {
    String dtype = node.path("dtype").asText();
    JsonNode shapeNode = node.path("shape");
    JsonNode offsets = node.path("data_offsets");
    if (dtype.isEmpty() || !shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
      throw new CheckpointException(path + ": tensor '" + name + "' has a malformed header entry");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong();
    }
    Entry entry = new Entry(name, dtype, shape, offsets.get(0).asLong(), offsets.get(1).asLong());
    long expectedBytes = entry.elementCount() * bytesPerElement(path, name, dtype);
    if (entry.begin < 0 || entry.end > dataBytes || entry.end - entry.begin != expectedBytes) {
      throw new CheckpointException(
          path
              + ": tensor '"
              + name
              + "' declares "
              + (entry.end - entry.begin)
              + " bytes at ["
              + entry.begin
              + ", "
              + entry.end
              + ") but its dtype and shape need "
              + expectedBytes
              + " bytes inside "
              + dataBytes);
    }
    return entry;
  }

  private static int bytesPerElement(Path path, String name, String dtype) {
    int bytes = RawTensors.bytesPerElement(dtype);
    if (bytes < 0) {
      throw new CheckpointException(
          path + ": tensor '" + name + "' has unsupported dtype " + dtype);
    }
    return bytes;
  }

  public Path path() {
    return path;
  }

  public Map<String, Entry> entries() {
    return entries;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  public Entry entry(String name) {
    Entry entry = entries.get(name);
    if (entry == null) {
      throw new CheckpointException(path + ": no tensor named '" + name + "'");
    }
    return entry;
  }

  /**
   * Loads a tensor into {@code manager}. Floating-point tensors are converted to {@code floatType}
   * (use {@code null} to keep F32/F64/F16 as stored); integer tensors keep their type.
   */
  public NDArray load(String name, NDManager manager, DataType floatType) throws IOException {
    Entry entry = entry(name);
    ByteBuffer raw =
        channel.map(
            FileChannel.MapMode.READ_ONLY, dataStart + entry.begin, entry.end - entry.begin);
    return RawTensors.load(
        path.toString(), name, entry.dtype, raw, new Shape(entry.shape), manager, floatType);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
