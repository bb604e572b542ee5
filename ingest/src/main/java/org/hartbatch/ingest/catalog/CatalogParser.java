package org.hartbatch.ingest.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hartbatch.ingest.catalog.CsvSplitter.MalformedCsvException;
import org.hartbatch.protocol.Violation;

/**
 * Reads a catalog from a stream, one line at a time, and reports every line to a {@link LineSink}
 * as a job or as a rejection. Memory use is bounded by the longest allowed line (plus the ids of
 * lines that name one, to refuse duplicates), never by the catalog's size.
 */
public final class CatalogParser {

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final CatalogFormat format;
  private final CatalogDefaults defaults;
  private final int maxLineBytes;
  private final long maxLines;

  public CatalogParser(
      CatalogFormat format, CatalogDefaults defaults, int maxLineBytes, long maxLines) {
    this.format = format;
    this.defaults = defaults;
    this.maxLineBytes = maxLineBytes;
    this.maxLines = maxLines;
  }

  /**
   * Reads {@code in} to its end.
   *
   * @throws CatalogFormatException when the catalog as a whole is unreadable (CSV header)
   */
  public void parse(InputStream in, LineSink sink) throws IOException, CatalogFormatException {
    LineReader lines = new LineReader(in, maxLineBytes);
    JobLineMapper mapper = new JobLineMapper(defaults);
    if (format == CatalogFormat.JSONL) {
      parseJsonLines(lines, mapper, sink);
    } else {
      parseCsv(lines, mapper, sink);
    }
  }

  /**
   * Reads one job given as a JSON object (the fields of a catalog line) as line 1 of the catalog.
   *
   * @param fallbackId the job's client id when the object has no {@code id}, or {@code null}
   */
  public void parseJob(byte[] json, String fallbackId, LineSink sink) {
    mapJson(1, json, json.length, new JobLineMapper(defaults), fallbackId, sink);
  }

  private void parseJsonLines(LineReader lines, JobLineMapper mapper, LineSink sink)
      throws IOException {
    long lineNumber = 0;
    for (int length = lines.next(); length != LineReader.END; length = lines.next()) {
      lineNumber++;
      if (length == LineReader.TOO_LONG) {
        sink.reject(lineNumber, List.of(tooLong()));
      } else if (!isBlank(lines.line(), length) && withinLimit(lineNumber, sink)) {
        mapJson(lineNumber, lines.line(), length, mapper, null, sink);
      }
    }
  }

