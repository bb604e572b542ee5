package org.hartbatch.ingest.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads an input stream line by line as raw bytes, holding at most one line (up to a limit) in
 * memory. A line longer than the limit is skipped to its end and reported as too long.
 */
final class LineReader {

  static final int END = -1;
  static final int TOO_LONG = -2;

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] chunk = new byte[64 * 1024];
  private int chunkPos;
  private int chunkEnd;
  private byte[] line = new byte[1024];
  private boolean atStart = true;

  LineReader(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** The bytes of the line {@link #next()} returned; valid until the next call. */
  byte[] line() {
    return line;
  }

  /**
   * Reads the next line, without its line terminator ({@code \n} or {@code \r\n}).
   *
   * @return its length in {@link #line()}, {@link #END} after the last line, or {@link #TOO_LONG}
   */
  int next() throws IOException {
    int length = 0;
    boolean tooLong = false;
    boolean sawAny = false;
    while (true) {
      if (chunkPos == chunkEnd && !fill()) {
        if (!sawAny) {
          return END;
        }
        break;
      }
      sawAny = true;
      int start = chunkPos;
      int newline = indexOfNewline(start);
      int end = newline < 0 ? chunkEnd : newline;
      int take = end - start;
      if (!tooLong) {
        if (length + take > maxLineBytes) {
          tooLong = true;
        } else {
          ensureCapacity(length + take);
          System.arraycopy(chunk, start, line, length, take);
          length += take;
        }
      }
      chunkPos = newline < 0 ? chunkEnd : newline + 1;
      if (newline >= 0) {
        break;
      }
    }
    if (tooLong) {
      return TOO_LONG;
    }
    if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    if (atStart) {
      atStart = false;
      if (length >= 3
          && (line[0] & 0xff) == 0xEF
          && (line[1] & 0xff) == 0xBB
          && (line[2] & 0xff) == 0xBF) {
        System.arraycopy(line, 3, line, 0, length - 3);
        length -= 3;
      }
    }
    return length;
  }

  private boolean fill() throws IOException {
    int n = in.read(chunk);
    while (n == 0) {
      n = in.read(chunk);
    }
    if (n < 0) {
      return false;
    }
    chunkPos = 0;
    chunkEnd = n;
    return true;
  }

  private int indexOfNewline(int from) {
    for (int i = from; i < chunkEnd; i++) {
      if (chunk[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void ensureCapacity(int size) {
    if (size > line.length) {
      line = Arrays.copyOf(line, Math.max(size, Math.min(maxLineBytes, line.length * 2)));
    }
  }
}
