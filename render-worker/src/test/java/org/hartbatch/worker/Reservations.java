package org.hartbatch.worker;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.worker.pipeline.PartitionProgress;

/** Commits offsets the way a worker that then died would have. */
final class Reservations {

  private Reservations() {}

  static void commit(
      LocalKafka kafka, String group, String topic, int partition, long offset, long reserved) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
      consumer.commitSync(
          Map.of(
              new TopicPartition(topic, partition),
              new OffsetAndMetadata(offset, PartitionProgress.RESERVATION_PREFIX + reserved)));
    }
  }
}
