package org.hartbatch.hart.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hartbatch.hart.io.SafeTensorsWriter;
import org.hartbatch.hart.shapes.GridCell;
import org.hartbatch.hart.shapes.Scene;
import org.hartbatch.hart.shapes.ShapeColour;
import org.hartbatch.hart.shapes.ShapeKind;
import org.hartbatch.hart.shapes.ShapeSize;
import org.hartbatch.hart.transformer.GuidedContext;
import org.hartbatch.hart.transformer.HartTransformer;
import org.hartbatch.hart.transformer.HartTransformerConfig;
import org.hartbatch.hart.vae.HartVae;
import org.hartbatch.hart.vae.VaeConfig;
import org.hartbatch.hart.vae.VaeEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformerTrainerTest {
  /** 8x8 images, 4x4 latent, scales 1, 2, 4. */
  static final VaeConfig TINY_VAE =
      new VaeConfig(32, 4, 32, new int[] {1, 2}, 0.5, 2, 0, 3, new int[] {1, 2, 4});

  static final TransformerTrainer.Settings TINY =
      new TransformerTrainer.Settings(
          7, 4, 2, 24, 16, 1, 2, 2, 32, 2, 32, 1, 0.25f, 0.5, 2, 0.9f, 1f, 0f);

  /**
   * A tokenizer directory with random weights, encoder included, as the tokenizer trainer writes.
   */
  static Path randomTokenizer(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (NDManager manager = NDManager.newBaseManager()) {
      var p = TrainingInit.parameters(manager, 5);
      new VaeEncoder(p, TINY_VAE);
      HartVae.create(TINY_VAE, p);
      Files.writeString(dir.resolve("config.json"), TokenizerTrainer.configJson(TINY_VAE));
      SafeTensorsWriter.write(dir.resolve("model.safetensors"), p.bound());
    }
    return dir;
  }

  @Test
  void teacherForcedLogitsEqualTheCachedInferencePassFedTheSameTokens(@TempDir Path tmp)
      throws IOException {
    try (TransformerTrainer trainer =
            TransformerTrainer.fromScratch(TINY, randomTokenizer(tmp.resolve("tok")));
        NDManager m = NDManager.newBaseManager()) {
      trainer.step(3e-3f); // weights away from their initial symmetry
      List<Scene> batch = trainer.batch(0);
      List<String> captions = batch.stream().map(Scene::caption).toList();
      TokenPyramid pyramid = trainer.pyramid(batch, m);
      boolean[] none = new boolean[batch.size()];
      boolean[] all = new boolean[batch.size()];
      java.util.Arrays.fill(all, true);
      NDArray conditional = trainer.forward(captions, none, pyramid, m).logits_RNV();
      NDArray unconditional = trainer.forward(captions, all, pyramid, m).logits_RNV();

      HartTransformer transformer = trainer.transformer();
      HartTransformerConfig config = trainer.transformerConfig();
      TransformerTrainer.Prompts prompts = trainer.encode(captions, none, m);
      GuidedContext guided = transformer.guide(prompts.context_RTD(), prompts.positions_RT());
      HartTransformer.Session session = transformer.newSession(guided, m);
      int b = batch.size();
      int predicted = 0;
      int inputAt = 0;
      for (int s = 0; s < config.stages(); s++) {
        NDArray x;
        if (s == 0) {
          x = transformer.contextInput(guided);
        } else {
          int n = config.queries(s);
          NDArray latent = pyramid.inputs_RMCv().get(new NDIndex(":, {}:{}", inputAt, inputAt + n));
          inputAt += n;
          x = transformer.scaleInput(s, latent);
        }
        NDArray hidden = session.run(s, x);
        NDArray head = s == 0 ? hidden.get(new NDIndex(":, -1:, :")) : hidden;
        NDArray cached = transformer.logits(head, guided);
        int n = s == 0 ? 1 : config.queries(s);
        NDIndex span = new NDIndex(":, {}:{}", predicted, predicted + n);
        assertClose(conditional.get(span), cached.get(new NDIndex(":{}", b)), "cond stage " + s);
        assertClose(
            unconditional.get(span), cached.get(new NDIndex("{}:", b)), "uncond stage " + s);
        predicted += n;
      }
      assertEquals(conditional.getShape().get(1), predicted);
    }
  }

  private static void assertClose(NDArray expected, NDArray actual, String what) {
    assertEquals(expected.getShape(), actual.getShape(), what);
    float worst = expected.sub(actual).abs().max().getFloat();
    float scale = expected.abs().max().getFloat();
    assertTrue(worst <= 1e-4f * Math.max(1f, scale), what + ": largest difference " + worst);
  }

  @Test
  void tokensWhosePatchTouchesAShapeWeighMore() {
    // 12 px, a small square at the top left without jitter covers pixels 1..2 in x and y (centre
    // 2, half-extent 1.1), its ring 0..3. Scales 1, 2, 4: patches of 12, 6 and 3 pixels.
    Scene scene =
        new Scene(
            List.of(
                new org.hartbatch.hart.shapes.Shape(
                    ShapeKind.SQUARE, ShapeColour.RED, ShapeSize.SMALL, GridCell.TOP_LEFT, 0, 0)),
            ShapeColour.BLUE);
    float[] weights = TransformerTrainer.tokenWeights(List.of(scene), 12, new int[] {1, 2, 4}, 3f);
    boolean[] touching = {
      true, // 1x1
      true, false, false, false, // 2x2: only the top left patch (pixels 0..5)
      true, true, false, false, // 4x4, row 0: patches 0..2 and 3..5 hold ring pixels
      true, true, false, false, // row 1: (3, 3) is a diagonal neighbour of (2, 2)
      false, false, false, false, false, false, false, false
    };
    float low = 21f / (6 * 4 + 15);
    for (int t = 0; t < touching.length; t++) {
      assertEquals(touching[t] ? 4 * low : low, weights[t], 1e-6f, "token " + t);
    }
    float[] plain = TransformerTrainer.tokenWeights(List.of(scene), 12, new int[] {1, 2, 4}, 0f);
    for (float w : plain) {
      assertEquals(1f, w, 0f);
    }
  }

  @Test
  void lossFallsOnAFixedBatch(@TempDir Path tmp) throws IOException {
    try (TransformerTrainer trainer =
        TransformerTrainer.fromScratch(TINY, randomTokenizer(tmp.resolve("tok")))) {
      List<Scene> batch = trainer.batch(0);
      TransformerTrainer.Losses first = trainer.step(batch, 3e-3f);
      TransformerTrainer.Losses last = trainer.step(batch, 3e-3f);
      int arrays = trainer.managedArrays();
      for (int i = 0; i < 14; i++) {
        last = trainer.step(batch, 3e-3f);
      }
      assertEquals(arrays, trainer.managedArrays(), "native arrays held after step 2 and step 16");
      assertTrue(last.tokens() < 0.85f * first.tokens(), first + " then " + last);
      assertTrue(last.diffusionMse() < first.diffusionMse(), first + " then " + last);
    }
  }

  @Test
  void theForegroundWeightChangesTheUpdateButNotTheLoggedCrossEntropy(@TempDir Path tmp)
      throws IOException {
    Path tokenizer = randomTokenizer(tmp.resolve("tok"));
    TransformerTrainer.Losses plainLosses;
    float[] plainHead;
    try (TransformerTrainer trainer = TransformerTrainer.fromScratch(TINY, tokenizer)) {
      plainLosses = trainer.step(2e-3f);
      plainHead = trainer.parameters().get("llm.head.weight").toFloatArray();
    }
    try (TransformerTrainer trainer =
        TransformerTrainer.fromScratch(TINY.withForegroundWeight(4f), tokenizer)) {
      TransformerTrainer.Losses weighted = trainer.step(2e-3f);
      // the same weights and batch before the step: the logged cross-entropy is the plain mean
      assertEquals(plainLosses.tokens(), weighted.tokens(), 0f);
      assertFalse(
          java.util.Arrays.equals(
              plainHead, trainer.parameters().get("llm.head.weight").toFloatArray()),
          "the weighted loss moved the head exactly as the plain one");
    }
  }

  @Test
  void aResumedRunContinuesExactly(@TempDir Path tmp) throws IOException {
    Path tokenizer = randomTokenizer(tmp.resolve("tok"));
    Map<String, float[]> straight;
    try (TransformerTrainer trainer = TransformerTrainer.fromScratch(TINY, tokenizer)) {
      for (int i = 0; i < 3; i++) {
        trainer.step(2e-3f);
      }
      straight = snapshot(trainer.parameters());
    }
    Path saved = tmp.resolve("run");
    try (TransformerTrainer trainer = TransformerTrainer.fromScratch(TINY, tokenizer)) {
      trainer.step(2e-3f);
      trainer.step(2e-3f);
      trainer.save(saved);
    }
    try (TransformerTrainer resumed = TransformerTrainer.resume(saved)) {
      assertEquals(2, resumed.steps());
      resumed.step(2e-3f);
      Map<String, float[]> continued = snapshot(resumed.parameters());
      assertEquals(straight.keySet(), continued.keySet());
      straight.forEach((name, values) -> assertArrayEquals(values, continued.get(name), name));
    }
  }

  private static Map<String, float[]> snapshot(Map<String, NDArray> parameters) {
    Map<String, float[]> copy = new java.util.TreeMap<>();
    parameters.forEach((name, array) -> copy.put(name, array.toFloatArray()));
    return copy;
  }
}
