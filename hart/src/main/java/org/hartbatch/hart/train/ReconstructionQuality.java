package org.hartbatch.hart.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.hartbatch.hart.pipeline.GeneratedImage;
import org.hartbatch.hart.shapes.ContentCheck;
import org.hartbatch.hart.shapes.RgbImage;
import org.hartbatch.hart.shapes.Scene;

/**
 * How well a tokenizer reproduces data-set scenes, judged like generated images: each scene is
 * encoded, quantized and decoded to 8-bit RGB by the inference path, then given to {@link
 * ContentCheck}.
 *
 * @param scenes scenes judged
 * @param colourCellAndBackground fraction whose colours, cells and background all pass
 * @param kinds fraction whose shapes are all recognised as the right kind
 * @param pixels fraction of pixels whose nearest named colour equals the original's
 */
public record ReconstructionQuality(
    int scenes, double colourCellAndBackground, double kinds, double pixels) {

  /** Quality of the discrete reconstruction and of the continuous one. */
  public record Both(ReconstructionQuality discrete, ReconstructionQuality continuous) {}

  /** Judges the reconstructions of {@code scenes} drawn at {@code size}, in batches of 16. */
  public static Both measure(ImageTokenizer tokenizer, List<Scene> scenes, int size) {
    List<RgbImage> discrete = new ArrayList<>();
    List<RgbImage> continuous = new ArrayList<>();
    for (int from = 0; from < scenes.size(); from += 16) {
      List<RgbImage> originals = new ArrayList<>();
      for (Scene scene : scenes.subList(from, Math.min(scenes.size(), from + 16))) {
        originals.add(scene.render(size));
      }
      try (NDManager scratch = NDManager.newBaseManager();
          ImageTokenizer.Tokens tokens = tokenizer.encode(originals, scratch);
          NDArray fHat = tokens.fHat_BCPP();
          NDArray f = fHat.add(tokens.residual_BCPP())) {
        discrete.addAll(toImages(tokenizer.decode(fHat)));
        continuous.addAll(toImages(tokenizer.decode(f)));
      }
    }
    return new Both(judge(discrete, scenes, size), judge(continuous, scenes, size));
  }

  static ReconstructionQuality judge(List<RgbImage> images, List<Scene> scenes, int size) {
    int cells = 0;
    int kinds = 0;
    long agreeing = 0;
    for (int i = 0; i < scenes.size(); i++) {
      RgbImage original = scenes.get(i).render(size);
      ContentCheck.Verdict verdict = ContentCheck.judge(images.get(i), scenes.get(i));
      cells += verdict.colourCellAndBackground() ? 1 : 0;
      kinds += verdict.kinds() ? 1 : 0;
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          agreeing += images.get(i).nearestColour(x, y) == original.nearestColour(x, y) ? 1 : 0;
        }
      }
    }
    double n = scenes.size();
    return new ReconstructionQuality(
        scenes.size(), cells / n, kinds / n, agreeing / (n * size * size));
  }

  private static List<RgbImage> toImages(NDArray unit_B3HW) {
    try (unit_B3HW) {
      int batch = (int) unit_B3HW.getShape().get(0);
      int h = (int) unit_B3HW.getShape().get(2);
      int w = (int) unit_B3HW.getShape().get(3);
      float[] all = unit_B3HW.toFloatArray();
      List<RgbImage> images = new ArrayList<>(batch);
      int plane = 3 * h * w;
      for (int b = 0; b < batch; b++) {
        float[] one = new float[plane];
        System.arraycopy(all, b * plane, one, 0, plane);
        images.add(new RgbImage(w, h, new GeneratedImage(w, h, one).rgb8()));
      }
      return images;
    }
  }
}
