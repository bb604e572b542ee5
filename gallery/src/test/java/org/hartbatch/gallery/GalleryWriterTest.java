package org.hartbatch.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.protocol.JobIds;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.RenderJobCodec;
import org.hartbatch.protocol.events.CatalogCompleted;
import org.hartbatch.protocol.events.EventCodec;
import org.hartbatch.protocol.events.JobSucceeded;
import org.hartbatch.protocol.events.Timings;
import org.hartbatch.protocol.topics.Topics;
import org.hartbatch.store.ImageStore;
import org.hartbatch.store.PutResult;
import org.hartbatch.store.StoreConfig;
import org.hartbatch.store.StoredBytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gallery writer against a real broker and a real S3 server keeping its objects on disk. */
class GalleryWriterTest {

  private static final String BUCKET = "gallery-images";
  private static final List<String> PROMPTS =
      List.of(
          "a small red circle at the top left on a blue background",
          "a green <square> & \"triangle\" in the middle",
          "a yellow star at the bottom right on a black background");

  @TempDir static Path s3Data;
  private static LocalKafka kafka;
  private static LocalS3 s3;
  private static ImageStore store;
  private static KafkaProducer<String, byte[]> producer;

  @BeforeAll
  static void start() {
    kafka = LocalKafka.start();
    s3 = LocalS3.start(s3Data, BUCKET);
    store =
        ImageStore.create(
            StoreConfig.local(s3.endpoint(), s3.region(), BUCKET, s3.accessKey(), s3.secretKey()));
    producer =
        new KafkaProducer<>(
            kafka.clientConfig(), new StringSerializer(), new ByteArraySerializer());
  }

  @AfterAll
  static void stop() {
    producer.close();
    store.close();
    s3.close();
    kafka.close();
  }

  @Test
  void writesAPageWhoseImagesRenderInABrowser() throws Exception {
    Topics topics = freshTopics();
    String catalogId = "shapes-" + UUID.randomUUID().toString().substring(0, 8);
    List<RenderJob> jobs = renderAll(topics, catalogId, PROMPTS);
    // records that are neither jobs nor events are skipped, not fatal
    producer.send(new ProducerRecord<>(topics.jobs().name(), "junk", bytes("{not json"))).get();
    producer.send(new ProducerRecord<>(topics.events().name(), catalogId, bytes("junk"))).get();
    complete(topics, catalogId, jobs.size());

    try (RunningWriter writer = RunningWriter.start(topics, 100)) {
      String html = awaitPage(catalogId + "/index.html");
      for (RenderJob job : jobs) {
        assertTrue(html.contains("job " + job.jobId()), "job id of line " + job.metadata());
        assertTrue(html.contains("seed " + job.seed()), "seed of " + job.jobId());
        assertTrue(html.contains("src=\"" + job.jobId() + ".png\""), "relative image link");
      }
      assertTrue(html.contains("a green &lt;square&gt; &amp; &quot;triangle&quot; in the middle"));
      assertTrue(
          html.indexOf(jobs.get(0).jobId()) < html.indexOf(jobs.get(2).jobId()),
          "thumbnails in catalog line order");

      Path browser = Chromium.require();
      Chromium.ImageCounts counts =
          Chromium.countImages(browser, s3Data, BUCKET + "/" + catalogId + "/index.html");
      assertEquals(new Chromium.ImageCounts(jobs.size(), jobs.size()), counts);
      // and the check sees a broken image
      Files.delete(s3Data.resolve(BUCKET).resolve(catalogId).resolve(jobs.get(1).jobId() + ".png"));
      assertEquals(
          new Chromium.ImageCounts(jobs.size(), jobs.size() - 1),
          Chromium.countImages(browser, s3Data, BUCKET + "/" + catalogId + "/index.html"));
    }
  }

  @Test
  void showsAtMostMaxEntriesThumbnails() throws Exception {
    Topics topics = freshTopics();
    String catalogId = "capped";
    List<RenderJob> jobs = renderAll(topics, catalogId, PROMPTS);
    complete(topics, catalogId, jobs.size());

    try (RunningWriter writer = RunningWriter.start(topics, 2)) {
      String html = awaitPage(catalogId + "/index.html");
      assertEquals(2, html.split("<figure>", -1).length - 1);
      assertTrue(html.contains("3 of 3 jobs rendered, 0 failed"));
    }
  }

