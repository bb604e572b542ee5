package org.hartbatch.hart.transformer;

import static org.hartbatch.hart.transformer.Tensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hartbatch.hart.fixtures.TestFixtures;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.ConfigFile;
import org.hartbatch.hart.io.SafeTensorsFile;
import org.hartbatch.hart.io.SafeTensorsWeights;
import org.hartbatch.hart.io.TensorInfo;
import org.hartbatch.hart.io.WeightSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transformer alone against fixture case d, teacher-forced with the stored next-stage inputs:
 * stage inputs, last hidden states, raw logits of every stage, the cache-free pass and the
 * diffusion condition.
 */
class HartTransformerTest {
  private static final double ATOL = 2e-4;
  private static final double RTOL = 1e-4;

  private static NDManager manager;
  private static SafeTensorsWeights weights;
  private static SafeTensorsFile caseD;
  private static HartTransformer transformer;

  @BeforeAll
  static void load() throws Exception {
    Path dir = TestFixtures.hartTiny();
    manager = NDManager.newBaseManager();
    weights = SafeTensorsWeights.open(dir.resolve("transformer.safetensors"));
    caseD = SafeTensorsFile.open(dir.resolve("case_d_autoregressive_infer_cfg.safetensors"));
    HartTransformerConfig config =
        HartTransformerConfig.from(ConfigFile.read(dir.resolve("transformer_config.json")));
    transformer = HartTransformer.load(config, weights, manager, DataType.FLOAT32);
  }

  @AfterAll
  static void close() throws Exception {
    transformer.close();
    manager.close();
    weights.close();
    caseD.close();
  }

  private static NDArray stored(String name) throws Exception {
    return caseD.load(name, manager, null);
  }

  /** {@code [B, Cv, p, p]} latent map to {@code [B, p*p, Cv]} row-major tokens. */
  private static NDArray tokens(NDArray map_BCpp) {
    long[] s = map_BCpp.getShape().getShape();
    return map_BCpp.transpose(0, 2, 3, 1).reshape(s[0], s[2] * s[3], s[1]);
  }

  @Test
  void everyStageMatchesTheReferenceWithTeacherForcing() throws Exception {
    checkEveryStage();
  }

  @Test
  void attentionInSmallQueryChunksGivesTheSameResults() throws Exception {
    long bound = LlamaAttention.scoreBlockElements;
    LlamaAttention.scoreBlockElements = 1000; // a few queries per chunk at every stage
    try {
      checkEveryStage();
    } finally {
      LlamaAttention.scoreBlockElements = bound;
    }
  }

  private void checkEveryStage() throws Exception {
    HartTransformerConfig config = transformer.config();
    GuidedContext context =
        transformer.guide(stored("context"), Tensors.rows(stored("context_position_ids")));
    HartTransformer.Session session = transformer.newSession(context, manager);
    List<NDArray> inputs = new ArrayList<>();
    NDArray hidden = null;
    for (int s = 0; s < config.stages(); s++) {
      NDArray x =
          s == 0
              ? transformer.contextInput(context)
              : transformer.scaleInput(s, tokens(stored("stage" + (s - 1) + "_next_input")));
      assertClose("stage" + s + "_input", stored("stage" + s + "_input"), x, 1e-4, 1e-4);
      inputs.add(x);
      hidden = session.run(s, x);
      assertClose("stage" + s + "_hidden", stored("stage" + s + "_hidden"), hidden, ATOL, RTOL);
      NDArray logits = transformer.logits(hidden, context);
      assertClose(
          "stage" + s + "_logits_raw", stored("stage" + s + "_logits_raw"), logits, ATOL, RTOL);
    }
    assertClose(
        "nocache_logits_raw",
        stored("nocache_logits_raw"),
        transformer.logitsWithoutCache(inputs, context),
        ATOL,
        RTOL);

    try (SafeTensorsFile vae =
        SafeTensorsFile.open(TestFixtures.hartTiny().resolve("vae.safetensors"))) {
      NDArray codebook = vae.load("quantize.embedding.weight", manager, DataType.FLOAT32);
      NDArray idx = stored("stage4_idx");
      NDArray picked =
          codebook.get(idx.flatten()).reshape(idx.getShape().get(0), idx.getShape().get(1), -1);
      NDArray z = transformer.diffusionCondition(hidden, picked);
      assertClose("diff_z", stored("diff_z"), z.reshape(-1, config.embedDim()), ATOL, RTOL);
    }
  }

