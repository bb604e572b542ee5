package org.hartbatch.worker.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hartbatch.protocol.events.ErrorCode;
import org.junit.jupiter.api.Test;

class SyntheticRendererTest {

  private static final ModelInfo MODEL = new ModelInfo("synthetic", "1", 16, 12);

  @Test
  void paintsTheGradientOfSeedAndPrompt() throws Exception {
    SyntheticRenderer renderer =
        new SyntheticRenderer(MODEL, Duration.ZERO, Duration.ZERO, Optional.empty());
    List<RenderRequest> rows = List.of(request("a red square", 1), request("a blue circle", 99));
    List<RenderResult> results = renderer.render(rows);
    assertEquals(2, results.size());
    for (int r = 0; r < rows.size(); r++) {
      float[] rgb = assertInstanceOf(RenderResult.Image.class, results.get(r)).pixels().rgb_CHW();
      assertEquals(expected(rows.get(r)).length, rgb.length);
      float[] expected = expected(rows.get(r));
      for (int i = 0; i < rgb.length; i++) {
        assertEquals(expected[i], rgb[i], 0f, "value " + i + " of row " + r);
      }
    }
  }

  @Test
  void aBatchWithARejectedPromptFailsAsAWhole() {
    SyntheticRenderer renderer =
        new SyntheticRenderer(
            MODEL, Duration.ZERO, Duration.ZERO, Optional.of(Pattern.compile("POISON")));
    RenderException e =
        assertThrows(
            RenderException.class,
            () -> renderer.render(List.of(request("fine", 1), request("POISON pill", 2))));
    assertEquals(ErrorCode.PROMPT_REJECTED, e.code());
  }

  /** The gradient as first written, with the float remainder. */
  private static float[] expected(RenderRequest row) {
    int w = MODEL.width();
    int h = MODEL.height();
    long mix = row.seed() * 0x9E3779B97F4A7C15L ^ row.prompt().hashCode();
    float[] rgb = new float[3 * w * h];
    for (int c = 0; c < 3; c++) {
      float base = (mix >>> (8 * c) & 0xFF) / 255f;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float ramp = (c == 0 ? x : c == 1 ? y : x + y) / (float) (w + h);
          rgb[c * w * h + y * w + x] = (base + ramp) % 1f;
        }
      }
    }
    return rgb;
  }

  private static RenderRequest request(String prompt, long seed) {
    return new RenderRequest(prompt, seed, 4.5, true, null, null);
  }
}