  @Test
  void retriesThePageWhileS3IsDown() throws Exception {
    Topics topics = freshTopics();
    String catalogId = "outage";
    List<RenderJob> jobs = renderAll(topics, catalogId, PROMPTS.subList(0, 1));
    s3.stop();
    try (RunningWriter writer = RunningWriter.start(topics, 100)) {
      complete(topics, catalogId, jobs.size());
      Thread.sleep(2000);
      s3.start();
      String html = awaitPage(catalogId + "/index.html");
      assertTrue(html.contains(jobs.get(0).jobId()));
    } finally {
      s3.start();
    }
  }

  @Test
  void refusesAPageWithoutThumbnails() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GalleryWriter(kafka.bootstrapServers(), Topics.defaults(), store, 0));
    assertTrue(error.getMessage().contains("hartbatch.gallery.max-entries"), error.getMessage());
  }

  /** Stores an image per prompt and publishes its job and success, as ingest and a worker do. */
  private static List<RenderJob> renderAll(Topics topics, String catalogId, List<String> prompts)
      throws Exception {
    List<RenderJob> jobs = new ArrayList<>();
    for (int line = 1; line <= prompts.size(); line++) {
      RenderJob job =
          RenderJob.builder()
              .jobId(JobIds.forLine(catalogId, line))
              .catalogId(catalogId)
              .prompt(prompts.get(line - 1))
              .seed(JobIds.seedForLine(catalogId, line))
              .model("synthetic")
              .metadata(Map.of(CatalogCollector.LINE_METADATA, Integer.toString(line)))
              .submittedAt(Instant.now())
              .build();
      jobs.add(job);
      PutResult put = store.putImage(job, "1", png(line)).get(30, TimeUnit.SECONDS);
      producer.send(RenderJobCodec.toRecord(topics.jobs().name(), job)).get();
      producer
          .send(
              EventCodec.toRecord(
                  topics.events().name(),
                  new JobSucceeded(
                      job.jobId(),
                      catalogId,
                      BUCKET,
                      put.key(),
                      "image/png",
                      put.byteSize(),
                      put.sha256(),
                      8,
                      8,
                      job.seed(),
                      job.model(),
                      "1",
                      new Timings(0, 0, 0),
                      1,
                      1,
                      false,
                      0,
                      List.of(),
                      List.of(),
                      job.metadata())))
          .get();
    }
    return jobs;
  }

  private static void complete(Topics topics, String catalogId, int total) throws Exception {
    Instant now = Instant.now();
    producer
        .send(
            EventCodec.toRecord(
                topics.events().name(), new CatalogCompleted(catalogId, total, total, 0, now, now)))
        .get();
  }

  private static Topics freshTopics() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Topics topics =
        Topics.from(
            Map.of(
                "hartbatch.topics.jobs.name", "jobs-" + suffix,
                "hartbatch.topics.events.name", "events-" + suffix));
    kafka.createTopic(topics.jobs().name(), 2);
    kafka.createTopic(topics.events().name(), 2);
    return topics;
  }

  private static String awaitPage(String key) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<?> page = store.head(key).get(30, TimeUnit.SECONDS);
      if (page.isPresent()) {
        StoredBytes bytes = store.get(key).get(30, TimeUnit.SECONDS);
        return new String(bytes.bytes(), StandardCharsets.UTF_8);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no gallery page at " + key + " within 60 s");
  }

  private static byte[] png(int shade) throws Exception {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = image.createGraphics();
    graphics.setColor(new Color(40 * shade, 0, 255 - 40 * shade));
    graphics.fillRect(0, 0, 8, 8);
    graphics.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, "png", out));
    return out.toByteArray();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A writer on its own thread, stopped at the end of the test. */
  private record RunningWriter(GalleryWriter writer, Thread thread) implements AutoCloseable {

    static RunningWriter start(Topics topics, int maxEntries) {
      GalleryWriter writer = new GalleryWriter(kafka.bootstrapServers(), topics, store, maxEntries);
      Thread thread = new Thread(writer, "gallery-under-test");
      thread.start();
      return new RunningWriter(writer, thread);
    }

    @Override
    public void close() throws InterruptedException {
      writer.close();
      thread.join(30_000);
    }
  }
}