  @Test
  void aBlockLeavesOnlyItsOutputBehindEvenWhenItsAttentionRunsInChunks() {
    HartTransformerConfig config = transformer.config();
    long bound = LlamaAttention.scoreBlockElements;
    LlamaAttention.scoreBlockElements = 100; // several query chunks
    try (NDManager block = manager.newSubManager()) {
      int n = 6;
      long[] positions = new long[n];
      for (int i = 0; i < n; i++) {
        positions[i] = i;
      }
      Rotary rotary =
          Rotary.context(
              block, new long[][] {positions, positions}, config.headDim(), DataType.FLOAT32);
      NDArray x_GnC = block.randomNormal(new ai.djl.ndarray.types.Shape(2, n, config.embedDim()));
      int before = block.getManagedArrays().size();
      NDArray out = transformer.block(0).forward(x_GnC, rotary, null, null);
      assertEquals(
          before + 1,
          block.getManagedArrays().size(),
          "intermediates of the block stayed on the manager");
      assertArrayEquals(x_GnC.getShape().getShape(), out.getShape().getShape());
    } finally {
      LlamaAttention.scoreBlockElements = bound;
    }
  }

  @Test
  void theSessionRefusesStagesOutOfOrder() throws Exception {
    GuidedContext context =
        transformer.guide(stored("context"), Tensors.rows(stored("context_position_ids")));
    HartTransformer.Session session = transformer.newSession(context, manager);
    NDArray x = transformer.scaleInput(1, manager.zeros(new ai.djl.ndarray.types.Shape(2, 4, 8)));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> session.run(1, x));
    assertTrue(e.getMessage().contains("before stage 0"), e.getMessage());
  }

  @Test
  void aContextOfTheWrongShapeIsRejectedWithItsShape() {
    NDArray wrong = manager.zeros(new ai.djl.ndarray.types.Shape(2, 11, 32));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> transformer.guide(wrong, new long[2][11]));
    assertTrue(e.getMessage().contains("[B, 12, 32]"), e.getMessage());
  }

  @Test
  void unsupportedStructuresAreNamedInTheError() throws Exception {
    ObjectNode root =
        (ObjectNode)
            new ObjectMapper()
                .readTree(TestFixtures.hartTiny().resolve("transformer_config.json").toFile())
                .get("config");
    root.put("disable_aln", false);
    CheckpointException e =
        assertThrows(
            CheckpointException.class,
            () -> HartTransformerConfig.from(new ConfigFile("test config", root)));
    assertTrue(e.getMessage().contains("disable_aln"), e.getMessage());
  }

  @Test
  void everyMissingWeightIsReportedByNameInOneError() {
    Set<String> dropped = Set.of("blocks.1.ffn.up_proj.weight", "head_nm.ada_lin.1.bias");
    Map<String, TensorInfo> kept = new LinkedHashMap<>(weights.tensors());
    kept.keySet().removeAll(dropped);
    WeightSource partial =
        new WeightSource() {
          @Override
          public Map<String, TensorInfo> tensors() {
            return kept;
          }

          @Override
          public NDArray load(String name, NDManager m, DataType type) throws IOException {
            return weights.load(name, m, type);
          }

          @Override
          public String describe() {
            return "partial";
          }

          @Override
          public void close() {}
        };
    CheckpointException e =
        assertThrows(
            CheckpointException.class,
            () -> HartTransformer.load(transformer.config(), partial, manager, DataType.FLOAT32));
    for (String name : dropped) {
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }

  @Test
  void configSizesFollowTheReference() {
    HartTransformerConfig config = transformer.config();
    assertEquals(16, config.headDim());
    assertEquals(256, config.ffnHidden());
    assertEquals(0.0625, config.attentionScale(), 1e-12);
    assertEquals(77, config.totalTokens());
    assertArrayEquals(
        new int[] {12, 4, 9, 16, 36},
        java.util.stream.IntStream.range(0, 5).map(config::queries).toArray());
  }
}
