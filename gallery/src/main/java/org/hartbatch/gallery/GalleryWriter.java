package org.hartbatch.gallery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hartbatch.protocol.InvalidJobException;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.RenderJobCodec;
import org.hartbatch.protocol.events.CatalogCompleted;
import org.hartbatch.protocol.events.EventCodec;
import org.hartbatch.protocol.events.HartbatchEvent;
import org.hartbatch.protocol.events.InvalidEventException;
import org.hartbatch.protocol.events.JobSucceeded;
import org.hartbatch.protocol.topics.Topics;
import org.hartbatch.store.ImageStore;
import org.hartbatch.store.ObjectKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the jobs topic (for prompts) and the events topic (for image keys and {@code
 * catalog.completed}) and, for every completed catalog, writes its {@link ContactSheet} to the
 * store next to its images. It keeps no offsets: it reads both topics from the beginning at every
 * start and (re)writes the page of every completed catalog it finds, which is idempotent.
 *
 * <p>A completion can be read before the catalog's last jobs, because the two topics are read
 * independently; the page is written once the jobs topic has been read up to where it ended when
 * the completion was seen (every job of the catalog was written before that).
 */
public final class GalleryWriter implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GalleryWriter.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private final Map<String, Object> consumerConfig;
  private final Topics topics;
  private final ImageStore store;
  private final int maxEntries;
  private final Map<String, CatalogCollector> catalogs = new HashMap<>();
  private final List<Completion> completions = new ArrayList<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;

  /** A completed catalog whose page waits for the jobs topic to be read up to {@code jobsEnd}. */
  private record Completion(
      CatalogCompleted completed, Map<TopicPartition, Long> jobsEnd, Instant notBefore) {}

  public GalleryWriter(String bootstrapServers, Topics topics, ImageStore store, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException(
          "hartbatch.gallery.max-entries must be at least 1, was " + maxEntries);
    }
    this.consumerConfig =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.CLIENT_ID_CONFIG,
            "hartbatch-gallery");
    this.topics = topics;
    this.store = store;
    this.maxEntries = maxEntries;
  }

  @Override
  public void run() {
    try (KafkaConsumer<String, byte[]> kafka =
        new KafkaConsumer<>(
            consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer = kafka;
      List<TopicPartition> jobs = awaitPartitions(kafka, topics.jobs().name());
      List<TopicPartition> events = awaitPartitions(kafka, topics.events().name());
      List<TopicPartition> all = new ArrayList<>(jobs);
      all.addAll(events);
      kafka.assign(all);
      kafka.seekToBeginning(all);
      LOG.info("gallery writer reading {} and {}", topics.jobs().name(), topics.events().name());
      while (running) {
        for (ConsumerRecord<String, byte[]> record : kafka.poll(POLL)) {
          if (record.topic().equals(topics.jobs().name())) {
            onJob(record);
          } else {
            onEvent(record, kafka, jobs);
          }
        }
        writeReadyPages(kafka);
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      finished.countDown();
    }
  }

  private List<TopicPartition> awaitPartitions(KafkaConsumer<?, ?> kafka, String topic)
      throws InterruptedException {
    while (running) {
      List<TopicPartition> partitions =
          kafka.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      if (!partitions.isEmpty()) {
        return partitions;
      }
      LOG.info("waiting for topic {} to be created", topic);
      Thread.sleep(1000);
    }
    throw new WakeupException();
  }

  private void onJob(ConsumerRecord<String, byte[]> record) {
    try {
      RenderJob job = RenderJobCodec.decode(record.value());
      catalogs.computeIfAbsent(job.catalogId(), id -> new CatalogCollector(maxEntries)).onJob(job);
    } catch (InvalidJobException e) {
      // The workers send such records to the dead-letter topic; they never have an image.
      LOG.debug("skipping an invalid job at offset {}: {}", record.offset(), e.getMessage());
    }
  }

  private void onEvent(
      ConsumerRecord<String, byte[]> record,
      KafkaConsumer<String, byte[]> kafka,
      List<TopicPartition> jobs) {
    HartbatchEvent event;
    try {
      event = EventCodec.fromRecord(record);
    } catch (InvalidEventException e) {
      LOG.debug("skipping a record that is not an event: {}", e.getMessage());
      return;
    }
    if (event instanceof JobSucceeded succeeded) {
      catalogs
          .computeIfAbsent(succeeded.catalogId(), id -> new CatalogCollector(maxEntries))
          .onSucceeded(succeeded);
    } else if (event instanceof CatalogCompleted completed) {
      completions.add(new Completion(completed, kafka.endOffsets(jobs), Instant.EPOCH));
    }
  }

  private void writeReadyPages(KafkaConsumer<String, byte[]> kafka) {
    Instant now = Instant.now();
    List<Completion> retries = new ArrayList<>();
    for (Iterator<Completion> it = completions.iterator(); it.hasNext(); ) {
      Completion completion = it.next();
      if (completion.notBefore().isAfter(now) || !readUpTo(kafka, completion.jobsEnd())) {
        continue;
      }
      it.remove();
      String catalogId = completion.completed().catalogId();
      CatalogCollector collector =
          catalogs.getOrDefault(catalogId, new CatalogCollector(maxEntries));
      try {
        String key = write(completion.completed(), collector);
        catalogs.remove(catalogId);
        LOG.info("gallery of catalog {} written to {}", catalogId, key);
      } catch (RuntimeException e) {
        LOG.warn(
            "could not write the gallery of catalog {}, retrying: {}", catalogId, e.toString());
        retries.add(
            new Completion(completion.completed(), completion.jobsEnd(), now.plus(RETRY_AFTER)));
      }
    }
    completions.addAll(retries);
  }

  private static boolean readUpTo(KafkaConsumer<?, ?> kafka, Map<TopicPartition, Long> end) {
    return end.entrySet().stream()
        .allMatch(partition -> kafka.position(partition.getKey()) >= partition.getValue());
  }

  private String write(CatalogCompleted completed, CatalogCollector collector) {
    ObjectKeys keys = store.keys();
    String key =
        keys.catalogFileKey(
            collector.outputPrefix(), completed.catalogId(), ContactSheet.FILE_NAME);
    String html = ContactSheet.html(key, completed, collector.entries());
    store.putText(key, html, "text/html; charset=utf-8").join();
    return key;
  }

  /** Stops reading and waits for the loop to end. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    KafkaConsumer<?, ?> kafka = consumer;
    if (kafka != null) {
      kafka.wakeup();
    }
    finished.await(30, TimeUnit.SECONDS);
  }
}
