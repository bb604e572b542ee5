package org.hartbatch.protocol.dlq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.hartbatch.protocol.InvalidJobException;
import org.hartbatch.protocol.RenderJobCodec;
import org.hartbatch.protocol.events.ErrorCode;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

  private static final Instant NOW = Instant.parse("2026-11-25T20:00:00Z");

  private static <K, V> ConsumerRecord<K, V> consumed(K key, V value, RecordHeaders headers) {
    return new ConsumerRecord<>(
        "hartbatch.jobs",
        3,
        1234L,
        0L,
        TimestampType.CREATE_TIME,
        -1,
        -1,
        key,
        value,
        headers,
        Optional.empty());
  }

  private static ConsumerRecord<byte[], byte[]> landed(ProducerRecord<byte[], byte[]> record) {
    return new ConsumerRecord<>(
        record.topic(),
        0,
        0L,
        0L,
        TimestampType.CREATE_TIME,
        -1,
        -1,
        record.key(),
        record.value(),
        new RecordHeaders(record.headers().toArray()),
        Optional.empty());
  }

  @Test
  void invalidJobKeepsTheOriginalBytesAndNamesEveryField() {
    byte[] value = "{\"jobId\":\"j1\",\"topK\":0}".getBytes(StandardCharsets.UTF_8);
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
    ConsumerRecord<String, byte[]> original = consumed("j1", value, headers);
    InvalidJobException invalid =
        assertThrows(InvalidJobException.class, () -> RenderJobCodec.decode(value));

    ProducerRecord<byte[], byte[]> record =
        DeadLetter.record("hartbatch.jobs.dlq", original, invalid, NOW);
    DeadLetter letter = DeadLetter.read(landed(record));

    assertEquals("hartbatch.jobs.dlq", record.topic());
    assertArrayEquals(value, letter.value());
    assertArrayEquals("j1".getBytes(StandardCharsets.UTF_8), letter.key());
    assertEquals("hartbatch.jobs", letter.sourceTopic());
    assertEquals(3, letter.sourcePartition());
    assertEquals(1234L, letter.sourceOffset());
    assertEquals(ErrorCode.INVALID_JOB, letter.errorCode());
    assertTrue(letter.field().startsWith("schemaVersion,catalogId,prompt"), letter.field());
    assertTrue(
        letter.reason().contains("topK: must be between 1 and 4096, was 0"), letter.reason());
    assertEquals(InvalidJobException.class.getName(), letter.exceptionClass());
    assertEquals(NOW, letter.failedAt());
    assertEquals("00-abc", new String(record.headers().lastHeader("traceparent").value()));
  }

  @Test
  void aRecordFailingAgainCarriesOnlyTheNewestError() {
    ConsumerRecord<byte[], byte[]> first =
        landed(
            DeadLetter.record(
                "dlq",
                consumed(null, new byte[] {1, 2}, new RecordHeaders()),
                ErrorCode.RENDER_FAILED,
                null,
                "NaN output",
                new ArithmeticException(),
                NOW));
    ConsumerRecord<byte[], byte[]> again =
        landed(
            DeadLetter.record(
                "dlq",
                first,
                ErrorCode.INTERNAL,
                "prompt",
                "second failure",
                null,
                NOW.plusSeconds(1)));
    DeadLetter letter = DeadLetter.read(again);
    assertEquals(1, countHeaders(again, DeadLetter.REASON));
    assertEquals("second failure", letter.reason());
    assertEquals("prompt", letter.field());
    assertNull(letter.exceptionClass());
    assertNull(letter.key());
    assertArrayEquals(new byte[] {1, 2}, letter.value());
  }

  @Test
  void longReasonsAreTruncated() {
    ProducerRecord<byte[], byte[]> record =
        DeadLetter.record(
            "dlq",
            consumed("k", "v", new RecordHeaders()),
            ErrorCode.INTERNAL,
            null,
            "x".repeat(10_000),
            null,
            NOW);
    assertEquals(
        DeadLetter.MAX_REASON_CHARS + 3, DeadLetter.read(landed(record)).reason().length());
  }

  @Test
  void recordsWithoutDeadLetterHeadersAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DeadLetter.read(consumed(null, new byte[0], new RecordHeaders())));
    assertTrue(e.getMessage().contains("hartbatch.jobs-3@1234"), e.getMessage());
  }

  @Test
  void onlyRawRecordsCanBeDeadLettered() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DeadLetter.record(
                "dlq",
                consumed(7L, "v", new RecordHeaders()),
                ErrorCode.INTERNAL,
                null,
                "r",
                null,
                NOW));
  }

  private static int countHeaders(ConsumerRecord<?, ?> record, String key) {
    int n = 0;
    for (var header : record.headers().headers(key)) {
      n++;
    }
    return n;
  }
}
