package org.hartbatch.worker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.protocol.InvalidJobException;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.RenderJobCodec;
import org.hartbatch.protocol.events.EventCodec;
import org.hartbatch.protocol.events.HartbatchEvent;
import org.hartbatch.protocol.topics.Topics;
import org.hartbatch.store.ImageStore;
import org.hartbatch.store.RetryPolicy;
import org.hartbatch.store.StoreConfig;
import org.hartbatch.worker.pipeline.RenderWorker;
import org.hartbatch.worker.pipeline.WorkerMetrics;
import org.hartbatch.worker.pipeline.WorkerSettings;
import org.hartbatch.worker.pipeline.WorkerStatus;
import org.hartbatch.worker.render.ModelInfo;
import org.hartbatch.worker.render.Renderer;
import org.hartbatch.worker.render.SyntheticRenderer;

/**
 * Topics in a real local Kafka, a bucket in a real local S3, and workers running against them in
 * this JVM; plus the producers and read_committed consumers that tests check them with.
 */
public final class WorkerFixture implements AutoCloseable {

  private static final Duration QUIET = Duration.ofSeconds(1);

  /** Held so that the levels stick: the embedded servers log only when something is wrong. */
  private static final List<java.util.logging.Logger> QUIET_LOGGERS =
      java.util.stream.Stream.of("org.apache.kafka", "kafka", "org.gaul", "org.eclipse.jetty")
          .map(java.util.logging.Logger::getLogger)
          .peek(logger -> logger.setLevel(java.util.logging.Level.WARNING))
          .toList();

  public static final ModelInfo MODEL = new ModelInfo("synthetic", "1", 16, 16);

  private final LocalKafka kafka;
  private final LocalS3 s3;
  private final String name;
  private final Topics topics;
  private final ImageStore store;
  private final KafkaProducer<byte[], byte[]> producer;
  private final List<Running> workers = new ArrayList<>();

  /**
   * @param name unique per test: prefixes topics, the bucket and the consumer group
   */
  public WorkerFixture(LocalKafka kafka, LocalS3 s3, String name, int partitions) {
    this.kafka = kafka;
    this.s3 = s3;
    this.name = name;
    this.topics =
        Topics.from(
            Map.of(
                "hartbatch.topics.jobs.name", name + ".jobs",
                "hartbatch.topics.events.name", name + ".events",
                "hartbatch.topics.catalogs.name", name + ".catalogs",
                "hartbatch.topics.dead-letters.name", name + ".dlq"));
    kafka.createTopic(topics.jobs().name(), partitions);
    kafka.createTopic(topics.events().name(), partitions);
    kafka.createTopic(topics.deadLetters().name(), 1);
    s3.createBucket(name);
    this.store = ImageStore.create(storeConfig());
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
  }

