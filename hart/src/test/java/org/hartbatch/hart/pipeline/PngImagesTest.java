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
