package org.hartbatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hartbatch.gallery.GalleryWriter;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.ops.testing.ServiceProcess;
import org.hartbatch.protocol.JobIds;
import org.hartbatch.protocol.events.CatalogCompleted;
import org.hartbatch.protocol.events.EventCodec;
import org.hartbatch.protocol.events.HartbatchEvent;
import org.hartbatch.protocol.events.JobFailed;
import org.hartbatch.protocol.events.JobSucceeded;
import org.hartbatch.protocol.topics.Topics;
import org.hartbatch.store.ImageStore;
import org.hartbatch.store.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The path of {@code ops/bin/run-local}: a catalog goes to the packaged ingest service, the
 * packaged render-worker renders it into S3, events come back, the catalog completes and the
 * gallery writer puts its contact sheet next to the images. Submitting the catalog again renders
 * nothing again.
 */
class EndToEndTest {

  private static final String BUCKET = "e2e-images";
  private static final String TOKEN = "e2e-token";
  private static final String MODEL = "builtin-shapes";
  private static final String CATALOG_ID = "e2e-shapes";
  private static final List<String> LINE_IDS = List.of("a", "b", "c", "d", "e", "f");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path work;

  @Test
  void aCatalogIsRenderedOnceAndGetsAGallery() throws Exception {
    Topics topics = Topics.defaults();
    try (LocalKafka kafka = LocalKafka.start();
        LocalS3 s3 = LocalS3.start(work.resolve("s3"), BUCKET);
        ImageStore store =
            ImageStore.create(
                StoreConfig.local(
                    s3.endpoint(), s3.region(), BUCKET, s3.accessKey(), s3.secretKey()));
        ServiceProcess ingest = service("ingest", "ingest.jar", ingestSettings(kafka));
        EventLog events = new EventLog(kafka, topics.events().name())) {
      ingest.awaitReady(Duration.ofMinutes(2)); // it creates the topics
      try (ServiceProcess worker =
              service("render-worker", "worker.jar", workerSettings(kafka, s3));
          GalleryWriter gallery = new GalleryWriter(kafka.bootstrapServers(), topics, store, 100)) {
        Thread galleryLoop = new Thread(gallery, "gallery");
        galleryLoop.start();
        worker.awaitReady(Duration.ofMinutes(2));
        awaitProgressReadable(ingest);

        assertEquals(202, submit(ingest).statusCode());
        events.readUntil(e -> e instanceof CatalogCompleted, Duration.ofSeconds(90));

        Set<String> jobIds =
            LINE_IDS.stream()
                .map(id -> JobIds.forKey(CATALOG_ID, id))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(jobIds, events.succeededJobIds(), "one job.succeeded per job");
        assertEquals(1, events.count(CatalogCompleted.class), "one catalog.completed");
        CatalogCompleted completed = events.first(CatalogCompleted.class);
        assertEquals(LINE_IDS.size(), completed.succeeded());
        assertEquals(0, completed.failed());

        String page = awaitObject(s3, CATALOG_ID + "/index.html");
        jobIds.forEach(id -> assertTrue(page.contains(id), "gallery shows job " + id));
        Set<String> expectedKeys = new TreeSet<>();
        jobIds.forEach(id -> expectedKeys.add(CATALOG_ID + "/" + id + ".png"));
        expectedKeys.add(CATALOG_ID + "/index.html");
        assertEquals(expectedKeys, objectKeys(s3), "one image per job, and the gallery");

        // the same catalog again: accepted as a duplicate, nothing rendered twice
        HttpResponse<String> again = submit(ingest);
        assertEquals(200, again.statusCode(), again.body());
        assertTrue(again.body().contains("\"duplicate\":true"), again.body());
        events.readFor(Duration.ofSeconds(3));
        assertEquals(LINE_IDS.size(), events.count(JobSucceeded.class), "no job rendered twice");
        assertEquals(0, events.count(JobFailed.class));
        assertEquals(1, events.count(CatalogCompleted.class));
        assertEquals(expectedKeys, objectKeys(s3));
      }
    }
  }

  /** Ready ingest may still be starting its Streams thread; an answer for the catalog says not. */
  private static void awaitProgressReadable(ServiceProcess ingest) throws Exception {
    HttpRequest progress =
        HttpRequest.newBuilder(ingest.uri("/v1/catalogs/" + CATALOG_ID))
            .header("Authorization", "Bearer " + TOKEN)
            .build();
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (HTTP.send(progress, HttpResponse.BodyHandlers.discarding()).statusCode() != 404) {
      assertTrue(System.nanoTime() < deadline, "ingest's progress store not readable within 1 min");
      Thread.sleep(250);
    }
  }

