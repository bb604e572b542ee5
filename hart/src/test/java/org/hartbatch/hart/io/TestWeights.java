package org.hartbatch.hart.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes small float32 safetensors files for tests. */
public final class TestWeights {
  private final Map<String, long[]> shapes = new LinkedHashMap<>();
  private final Map<String, float[]> values = new LinkedHashMap<>();

  /** Adds a tensor whose element {@code i} is {@code start + i}. */
  public TestWeights add(String name, long... shape) {
    long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] data = new float[(int) n];
    for (int i = 0; i < data.length; i++) {
      data[i] = values.size() + i * 0.01f;
    }
    shapes.put(name, shape);
    values.put(name, data);
    return this;
  }

  public Path write(Path file) throws IOException {
    StringBuilder header = new StringBuilder("{");
    long offset = 0;
    for (String name : shapes.keySet()) {
      long bytes = values.get(name).length * 4L;
      if (header.length() > 1) {
        header.append(',');
      }
      header
          .append('"')
          .append(name)
          .append("\":{\"dtype\":\"F32\",\"shape\":")
          .append(Arrays.toString(shapes.get(name)))
          .append(",\"data_offsets\":[")
          .append(offset)
          .append(',')
          .append(offset + bytes)
          .append("]}");
      offset += bytes;
    }
    byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer =
        ByteBuffer.allocate((int) (8 + json.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(json.length).put(json);
    for (float[] data : values.values()) {
      for (float v : data) {
        buffer.putFloat(v);
      }
    }
    Files.write(file, buffer.array());
    return file;
  }
}
