package org.hartbatch.hart.pipeline;

import com.pngencoder.PngEncoder;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * PNG encoding of generated images with the predictor-enabled {@code pngencoder} (much faster and
 * smaller than ImageIO's default) and Latin-1 {@code tEXt} metadata, e.g. the model that made the
 * image and whether its weights are random.
 */
public final class PngImages {
  private static final int SIGNATURE_AND_IHDR = 8 + 4 + 4 + 13 + 4;

  private PngImages() {}

  public static byte[] encode(GeneratedImage image, Map<String, String> text) {
    BufferedImage buffered =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) buffered.getRaster().getDataBuffer()).getData();
    byte[] rgb = image.rgb8();
    for (int i = 0; i < rgb.length; i += 3) {
      bgr[i] = rgb[i + 2];
      bgr[i + 1] = rgb[i + 1];
      bgr[i + 2] = rgb[i];
    }
    byte[] png =
        new PngEncoder()
            .withBufferedImage(buffered)
            .withPredictorEncoding(true)
            .withCompressionLevel(6)
            .withMultiThreadedCompressionEnabled(false)
            .toBytes();
    return text.isEmpty() ? png : withText(png, text);
  }

  /** Inserts one {@code tEXt} chunk per entry right after the IHDR chunk. */
  static byte[] withText(byte[] png, Map<String, String> text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + 256);
    out.write(png, 0, SIGNATURE_AND_IHDR);
    text.forEach(
        (key, value) -> {
          byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
          byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
          if (k.length == 0 || k.length > 79) {
            throw new IllegalArgumentException("PNG text key must have 1 to 79 characters: " + key);
          }
          byte[] data = new byte[k.length + 1 + v.length];
          System.arraycopy(k, 0, data, 0, k.length);
          System.arraycopy(v, 0, data, k.length + 1, v.length);
          writeChunk(out, "tEXt", data);
        });
    out.write(png, SIGNATURE_AND_IHDR, png.length - SIGNATURE_AND_IHDR);
    return out.toByteArray();
  }

  private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
