package org.hartbatch.hart.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PromptEncoderTest {
  private static final Qwen2Config CONFIG = new Qwen2Config(50, 32, 2, 4, 2, 48, 10000, 1e-6);
  private static final long PAD = 49;
  private static final long[] SYSTEM = {3, 14, 15, 9, 26, 5, 35};
  private static final long[][] PROMPTS = {
    {7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
    {20, 21, 22, PAD, PAD, PAD, PAD, PAD, PAD, PAD},
    {30, PAD, PAD, PAD, PAD, PAD, PAD, PAD, PAD, PAD},
  };

  private static NDManager manager;
  private static Qwen2Model model;

  @BeforeAll
  static void randomModel() {
    manager = NDManager.newBaseManager();
    model = Qwen2Model.fromTensors(CONFIG, Qwen2Checkpoint.random(CONFIG, 7, manager));
  }

  @AfterAll
  static void release() {
    manager.close();
  }

  @Test
  void reusingTheSystemPromptPrefixEqualsTheFullPass() {
    try (NDManager m = manager.newSubManager();
        PromptEncoder reuse = new PromptEncoder(model, SYSTEM, 10, PAD, true, m);
        PromptEncoder full = new PromptEncoder(model, SYSTEM, 10, PAD, false, m)) {
      assertTrue(reuse.reusesSystemPrompt());
      PromptEncoder.Context a = reuse.encode(PROMPTS, m);
      PromptEncoder.Context b = full.encode(PROMPTS, m);
      assertEquals(new Shape(3, 10, 32), a.context_BTD().getShape());
      assertTrue(
          a.context_BTD().allClose(b.context_BTD(), 1e-5, 1e-5, false),
          "max diff " + a.context_BTD().sub(b.context_BTD()).abs().max().getFloat());
      // Reuse across batches: a second, differently sized batch against the same cached prefix.
      PromptEncoder.Context single = reuse.encode(new long[][] {PROMPTS[1]}, m);
      assertTrue(
          single
              .context_BTD()
              .allClose(b.context_BTD().get(new NDIndex("1:2")), 1e-5, 1e-5, false));
    }
  }

  @Test
  void fullPassSliceIsTheContextAndMaskAndPositionsFollowThePadding() {
    try (NDManager m = manager.newSubManager();
        PromptEncoder encoder = new PromptEncoder(model, SYSTEM, 10, PAD, false, m)) {
      PromptEncoder.Context context = encoder.encode(PROMPTS, m);
      NDArray hidden = encoder.hiddenStatesOfFullPass(PROMPTS, m);
      assertEquals(new Shape(3, SYSTEM.length + 10, 32), hidden.getShape());
      assertTrue(
          hidden
              .get(new NDIndex(":, {}:", SYSTEM.length))
              .allClose(context.context_BTD(), 0, 0, false));
      assertArrayEquals(
          new long[] {0, 1, 2, 2, 2, 2, 2, 2, 2, 2}, context.positions_BT().get(1).toLongArray());
      assertArrayEquals(
          new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, context.positions_BT().get(2).toLongArray());
      assertArrayEquals(
          new boolean[] {true, false, false, false, false, false, false, false, false, false},
          context.mask_BT().get(2).toBooleanArray());
    }
  }

  @Test
  void aPromptsContextDoesNotDependOnItsBatchNeighbours() {
    try (NDManager m = manager.newSubManager();
        PromptEncoder encoder = new PromptEncoder(model, SYSTEM, 10, PAD, true, m)) {
      NDArray together = encoder.encode(PROMPTS, m).context_BTD().get(2);
      NDArray alone = encoder.encode(new long[][] {PROMPTS[2]}, m).context_BTD().get(0);
      assertTrue(together.allClose(alone, 1e-5, 1e-5, false));
    }
  }
}
