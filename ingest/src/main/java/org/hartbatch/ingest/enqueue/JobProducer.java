package org.hartbatch.ingest.enqueue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hartbatch.protocol.InvalidJobException;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.RenderJobCodec;
import org.hartbatch.protocol.events.EventCodec;
import org.hartbatch.protocol.events.HartbatchEvent;
import org.hartbatch.protocol.topics.Topics;

/**
 * Writes jobs and catalog manifests to Kafka, tuned for volume: idempotent (a retried batch is not
 * duplicated), acks from all replicas, LZ4-compressed batches of up to 512 KiB that wait up to 20
 * ms to fill. Any of these can be overridden with the usual {@code kafka.*} producer settings.
 */
public final class JobProducer implements AutoCloseable {

  /** Throughput settings; the caller's configuration overrides them. */
  static final Map<String, Object> VOLUME_SETTINGS =
      Map.of(
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
          true,
          ProducerConfig.ACKS_CONFIG,
          "all",
          ProducerConfig.COMPRESSION_TYPE_CONFIG,
          "lz4",
          ProducerConfig.LINGER_MS_CONFIG,
          20,
          ProducerConfig.BATCH_SIZE_CONFIG,
          512 * 1024,
          ProducerConfig.BUFFER_MEMORY_CONFIG,
          128L * 1024 * 1024,
          ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
          5);

  private final Producer<String, byte[]> producer;
  private final Topics topics;

  public JobProducer(Map<String, Object> kafkaConfig, Topics topics) {
    Map<String, Object> config = new HashMap<>(VOLUME_SETTINGS);
    config.putAll(kafkaConfig);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "hartbatch-ingest");
    this.producer = new KafkaProducer<>(config);
    this.topics = topics;
  }

  /** Tracks the sends of one submission so it can wait for all of them to be acknowledged. */
  public final class Batch {
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();

    /** Sends a job; blocks only while the producer's buffer is full. */
    public void send(RenderJob job) throws InvalidJobException {
      ProducerRecord<String, byte[]> record = RenderJobCodec.toRecord(topics.jobs().name(), job);
      sent.incrementAndGet();
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              acknowledged.incrementAndGet();
            } else {
              firstError.compareAndSet(null, error);
              failed.incrementAndGet();
            }
          });
    }

    /**
     * Waits until every job sent is acknowledged.
     *
     * @throws EnqueueFailedException when any could not be written
     */
    public void await(Duration timeout) throws InterruptedException {
      producer.flush();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (acknowledged.get() + failed.get() < sent.get()) {
        if (System.nanoTime() > deadline) {
          throw new EnqueueFailedException(
              (sent.get() - acknowledged.get()) + " jobs were not acknowledged in " + timeout,
              null);
        }
        Thread.sleep(1);
      }
      if (failed.get() > 0) {
        throw new EnqueueFailedException(
            failed.get() + " of " + sent.get() + " jobs could not be written to Kafka",
            firstError.get());
      }
    }

    public long sent() {
      return sent.get();
    }
  }

  public Batch batch() {
    return new Batch();
  }

  /** Publishes an event on the catalogs topic and waits for the broker's acknowledgement. */
  public void publishCatalogEvent(HartbatchEvent event, Duration timeout)
      throws InterruptedException {
    try {
      producer
          .send(EventCodec.toRecord(topics.catalogs().name(), event))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new EnqueueFailedException(
          "the catalog manifest could not be written to Kafka: " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new EnqueueFailedException(
          "the catalog manifest was not acknowledged in " + timeout, e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