  private HttpResponse<String> submit(ServiceProcess ingest) throws Exception {
    String catalog =
        LINE_IDS.stream()
            .map(
                id ->
                    "{\"id\":\""
                        + id
                        + "\",\"prompt\":\"a small shape number "
                        + id
                        + " at the top left on a blue background\"}\n")
            .collect(Collectors.joining());
    HttpRequest request =
        HttpRequest.newBuilder(
                ingest.uri("/v1/catalogs?catalogId=" + CATALOG_ID + "&model=" + MODEL))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(catalog))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, String> ingestSettings(LocalKafka kafka) throws Exception {
    Map<String, String> settings = new HashMap<>();
    settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    settings.put("hartbatch.ingest.auth.tokens", TOKEN);
    settings.put("hartbatch.ingest.default-model", MODEL);
    settings.put("hartbatch.topics.jobs.partitions", "2");
    settings.put("hartbatch.topics.events.partitions", "2");
    settings.put("hartbatch.topics.catalogs.partitions", "1");
    settings.put("hartbatch.topics.dead-letters.partitions", "1");
    settings.put("kafka-streams.num.standby.replicas", "0");
    settings.put(
        "kafka-streams.state.dir", Files.createDirectories(work.resolve("streams")).toString());
    return settings;
  }

  private static Map<String, String> workerSettings(LocalKafka kafka, LocalS3 s3) {
    Map<String, String> settings = new HashMap<>();
    settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    settings.put("hartbatch.worker.instance-id", "e2e-worker-0");
    settings.put("hartbatch.worker.kafka.consumer.session.timeout.ms", "10000");
    settings.put("hartbatch.worker.renderer", "hart"); // the default model, builtin:shapes
    settings.put("hartbatch.worker.hart.model-name", MODEL);
    settings.put("hartbatch.store.endpoint", s3.endpoint().toString());
    settings.put("hartbatch.store.region", s3.region());
    settings.put("hartbatch.store.bucket", BUCKET);
    settings.put("hartbatch.store.path-style", "true");
    settings.put("hartbatch.store.access-key-id", s3.accessKey());
    settings.put("hartbatch.store.secret-access-key", s3.secretKey());
    return settings;
  }

  private static Set<String> objectKeys(LocalS3 s3) {
    return s3
        .client()
        .listObjectsV2(r -> r.bucket(BUCKET).prefix(CATALOG_ID + "/"))
        .contents()
        .stream()
        .map(S3Object::key)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String awaitObject(LocalS3 s3, String key) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (objectKeys(s3).contains(key)) {
        return s3.client()
            .getObjectAsBytes(r -> r.bucket(BUCKET).key(key))
            .asString(StandardCharsets.UTF_8);
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no object " + key + " within 30 s");
  }

  /** Starts the packaged service whose jar system property {@code jarProperty} names. */
  private static ServiceProcess service(
      String name, String jarProperty, Map<String, String> settings) throws Exception {
    return ServiceProcess.start(
        name,
        Path.of(System.getProperty(jarProperty, "")),
        ServiceProcess.TEST_JVM,
        settings,
        Path.of("target", "service-logs"));
  }

  /** Every committed event on the events topic, from the beginning. */
  private static final class EventLog implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<HartbatchEvent> events = new java.util.ArrayList<>();

    EventLog(LocalKafka kafka, String topic) {
      Map<String, Object> config = new HashMap<>(kafka.clientConfig());
      config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
      this.topic = topic;
    }

    private final String topic;
    private boolean assigned;

    void readUntil(java.util.function.Predicate<HartbatchEvent> done, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (poll().stream().anyMatch(done)) {
          return;
        }
      }
      throw new AssertionError("not seen within " + timeout + "; events so far: " + events);
    }

    void readFor(Duration duration) {
      long end = System.nanoTime() + duration.toNanos();
      while (System.nanoTime() < end) {
        poll();
      }
    }

    private List<HartbatchEvent> poll() {
      if (!assigned) {
        List<TopicPartition> partitions =
            consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        assigned = !partitions.isEmpty();
      }
      List<HartbatchEvent> read = new java.util.ArrayList<>();
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        read.add(EventCodec.fromRecord(record));
      }
      events.addAll(read);
      return read;
    }

    Set<String> succeededJobIds() {
      List<String> ids =
          events.stream()
              .filter(JobSucceeded.class::isInstance)
              .map(e -> ((JobSucceeded) e).jobId())
              .toList();
      Set<String> unique = new TreeSet<>(ids);
      assertEquals(unique.size(), ids.size(), "a job succeeded twice: " + ids);
      return unique;
    }

    long count(Class<? extends HartbatchEvent> type) {
      return events.stream().filter(type::isInstance).count();
    }

    <T extends HartbatchEvent> T first(Class<T> type) {
      return events.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
