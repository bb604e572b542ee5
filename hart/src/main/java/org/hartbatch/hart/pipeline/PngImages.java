package org.hartbatch.hart.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * PNG encoding of generated images: 8-bit RGB, each row filtered with the PNG filter that makes its
 * bytes smallest in absolute value (the usual adaptive heuristic), zlib level 6, and Latin-1 {@code
 * tEXt} metadata, e.g. the model that made the image and whether its weights are random.
 *
 * <p>Each thread keeps its own {@link Deflater} and scratch buffers, so encoding a small image
 * allocates little more than the PNG it returns (the render worker encodes thousands per second).
 */
public final class PngImages {

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final int COMPRESSION_LEVEL = 6;
  private static final int BYTES_PER_PIXEL = 3;
  private static final int CHUNK_OVERHEAD = 12; // length, type, CRC
  private static final int IHDR_LENGTH = 13;

  /** Scratch buffers larger than this are not kept between calls. */
  private static final int MAX_KEPT_BUFFER = 1 << 20;

  private static final ThreadLocal<Encoder> ENCODERS = ThreadLocal.withInitial(Encoder::new);

  private PngImages() {}

  public static byte[] encode(GeneratedImage image, Map<String, String> text) {
    List<byte[]> textChunks = new ArrayList<>(text.size());
    text.forEach((key, value) -> textChunks.add(textData(key, value)));
    return ENCODERS.get().encode(image, textChunks);
  }

  /** The data of one {@code tEXt} chunk: key, NUL, value, in Latin-1. */
  private static byte[] textData(String key, String value) {
    byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
    byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
    if (k.length == 0 || k.length > 79) {
      throw new IllegalArgumentException("PNG text key must have 1 to 79 characters: " + key);
    }
    byte[] data = new byte[k.length + 1 + v.length];
    System.arraycopy(k, 0, data, 0, k.length);
    System.arraycopy(v, 0, data, k.length + 1, v.length);
    return data;
  }

  /** One thread's deflater and buffers. */
  private static final class Encoder {
    private final Deflater deflater = new Deflater(COMPRESSION_LEVEL);
    private final CRC32 crc = new CRC32();
    private byte[] filtered = new byte[0];
    private byte[] compressed = new byte[0];

    byte[] encode(GeneratedImage image, List<byte[]> textChunks) {
      int width = image.width();
      int height = image.height();
      if (width <= 0 || height <= 0) {
        throw new IllegalArgumentException(
            "a PNG needs at least one pixel: " + width + "x" + height);
      }
      byte[] rgb = image.rgb8();
      int rowBytes = width * BYTES_PER_PIXEL;
      int rawLength = height * (rowBytes + 1);
      byte[] raw = filtered.length >= rawLength ? filtered : new byte[rawLength];
      for (int y = 0; y < height; y++) {
        filterRow(
            rgb, y * rowBytes, y == 0 ? -1 : (y - 1) * rowBytes, rowBytes, raw, y * (rowBytes + 1));
      }
      int idatLength = deflate(raw, rawLength);
      if (raw.length <= MAX_KEPT_BUFFER) {
        filtered = raw;
      }

      int size = SIGNATURE.length + CHUNK_OVERHEAD + IHDR_LENGTH;
      for (byte[] chunk : textChunks) {
        size += CHUNK_OVERHEAD + chunk.length;
      }
      size += CHUNK_OVERHEAD + idatLength + CHUNK_OVERHEAD;
      byte[] png = new byte[size];
      System.arraycopy(SIGNATURE, 0, png, 0, SIGNATURE.length);
      int at = SIGNATURE.length;
      byte[] ihdr = new byte[IHDR_LENGTH];
      putInt(ihdr, 0, width);
      putInt(ihdr, 4, height);
      ihdr[8] = 8; // bit depth
      ihdr[9] = 2; // colour type: RGB; compression, filter and interlace methods 0
      at = chunk(png, at, "IHDR", ihdr, ihdr.length);
      for (byte[] chunk : textChunks) {
        at = chunk(png, at, "tEXt", chunk, chunk.length);
      }
      at = chunk(png, at, "IDAT", compressed, idatLength);
      if (compressed.length > MAX_KEPT_BUFFER) {
        compressed = new byte[0];
      }
      chunk(png, at, "IEND", compressed, 0);
      return png;
    }