  public StoreConfig storeConfig() {
    return StoreConfig.local(s3.endpoint(), s3.region(), name, s3.accessKey(), s3.secretKey())
        .toBuilder()
        .retry(new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200)))
        .attemptTimeout(Duration.ofSeconds(5))
        .putClient(putClient())
        .build();
  }

  /** The store's default unless {@code -Dhartbatch.store.put-client} picks one (benchmarks). */
  private static StoreConfig.PutClient putClient() {
    String chosen = System.getProperty(StoreConfig.PREFIX + "put-client");
    return chosen == null ? null : StoreConfig.PutClient.valueOf(chosen.toUpperCase(Locale.ROOT));
  }

  public Topics topics() {
    return topics;
  }

  public ImageStore store() {
    return store;
  }

  public String group() {
    return name + "-workers";
  }

  /** Settings for a test worker: small batches, short waits, quick recovery. */
  public Settings settings(String instanceId) {
    return new Settings(instanceId);
  }

  /** A synthetic renderer with the given cost per batch, rejecting prompts containing POISON. */
  public static Renderer renderer(Duration costPerBatch) {
    return new SyntheticRenderer(
        MODEL, costPerBatch, Duration.ZERO, Optional.of(Pattern.compile("POISON")));
  }

  public Running start(WorkerSettings settings, Renderer renderer) {
    return start(settings, renderer, storeConfig());
  }

  public Running start(WorkerSettings settings, Renderer renderer, StoreConfig store) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WorkerStatus status = new WorkerStatus();
    ImageStore workerStore = ImageStore.create(store);
    RenderWorker worker =
        new RenderWorker(settings, renderer, workerStore, new WorkerMetrics(registry), status);
    Thread thread = new Thread(worker, "test-worker-" + settings.instanceId());
    thread.start();
    Running running = new Running(worker, workerStore, registry, status, thread);
    workers.add(running);
    return running;
  }

  /** The workers started so far, in order. */
  public List<Running> running() {
    return List.copyOf(workers);
  }

  public RenderJob job(String catalogId, int n, String prompt) {
    return RenderJob.builder()
        .jobId(catalogId + "-job-" + n)
        .catalogId(catalogId)
        .prompt(prompt)
        .seed((long) n)
        .model(MODEL.name())
        .submittedAt(Instant.now())
        .build();
  }

  public List<RenderJob> jobs(String catalogId, int count) {
    List<RenderJob> jobs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      jobs.add(job(catalogId, i, "a lighthouse at dusk, variation " + i));
    }
    return jobs;
  }

  public void send(List<RenderJob> jobs) {
    for (RenderJob job : jobs) {
      try {
        producer.send(
            new ProducerRecord<>(
                topics.jobs().name(),
                job.jobId().getBytes(StandardCharsets.UTF_8),
                RenderJobCodec.encode(job)));
      } catch (InvalidJobException e) {
        throw new IllegalArgumentException(e);
      }
    }
    producer.flush();
  }

  /** Sends to one partition, to check that a bad record does not hold up those behind it. */
  public void sendRaw(int partition, String key, byte[] value) {
    producer.send(
        new ProducerRecord<>(
            topics.jobs().name(),
            partition,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            value));
    producer.flush();
  }

  /**
   * Every committed event on the events topic, once at least {@code expected} have arrived and no
   * more came for a quiet second (so that duplicates would show).
   */
  public List<HartbatchEvent> awaitEvents(int expected, Duration timeout) {
    List<HartbatchEvent> events = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record :
        awaitRecords(topics.events().name(), expected, timeout)) {
      events.add(EventCodec.fromRecord(record));
    }
    return events;
  }

  public List<ConsumerRecord<byte[], byte[]>> awaitDeadLetters(int expected, Duration timeout) {
    return awaitRecords(topics.deadLetters().name(), expected, timeout);
  }

  /** The committed events now, without waiting for any. */
  public List<HartbatchEvent> eventsSoFar() {
    return awaitEvents(0, Duration.ZERO);
  }

  private List<ConsumerRecord<byte[], byte[]>> awaitRecords(
      String topic, int expected, Duration timeout) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic)) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      long lastChange = -1;
      while (true) {
        int before = records.size();
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        long now = System.nanoTime();
        if (records.size() >= expected) {
          if (lastChange < 0 || records.size() != before) {
            lastChange = now;
          }
          if (now - lastChange >= QUIET.toNanos()) {
            break;
          }
        } else if (now > deadline) {
          break;
        }
      }
      return records;
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Running worker : workers) {
      worker.stop();
    }
    producer.close();
    store.close();
  }

  /** A worker running on its own thread. */
  public record Running(
      RenderWorker worker,
      ImageStore store,
      SimpleMeterRegistry registry,
      WorkerStatus status,
      Thread thread) {

    public void stop() throws InterruptedException {
      worker.stop();
      thread.join(Duration.ofSeconds(30).toMillis());
      store.close();
    }

    public double counter(String name, String... tags) {
      var counter = registry.find(name).tags(tags).counter();
      return counter == null ? 0 : counter.count();
    }

    public double gauge(String name) {
      var gauge = registry.find(name).gauge();
      return gauge == null ? Double.NaN : gauge.value();
    }
  }

  /** Builds test {@link WorkerSettings}. */
  public final class Settings {
    private final String instanceId;
    private int maxBatch = 4;
    private Duration maxWait = Duration.ofMillis(50);
    private Duration grace = Duration.ofSeconds(10);
    private boolean staticMembership;

    private Settings(String instanceId) {
      this.instanceId = instanceId;
    }

    public Settings maxBatch(int maxBatch) {
      this.maxBatch = maxBatch;
      return this;
    }

    public Settings maxWait(Duration maxWait) {
      this.maxWait = maxWait;
      return this;
    }

    public Settings shutdownGrace(Duration grace) {
      this.grace = grace;
      return this;
    }

    public Settings staticMembership(boolean on) {
      this.staticMembership = on;
      return this;
    }

    public WorkerSettings build() {
      return new WorkerSettings(
          kafka.bootstrapServers(),
          group(),
          instanceId,
          staticMembership,
          maxBatch,
          maxWait,
          1,
          2,
          Duration.ofSeconds(5),
          grace,
          1000,
          Duration.ofMillis(100),
          Duration.ofMillis(500),
          2,
          topics,
          Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000"),
          Map.of());
    }
  }
}
