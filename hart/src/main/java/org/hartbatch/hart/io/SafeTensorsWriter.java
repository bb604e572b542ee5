package org.hartbatch.hart.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes float32 tensors as one {@code .safetensors} file, in map order, atomically: the file
 * appears complete under its name or not at all, so an interrupted save never leaves a torn
 * checkpoint.
 */
public final class SafeTensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SafeTensorsWriter() {}

  public static void write(Path file, Map<String, NDArray> tensors) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    long offset = 0;
    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
      if (e.getValue().getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException(
            "tensor "
                + e.getKey()
                + " is "
                + e.getValue().getDataType()
                + ", only float32 is written");
      }
      ObjectNode entry = header.putObject(e.getKey());
      entry.put("dtype", "F32");
      ArrayNode shape = entry.putArray("shape");
      for (long dim : e.getValue().getShape().getShape()) {
        shape.add(dim);
      }
      long bytes = e.getValue().size() * Float.BYTES;
      entry.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (OutputStream out = Files.newOutputStream(partial)) {
      out.write(
          ByteBuffer.allocate(8)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putLong(headerBytes.length)
              .array());
      out.write(headerBytes);
      for (NDArray tensor : tensors.values()) {
        float[] values = tensor.toFloatArray();
        ByteBuffer data =
            ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        out.write(data.array());
      }
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
