package org.hartbatch.ingest.catalog;

import java.util.ArrayList;
import java.util.List;

/** Splits one CSV record (RFC 4180: comma-separated, double-quoted, quotes doubled) into fields. */
final class CsvSplitter {

  /** Thrown for a record whose quoting cannot be read. */
  static final class MalformedCsvException extends Exception {
    MalformedCsvException(String message) {
      super(message);
    }
  }

  private CsvSplitter() {}

  /** Whether {@code text} ends inside a quoted field, so the record continues on the next line. */
  static boolean isOpen(String text) {
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '"') {
        quoted = !quoted;
      }
    }
    return quoted;
  }

  static List<String> split(String text) throws MalformedCsvException {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = text.length();
    while (true) {
      if (i < n && text.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            throw new MalformedCsvException("a quoted field is not closed");
          }
          char c = text.charAt(i++);
          if (c == '"') {
            if (i < n && text.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        if (i < n && text.charAt(i) != ',') {
          throw new MalformedCsvException(
              "unexpected character '"
                  + text.charAt(i)
                  + "' after a closing quote at column "
                  + (i + 1));
        }
      } else {
        while (i < n && text.charAt(i) != ',') {
          field.append(text.charAt(i++));
        }
      }
      fields.add(field.toString());
      field.setLength(0);
      if (i >= n) {
        return fields;
      }
      i++; // the comma
    }
  }
}