    /** Compresses {@code raw[0, length)} into {@link #compressed}; returns the compressed size. */
    private int deflate(byte[] raw, int length) {
      deflater.reset();
      deflater.setInput(raw, 0, length);
      deflater.finish();
      if (compressed.length < 64) {
        compressed = new byte[Math.max(64, length / 2)];
      }
      int done = 0;
      while (!deflater.finished()) {
        if (done == compressed.length) {
          byte[] larger = new byte[compressed.length * 2];
          System.arraycopy(compressed, 0, larger, 0, done);
          compressed = larger;
        }
        done += deflater.deflate(compressed, done, compressed.length - done);
      }
      return done;
    }

    private int chunk(byte[] png, int at, String type, byte[] data, int length) {
      putInt(png, at, length);
      for (int i = 0; i < 4; i++) {
        png[at + 4 + i] = (byte) type.charAt(i);
      }
      System.arraycopy(data, 0, png, at + 8, length);
      crc.reset();
      crc.update(png, at + 4, 4 + length);
      putInt(png, at + 8 + length, (int) crc.getValue());
      return at + CHUNK_OVERHEAD + length;
    }
  }

  /**
   * Writes the filter type byte and the filtered bytes of one row to {@code out[at...]}: of the
   * five PNG filters, the one whose output has the smallest sum of absolute (signed) values.
   *
   * @param prior offset of the row above in {@code rgb}, or -1 for the first row
   */
  static void filterRow(byte[] rgb, int row, int prior, int length, byte[] out, int at) {
    long none = 0;
    long sub = 0;
    long up = 0;
    long average = 0;
    long paeth = 0;
    for (int i = 0; i < length; i++) {
      int x = rgb[row + i] & 0xFF;
      int a = i >= BYTES_PER_PIXEL ? rgb[row + i - BYTES_PER_PIXEL] & 0xFF : 0;
      int b = prior >= 0 ? rgb[prior + i] & 0xFF : 0;
      int c = prior >= 0 && i >= BYTES_PER_PIXEL ? rgb[prior + i - BYTES_PER_PIXEL] & 0xFF : 0;
      none += Math.abs((byte) x);
      sub += Math.abs((byte) (x - a));
      up += Math.abs((byte) (x - b));
      average += Math.abs((byte) (x - ((a + b) >>> 1)));
      paeth += Math.abs((byte) (x - paethPredictor(a, b, c)));
    }
    int type = 0;
    long best = none;
    long[] sums = {sub, up, average, paeth};
    for (int t = 1; t <= 4; t++) {
      if (sums[t - 1] < best) {
        best = sums[t - 1];
        type = t;
      }
    }
    out[at] = (byte) type;
    for (int i = 0; i < length; i++) {
      int x = rgb[row + i] & 0xFF;
      int a = i >= BYTES_PER_PIXEL ? rgb[row + i - BYTES_PER_PIXEL] & 0xFF : 0;
      int b = prior >= 0 ? rgb[prior + i] & 0xFF : 0;
      int c = prior >= 0 && i >= BYTES_PER_PIXEL ? rgb[prior + i - BYTES_PER_PIXEL] & 0xFF : 0;
      int predicted =
          switch (type) {
            case 0 -> 0;
            case 1 -> a;
            case 2 -> b;
            case 3 -> (a + b) >>> 1;
            default -> paethPredictor(a, b, c);
          };
      out[at + 1 + i] = (byte) (x - predicted);
    }
  }

  /** The PNG specification's Paeth predictor. */
  static int paethPredictor(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    if (pa <= pb && pa <= pc) {
      return a;
    }
    return pb <= pc ? b : c;
  }

  private static void putInt(byte[] out, int at, int value) {
    out[at] = (byte) (value >>> 24);
    out[at + 1] = (byte) (value >>> 16);
    out[at + 2] = (byte) (value >>> 8);
    out[at + 3] = (byte) value;
  }
}
