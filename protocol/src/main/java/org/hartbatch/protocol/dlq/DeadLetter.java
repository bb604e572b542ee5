package org.hartbatch.protocol.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.hartbatch.protocol.InvalidJobException;
import org.hartbatch.protocol.KafkaRecords;
import org.hartbatch.protocol.Violation;
import org.hartbatch.protocol.events.ErrorCode;

/**
 * A record that could not be processed, as kept on the dead-letter topic: the original key, value
 * and headers unchanged, plus {@code hartbatch.dlq.*} headers telling where it came from and why it
 * failed. Build one with {@link #record}; read one back with {@link #read}.
 *
 * @param key the original record key
 * @param value the original record value, byte for byte
 * @param sourceTopic topic the record was consumed from
 * @param sourcePartition its partition
 * @param sourceOffset its offset
 * @param errorCode kind of failure
 * @param field the offending field(s), comma-separated, or {@code null} when not about a field
 * @param reason human-readable reason
 * @param exceptionClass class of the exception that rejected the record, or {@code null}
 * @param failedAt when the record was rejected
 */
public record DeadLetter(
    byte[] key,
    byte[] value,
    String sourceTopic,
    int sourcePartition,
    long sourceOffset,
    ErrorCode errorCode,
    String field,
    String reason,
    String exceptionClass,
    Instant failedAt) {

  public static final String HEADER_PREFIX = "hartbatch.dlq.";
  public static final String SOURCE_TOPIC = HEADER_PREFIX + "source.topic";
  public static final String SOURCE_PARTITION = HEADER_PREFIX + "source.partition";
  public static final String SOURCE_OFFSET = HEADER_PREFIX + "source.offset";
  public static final String ERROR_CODE = HEADER_PREFIX + "error.code";
  public static final String FIELD = HEADER_PREFIX + "error.field";
  public static final String REASON = HEADER_PREFIX + "error.reason";
  public static final String EXCEPTION_CLASS = HEADER_PREFIX + "exception.class";
  public static final String FAILED_AT = HEADER_PREFIX + "failed.at";

  /** Header values are kept short; the original record is the full evidence. */
  public static final int MAX_REASON_CHARS = 2000;

  /**
   * The dead-letter record for {@code original}, which was rejected for {@code reason}.
   *
   * @param original the consumed record; its key and value must be {@code byte[]}, {@code String}
   *     or {@code null}
   * @param field the offending field(s), or {@code null}
   * @param cause the exception that rejected it, or {@code null}
   */
  public static ProducerRecord<byte[], byte[]> record(
      String deadLetterTopic,
      ConsumerRecord<?, ?> original,
      ErrorCode errorCode,
      String field,
      String reason,
      Throwable cause,
      Instant failedAt) {
    Headers headers = new RecordHeaders();
    for (Header header : original.headers()) {
      if (!header.key().startsWith(HEADER_PREFIX)) {
        headers.add(header);
      }
    }
    put(headers, SOURCE_TOPIC, original.topic());
    put(headers, SOURCE_PARTITION, Integer.toString(original.partition()));
    put(headers, SOURCE_OFFSET, Long.toString(original.offset()));
    put(headers, ERROR_CODE, errorCode.name());
    put(headers, FIELD, field);
    put(headers, REASON, truncate(reason));
    put(headers, EXCEPTION_CLASS, cause == null ? null : cause.getClass().getName());
    put(headers, FAILED_AT, failedAt.toString());
    return new ProducerRecord<>(
        deadLetterTopic, null, bytes(original.key()), bytes(original.value()), headers);
  }

  /** The dead-letter record of a job record that broke the job contract. */
  public static ProducerRecord<byte[], byte[]> record(
      String deadLetterTopic,
      ConsumerRecord<?, ?> original,
      InvalidJobException invalid,
      Instant failedAt) {
    String fields =
        invalid.violations().stream()
            .map(Violation::field)
            .distinct()
            .collect(Collectors.joining(","));
    return record(
        deadLetterTopic,
        original,
        ErrorCode.INVALID_JOB,
        fields,
        invalid.reasons(),
        invalid,
        failedAt);
  }

  /** Reads a record of the dead-letter topic. */
  public static DeadLetter read(ConsumerRecord<byte[], byte[]> record) {
    Headers headers = record.headers();
    String code = text(headers, ERROR_CODE);
    String failedAt = text(headers, FAILED_AT);
    String partition = text(headers, SOURCE_PARTITION);
    String offset = text(headers, SOURCE_OFFSET);
    if (partition == null || offset == null || failedAt == null || code == null) {
      throw new IllegalArgumentException(
          "record at "
              + KafkaRecords.position(record)
              + " lacks the hartbatch.dlq.* headers of a dead letter");
    }
    return new DeadLetter(
        record.key(),
        record.value(),
        text(headers, SOURCE_TOPIC),
        Integer.parseInt(partition),
        Long.parseLong(offset),
        errorCode(code),
        text(headers, FIELD),
        text(headers, REASON),
        text(headers, EXCEPTION_CLASS),
        Instant.parse(failedAt));
  }

  private static ErrorCode errorCode(String name) {
    try {
      return ErrorCode.valueOf(name);
    } catch (IllegalArgumentException e) {
      return ErrorCode.UNKNOWN;
    }
  }

  private static void put(Headers headers, String key, String value) {
    if (value != null) {
      headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String text(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static String truncate(String reason) {
    if (reason == null || reason.length() <= MAX_REASON_CHARS) {
      return reason;
    }
    return reason.substring(0, MAX_REASON_CHARS) + "...";
  }

  private static byte[] bytes(Object keyOrValue) {
    if (keyOrValue == null || keyOrValue instanceof byte[]) {
      return (byte[]) keyOrValue;
    }
    if (keyOrValue instanceof String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    throw new IllegalArgumentException(
        "dead letters keep raw records: consume with byte[] or String (de)serializers, not "
            + keyOrValue.getClass().getName());
  }
}
