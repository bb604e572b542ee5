package org.hartbatch.worker;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hartbatch.ops.testing.KafkaTestResource;
import org.hartbatch.ops.testing.S3TestResource;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.RenderJobCodec;
import org.hartbatch.protocol.events.EventCodec;
import org.hartbatch.protocol.events.JobSucceeded;
import org.junit.jupiter.api.Test;

/** The packaged application: configuration, health, metrics, and one job end to end. */
@QuarkusTest
@QuarkusTestResource(
    value = KafkaTestResource.class,
    restrictToAnnotatedClass = true,
    initArgs =
        @ResourceArg(
            name = "topics",
            value = "hartbatch.jobs:2,hartbatch.events:2,hartbatch.jobs.dlq:1"))
@QuarkusTestResource(value = S3TestResource.class, restrictToAnnotatedClass = true)
class WorkerApplicationTest {

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrapServers;

  @Test
  void rendersAJobAndReportsHealthAndMetrics() throws Exception {
    awaitReady();
    given().when().get("/q/health/live").then().statusCode(200);

    RenderJob job =
        RenderJob.builder()
            .jobId("app-job-1")
            .catalogId("app-catalog")
            .prompt("a red bicycle")
            .seed(7L)
            .model("synthetic")
            .submittedAt(Instant.now())
            .build();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      producer.send(RenderJobCodec.toRecord("hartbatch.jobs", job)).get();
    }

    JobSucceeded event = (JobSucceeded) EventCodec.fromRecord(awaitEvent());
    assertEquals(job.jobId(), event.jobId());
    assertEquals("hartbatch-images", event.bucket());
    assertEquals(64, event.width());

    String metrics = awaitMetric("hartbatch_worker_consumer_lag{partition=");
    assertTrue(metrics.contains("hartbatch_worker_jobs_total{outcome=\"succeeded\"} 1.0"), metrics);
    assertTrue(metrics.contains("hartbatch_worker_batch_size_bucket"), metrics);
    assertTrue(metrics.contains("hartbatch_worker_render_seconds_count"), metrics);
    assertTrue(metrics.contains("hartbatch_worker_native_memory_bytes"), metrics);
  }

  /** The Prometheus page once it shows {@code line} (lag is sampled once a second). */
  private static String awaitMetric(String line) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String page;
    while (!(page = given().when().get("/q/metrics").then().statusCode(200).extract().asString())
        .contains(line)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + line + " in\n" + page);
      }
      Thread.sleep(200);
    }
    return page;
  }

  private static void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (given().when().get("/q/health/ready").statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        given().when().get("/q/health/ready").then().statusCode(200);
      }
      Thread.sleep(200);
    }
    given().when().get("/q/health/ready").then().body(containsString("assignedPartitions"));
  }

  private ConsumerRecord<byte[], byte[]> awaitEvent() {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "app-test-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
      consumer.subscribe(List.of("hartbatch.events"));
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      assertEquals(1, records.size(), "one completion event");
      return records.get(0);
    }
  }
}
