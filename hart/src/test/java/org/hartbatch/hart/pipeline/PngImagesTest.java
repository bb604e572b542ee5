package org.hartbatch.hart.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngImagesTest {

  @Test
  void pixelsAndTextSurviveARoundTrip() throws Exception {
    int w = 3;
    int h = 2;
    float[] rgb = new float[3 * w * h];
    for (int i = 0; i < w * h; i++) {
      rgb[i] = i / 5f; // red ramp
      rgb[w * h + i] = 1f; // green full
      rgb[2 * w * h + i] = 0f; // blue off
    }
    GeneratedImage image = new GeneratedImage(w, h, rgb);
    byte[] png = PngImages.encode(image, Map.of("Warning", "random weights"));
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(w, decoded.getWidth());
    assertEquals(h, decoded.getHeight());
    int[] argb = image.argb();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        assertEquals(argb[y * w + x], decoded.getRGB(x, y), "pixel " + x + "," + y);
      }
    }
    assertEquals(0xFF33FF00, argb[1]); // 0.2 -> 51
    String raw = new String(png, StandardCharsets.ISO_8859_1);
    assertTrue(raw.contains("tEXtWarning\0random weights"), "text chunk is present");
  }

  @Test
  void everyFilterTypeDecodesToTheSamePixels() throws Exception {
    // noise, flat areas, horizontal and vertical ramps: rows where each of the five filters wins
    int w = 37;
    int h = 29;
    java.util.Random random = new java.util.Random(7);
    float[] rgb = new float[3 * w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        rgb[i] = y % 4 == 0 ? random.nextFloat() : x / (float) w;
        rgb[w * h + i] = y % 4 == 1 ? 0.5f : y / (float) h;
        rgb[2 * w * h + i] = y % 4 == 2 ? random.nextFloat() : (x + y) / (float) (w + h);
      }
    }
    assertDecodesTo(
        new GeneratedImage(w, h, rgb), PngImages.encode(new GeneratedImage(w, h, rgb), Map.of()));
    java.util.Set<Integer> filters = new java.util.HashSet<>();
    byte[] image = new GeneratedImage(w, h, rgb).rgb8();
    byte[] row = new byte[3 * w + 1];
    for (int y = 0; y < h; y++) {
      PngImages.filterRow(image, y * 3 * w, y == 0 ? -1 : (y - 1) * 3 * w, 3 * w, row, 0);
      filters.add((int) row[0]);
    }
    assertTrue(filters.size() >= 3, "rows of different kinds choose different filters: " + filters);
  }

  @Test
  void buffersKeptFromALargerImageDoNotLeakIntoASmallerOne() throws Exception {
    GeneratedImage large = gradient(300, 200, 0.1f); // 180 kB of pixels, over the kept size
    GeneratedImage huge = gradient(700, 600, 0.3f); // over 1 MB: buffers not kept
    GeneratedImage small = gradient(5, 4, 0.7f);
    byte[] alone = PngImages.encode(small, Map.of("Source", "test"));
    assertDecodesTo(large, PngImages.encode(large, Map.of()));
    assertDecodesTo(huge, PngImages.encode(huge, Map.of()));
    byte[] after = PngImages.encode(small, Map.of("Source", "test"));
    assertDecodesTo(small, after);
    org.junit.jupiter.api.Assertions.assertArrayEquals(alone, after);
  }

  @Test
  void imagesEncodedOnManyThreadsAtOnceAreEachRight() throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int i = 0; i < 64; i++) {
        GeneratedImage image = gradient(16 + i % 5, 16, i / 64f);
        done.add(
            pool.submit(
                () -> {
                  assertDecodesTo(image, PngImages.encode(image, Map.of("n", "v")));
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static GeneratedImage gradient(int w, int h, float base) {
    float[] rgb = new float[3 * w * h];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < w * h; i++) {
        float v = base + c * 0.2f + (i % w) / (float) w * 0.5f + (i / w) / (float) h * 0.25f;
        rgb[c * w * h + i] = v % 1f;
      }
    }
    return new GeneratedImage(w, h, rgb);
  }

  private static void assertDecodesTo(GeneratedImage image, byte[] png) throws Exception {
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(image.width(), decoded.getWidth());
    assertEquals(image.height(), decoded.getHeight());
    int[] argb = image.argb();
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        assertEquals(argb[y * image.width() + x], decoded.getRGB(x, y), "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void anInvalidTextKeyIsRefused() {
    GeneratedImage image = new GeneratedImage(1, 1, new float[3]);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PngImages.encode(image, Map.of("", "x")));
    assertTrue(e.getMessage().contains("key"), e.getMessage());
  }

  @Test
  void anImageNeedsThreeValuesPerPixel() {
    assertThrows(IllegalArgumentException.class, () -> new GeneratedImage(2, 2, new float[11]));
  }
}