  private void mapJson(
      long lineNumber,
      byte[] line,
      int length,
      JobLineMapper mapper,
      String fallbackId,
      LineSink sink) {
    JsonNode tree;
    try {
      tree = JSON.readTree(line, 0, length);
    } catch (JsonProcessingException e) {
      sink.reject(
          lineNumber,
          List.of(
              new Violation(
                  "$",
                  "json",
                  "not valid JSON: "
                      + e.getOriginalMessage()
                      + " at column "
                      + e.getLocation().getColumnNr())));
      return;
    } catch (IOException e) {
      throw new IllegalStateException("reading from a byte array cannot fail", e);
    }
    if (!tree.isObject()) {
      sink.reject(
          lineNumber,
          List.of(new Violation("$", "json", "must be a JSON object with at least a prompt")));
      return;
    }
    JobLineMapper.Fields fields = new JobLineMapper.Fields();
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      fields.readJson(field.getKey(), field.getValue());
    }
    if (fallbackId != null && !fields.values.containsKey(LineField.ID)) {
      fields.set(LineField.ID, "Idempotency-Key", fallbackId);
    }
    mapper.map(lineNumber, fields, sink);
  }

  private void parseCsv(LineReader lines, JobLineMapper mapper, LineSink sink)
      throws IOException, CatalogFormatException {
    int length = lines.next();
    while (length == 0) {
      length = lines.next();
    }
    if (length == LineReader.END) {
      throw new CatalogFormatException("the CSV catalog is empty: it needs a header row");
    }
    if (length == LineReader.TOO_LONG) {
      throw new CatalogFormatException(
          "the CSV header row is longer than " + maxLineBytes + " bytes");
    }
    List<Column> columns = header(text(lines.line(), length));
    long lineNumber = 1;
    while (true) {
      length = lines.next();
      if (length == LineReader.END) {
        return;
      }
      lineNumber++;
      long recordLine = lineNumber;
      if (length == LineReader.TOO_LONG) {
        sink.reject(recordLine, List.of(tooLong()));
        continue;
      }
      String record = text(lines.line(), length);
      while (CsvSplitter.isOpen(record) && record.length() <= maxLineBytes) {
        length = lines.next();
        if (length < 0) {
          break;
        }
        lineNumber++;
        record = record + "\n" + text(lines.line(), length);
      }
      if (record.isBlank() || !withinLimit(recordLine, sink)) {
        continue;
      }
      if (record.length() > maxLineBytes) {
        sink.reject(recordLine, List.of(tooLong()));
        continue;
      }
      mapCsv(recordLine, record, columns, mapper, sink);
      if (length < 0) {
        return;
      }
    }
  }

  private void mapCsv(
      long lineNumber, String record, List<Column> columns, JobLineMapper mapper, LineSink sink) {
    List<String> cells;
    try {
      cells = CsvSplitter.split(record);
    } catch (MalformedCsvException e) {
      sink.reject(lineNumber, List.of(new Violation("$", "csv", e.getMessage())));
      return;
    }
    if (cells.size() != columns.size()) {
      sink.reject(
          lineNumber,
          List.of(
              new Violation(
                  "$",
                  "columns",
                  "has " + cells.size() + " fields, the header has " + columns.size())));
      return;
    }
    JobLineMapper.Fields fields = new JobLineMapper.Fields();
    for (int i = 0; i < cells.size(); i++) {
      Column column = columns.get(i);
      String cell = cells.get(i);
      if (column.field() != null) {
        fields.readText(column.name(), column.field(), cell);
      } else if (!cell.isEmpty()) {
        fields.metadata.put(column.metadataKey(), cell);
      }
    }
    mapper.map(lineNumber, fields, sink);
  }

  /** A CSV column: a line field, or a metadata entry ({@code meta.<key>}). */
  private record Column(String name, LineField field, String metadataKey) {}

  private static List<Column> header(String row) throws CatalogFormatException {
    List<String> names;
    try {
      names = CsvSplitter.split(row);
    } catch (MalformedCsvException e) {
      throw new CatalogFormatException("the CSV header row cannot be read: " + e.getMessage());
    }
    List<Column> columns = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<String> unknown = new ArrayList<>();
    for (String raw : names) {
      String name = raw.trim();
      if (!seen.add(name)) {
        throw new CatalogFormatException("the CSV header names column '" + name + "' twice");
      }
      LineField field = LineField.named(name);
      if (field == LineField.METADATA) {
        field = null;
      }
      if (field != null) {
        columns.add(new Column(name, field, null));
      } else if (name.startsWith(LineField.CSV_METADATA_PREFIX)
          && name.length() > LineField.CSV_METADATA_PREFIX.length()) {
        columns.add(new Column(name, null, name.substring(LineField.CSV_METADATA_PREFIX.length())));
      } else {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new CatalogFormatException(
          "the CSV header has unknown columns "
              + unknown
              + "; known: "
              + LineField.KNOWN_NAMES.replace(", metadata", "")
              + ", and meta.<key> for metadata");
    }
    if (columns.stream().noneMatch(c -> c.field() == LineField.PROMPT)) {
      throw new CatalogFormatException("the CSV header has no 'prompt' column");
    }
    return columns;
  }

  private boolean withinLimit(long lineNumber, LineSink sink) {
    if (lineNumber <= maxLines) {
      return true;
    }
    sink.reject(
        lineNumber,
        List.of(
            new Violation("$", "max-lines", "the catalog is longer than " + maxLines + " lines")));
    return false;
  }

  private Violation tooLong() {
    return new Violation("$", "max-length", "the line is longer than " + maxLineBytes + " bytes");
  }

  private static boolean isBlank(byte[] line, int length) {
    for (int i = 0; i < length; i++) {
      if (line[i] != ' ' && line[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] line, int length) {
    return new String(line, 0, length, StandardCharsets.UTF_8);
  }
}
