package org.hartbatch.worker.render;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.hartbatch.hart.pipeline.GeneratedImage;
import org.hartbatch.protocol.events.ErrorCode;

/**
 * A stand-in for the model, for tests and benchmarks: waits a fixed time per batch and per image,
 * like a GPU that leaves the CPU free, then paints a gradient determined by seed and prompt.
 *
 * <p>A batch that contains a prompt matching {@code rejectPrompts} fails as a whole, as a tokenizer
 * error would, so that the caller has to find the offending row.
 */
public final class SyntheticRenderer implements Renderer {

  private final ModelInfo model;
  private final Duration costPerBatch;
  private final Duration costPerImage;
  private final Optional<Pattern> rejectPrompts;

  public SyntheticRenderer(
      ModelInfo model,
      Duration costPerBatch,
      Duration costPerImage,
      Optional<Pattern> rejectPrompts) {
    this.model = model;
    this.costPerBatch = costPerBatch;
    this.costPerImage = costPerImage;
    this.rejectPrompts = rejectPrompts;
  }

  @Override
  public void load() {}

  @Override
  public ModelInfo model() {
    return model;
  }

  @Override
  public List<RenderResult> render(List<RenderRequest> rows) throws RenderException {
    long costNanos = costPerBatch.toNanos() + costPerImage.toNanos() * rows.size();
    waitNanos(costNanos);
    if (rejectPrompts.isPresent()) {
      for (RenderRequest row : rows) {
        if (rejectPrompts.get().matcher(row.prompt()).find()) {
          throw new RenderException(
              ErrorCode.PROMPT_REJECTED,
              "the synthetic renderer rejects prompts matching " + rejectPrompts.get());
        }
      }
    }
    List<RenderResult> images = new ArrayList<>(rows.size());
    for (RenderRequest row : rows) {
      images.add(paint(row));
    }
    return images;
  }

  private RenderResult.Image paint(RenderRequest row) {
    int width = model.width();
    int height = model.height();
    int pixels = width * height;
    long mix = row.seed() * 0x9E3779B97F4A7C15L ^ row.prompt().hashCode();
    float[] rgb_CHW = new float[3 * pixels];
    for (int c = 0; c < 3; c++) {
      float base = (mix >>> (8 * c) & 0xFF) / 255f;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float ramp = (c == 0 ? x : c == 1 ? y : x + y) / (float) (width + height);
          // base + ramp is in [0, 2): the same as (base + ramp) % 1f (subtracting 1 is exact
          // there), without the float remainder, which the JIT compiles to a slow runtime call
          float value = base + ramp;
          rgb_CHW[c * pixels + y * width + x] = value >= 1f ? value - 1f : value;
        }
      }
    }
    return new RenderResult.Image(new GeneratedImage(width, height, rgb_CHW), 0, List.of());
  }

  private static void waitNanos(long nanos) {
    long deadline = System.nanoTime() + nanos;
    for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
