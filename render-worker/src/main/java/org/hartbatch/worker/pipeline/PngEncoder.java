package org.hartbatch.worker.pipeline;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes 8-bit RGB PNGs. Every row uses the Sub filter (difference to the pixel on the left), which
 * compresses smooth images well at a fraction of the cost of trying every filter.
 */
public final class PngEncoder {

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final int BYTES_PER_PIXEL = 3;
  private static final byte FILTER_SUB = 1;

  private final int compressionLevel;

  /**
   * @param compressionLevel zlib level 0-9; 1-3 are fast and near the size of 9 for renders
   */
  public PngEncoder(int compressionLevel) {
    if (compressionLevel < 0 || compressionLevel > 9) {
      throw new IllegalArgumentException(
          "PNG compression level must be between 0 and 9, was " + compressionLevel);
    }
    this.compressionLevel = compressionLevel;
  }

  public byte[] encode(int width, int height, byte[] rgb) {
    int stride = width * BYTES_PER_PIXEL;
    if (rgb.length != stride * height) {
      throw new IllegalArgumentException(
          "expected " + stride * height + " RGB bytes for " + width + "x" + height);
    }
    byte[] filtered = new byte[(stride + 1) * height];
    for (int y = 0; y < height; y++) {
      int in = y * stride;
      int out = y * (stride + 1);
      filtered[out++] = FILTER_SUB;
      System.arraycopy(rgb, in, filtered, out, BYTES_PER_PIXEL);
      for (int x = BYTES_PER_PIXEL; x < stride; x++) {
        filtered[out + x] = (byte) (rgb[in + x] - rgb[in + x - BYTES_PER_PIXEL]);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream(filtered.length / 2 + 128);
    png.writeBytes(SIGNATURE);
    ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height);
    header.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(png, "IHDR", header.array(), header.position());
    byte[] compressed = deflate(filtered);
    chunk(png, "IDAT", compressed, compressed.length);
    chunk(png, "IEND", new byte[0], 0);
    return png.toByteArray();
  }

  private byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(compressionLevel);
    try {
      deflater.setInput(data);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
      byte[] buffer = new byte[64 * 1024];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static void chunk(ByteArrayOutputStream png, String type, byte[] data, int length) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    png.writeBytes(ByteBuffer.allocate(4).putInt(length).array());
    png.writeBytes(typeBytes);
    png.write(data, 0, length);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data, 0, length);
    png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
