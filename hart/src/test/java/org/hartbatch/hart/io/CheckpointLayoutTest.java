package org.hartbatch.hart.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLayoutTest {

  @Test
  void shardsListedByAnIndexReadAsOneSource(@TempDir Path tmp) throws Exception {
    new TestWeights().add("a", 2).write(tmp.resolve("model-00001-of-00002.safetensors"));
    new TestWeights().add("b", 3).write(tmp.resolve("model-00002-of-00002.safetensors"));
    Files.writeString(
        tmp.resolve("model.safetensors.index.json"),
        "{\"metadata\":{},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\","
            + "\"b\":\"model-00002-of-00002.safetensors\"}}");
    try (WeightSource w = WeightSources.open(tmp);
        NDManager m = NDManager.newBaseManager()) {
      assertEquals(java.util.Set.of("a", "b"), w.tensors().keySet());
      assertArrayEquals(new long[] {3}, w.load("b", m, null).getShape().getShape());
    }
  }

  @Test
  void anIndexThatDisagreesWithItsShardsIsReported(@TempDir Path tmp) throws Exception {
    new TestWeights().add("a", 2).add("c", 1).write(tmp.resolve("s1.safetensors"));
    Files.writeString(
        tmp.resolve("model.safetensors.index.json"),
        "{\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s1.safetensors\"}}");
    CheckpointException e = assertThrows(CheckpointException.class, () -> WeightSources.open(tmp));
    assertTrue(
        e.getMessage().contains("'b' is listed for s1.safetensors but absent"), e.getMessage());
    assertTrue(e.getMessage().contains("'c' is stored but not listed"), e.getMessage());
  }

  @Test
  void aShardOutsideTheDirectoryIsRefused(@TempDir Path tmp) throws Exception {
    Files.writeString(
        tmp.resolve("model.safetensors.index.json"),
        "{\"weight_map\":{\"a\":\"../x.safetensors\"}}");
    assertThrows(CheckpointException.class, () -> WeightSources.open(tmp));
  }

  @Test
  void theReleasedLayoutPrefersTheEmaWeights(@TempDir Path tmp) throws Exception {
    Path llm = Files.createDirectories(tmp.resolve("llm"));
    Path tok = Files.createDirectories(tmp.resolve("tokenizer"));
    Files.writeString(llm.resolve("config.json"), "{\"embed_dim\": 64}");
    Files.writeString(
        tok.resolve("config.json"), "{\"config\": {\"z_channels\": 8}, \"derived\": {}}");
    new TestWeights().add("plain", 1).write(llm.resolve("model.safetensors"));
    TorchCheckpointTest.zip(
        llm.resolve("ema_model.bin"), TorchCheckpointTest.stateDictPickle(), true);
    new TestWeights().add("vae.post_quant_conv.bias", 8).write(tok.resolve("model.safetensors"));
    HartCheckpointDir dir = new HartCheckpointDir(tmp);
    assertEquals(64, dir.transformerConfig().requireInt("embed_dim"));
    assertEquals(8, dir.tokenizerConfig().requireInt("z_channels"));
    try (WeightSource t = dir.transformerWeights();
        WeightSource v = dir.tokenizerWeights()) {
      assertInstanceOf(TorchCheckpoint.class, t);
      assertTrue(v.tensors().containsKey("vae.post_quant_conv.bias"));
    }
  }

  @Test
  void configFieldsAreValidatedByName(@TempDir Path tmp) throws Exception {
    Path file =
        Files.writeString(tmp.resolve("config.json"), "{\"ch\": \"wide\"}", StandardCharsets.UTF_8);
    ConfigFile c = ConfigFile.read(file);
    CheckpointException wrongType =
        assertThrows(CheckpointException.class, () -> c.requireInt("ch"));
    assertTrue(
        wrongType.getMessage().contains("field 'ch' must be an integer"), wrongType.getMessage());
    CheckpointException missing =
        assertThrows(CheckpointException.class, () -> c.requireInt("z_channels"));
    assertTrue(
        missing.getMessage().contains("field 'z_channels' is missing"), missing.getMessage());
  }

  @Test
  void aDirectoryWithoutTheTwoPartsIsNotACheckpoint(@TempDir Path tmp) {
    assertThrows(CheckpointException.class, () -> new HartCheckpointDir(tmp));
  }
}
