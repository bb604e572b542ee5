package org.hartbatch.hart.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.hartbatch.hart.fixtures.TestFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsFileTest {

  @Test
  void everyWeightListedInTheManifestLoadsWithItsShape() throws IOException {
    Path dir = TestFixtures.hartTiny();
    JsonNode weights =
        new ObjectMapper().readTree(dir.resolve("manifest.json").toFile()).path("weights");
    try (NDManager manager = NDManager.newBaseManager()) {
      for (Iterator<Map.Entry<String, JsonNode>> files = weights.fields(); files.hasNext(); ) {
        Map.Entry<String, JsonNode> file = files.next();
        try (SafeTensorsFile st = SafeTensorsFile.open(dir.resolve(file.getKey()))) {
          for (Iterator<Map.Entry<String, JsonNode>> it = file.getValue().path("tensors").fields();
              it.hasNext(); ) {
            Map.Entry<String, JsonNode> tensor = it.next();
            long[] shape =
                new ObjectMapper().convertValue(tensor.getValue().path("shape"), long[].class);
            try (NDArray array = st.load(tensor.getKey(), manager, null)) {
              assertArrayEquals(shape, array.getShape().getShape(), tensor.getKey());
            }
          }
        }
      }
    }
  }

  @Test
  void bf16IsWidenedToFloat32AndF16ConvertedOnRequest(@TempDir Path tmp) throws IOException {
    // bf16 of 1.5 is 0x3FC0, of -2.0 is 0xC000; f16 of 0.5 is 0x3800.
    Path file =
        writeFile(
            tmp,
            "{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[4,6]}}",
            new byte[] {(byte) 0xC0, 0x3F, 0x00, (byte) 0xC0, 0x00, 0x38});
    try (SafeTensorsFile st = SafeTensorsFile.open(file);
        NDManager manager = NDManager.newBaseManager()) {
      NDArray a = st.load("a", manager, null);
      assertEquals(DataType.FLOAT32, a.getDataType());
      assertArrayEquals(new float[] {1.5f, -2.0f}, a.toFloatArray());
      NDArray b = st.load("b", manager, DataType.FLOAT32);
      assertArrayEquals(new float[] {0.5f}, b.toFloatArray());
    }
  }

  @Test
  void aTensorThatOverrunsTheFileIsRejectedByName(@TempDir Path tmp) throws IOException {
    Path file =
        writeFile(
            tmp, "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(file));
    assertTrue(e.getMessage().contains("'w'"), e.getMessage());
  }

  @Test
  void anUnknownNameIsReported(@TempDir Path tmp) throws IOException {
    Path file =
        writeFile(
            tmp, "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]);
    try (SafeTensorsFile st = SafeTensorsFile.open(file);
        NDManager manager = NDManager.newBaseManager()) {
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> st.load("v", manager, null));
      assertTrue(e.getMessage().contains("'v'"), e.getMessage());
    }
  }

  @Test
  void garbageIsNotMistakenForAHeader(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("bad.safetensors");
    Files.write(file, "not a safetensors file at all".getBytes(StandardCharsets.UTF_8));
    assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(file));
  }

  static Path writeFile(Path dir, String header, byte[] data) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer =
        ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(json.length).put(json).put(data);
    Path file = dir.resolve("t.safetensors");
    Files.write(file, buffer.array());
    return file;
  }
}
