package org.hartbatch.protocol;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Small helpers for messages about Kafka records. */
public final class KafkaRecords {

  private KafkaRecords() {}

  /** Where a record was read from, as {@code topic-partition@offset}. */
  public static String position(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
