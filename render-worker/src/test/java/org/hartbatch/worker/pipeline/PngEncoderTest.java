package org.hartbatch.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {

  @Test
  void writesAPngThatDecodesToTheSamePixels() throws Exception {
    int width = 37;
    int height = 5;
    byte[] rgb = new byte[width * height * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) (i * 31 + i / 7);
    }

    BufferedImage image =
        ImageIO.read(new ByteArrayInputStream(new PngEncoder(6).encode(width, height, rgb)));

    assertEquals(width, image.getWidth());
    assertEquals(height, image.getHeight());
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = (y * width + x) * 3;
        int expected = (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | rgb[i + 2] & 0xFF;
        assertEquals(expected, image.getRGB(x, y) & 0xFFFFFF, "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void refusesPixelsThatDoNotMatchTheSize() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class, () -> new PngEncoder(1).encode(2, 2, new byte[11]));
    assertEquals("expected 12 RGB bytes for 2x2", error.getMessage());
  }
}
