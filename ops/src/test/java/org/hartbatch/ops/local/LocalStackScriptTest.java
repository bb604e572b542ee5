package org.hartbatch.ops.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hartbatch.ops.LocalS3Clients;
import org.hartbatch.ops.LocalStackSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Runs ops/bin/local-stack as a user would, on free ports, and uses it with real clients. */
class LocalStackScriptTest {

  private static final Path SCRIPT = Path.of("bin/local-stack");
  private static final int NOT_RUNNING = 3;

  @Test
  void startsServesClientsAndStops(@TempDir Path localDir) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("HARTBATCH_LOCAL_DIR", localDir.toString());
    env.put("HARTBATCH_KAFKA_PORT", Integer.toString(freePort()));
    env.put("HARTBATCH_KAFKA_CONTROLLER_PORT", Integer.toString(freePort()));
    env.put("HARTBATCH_S3_PORT", Integer.toString(freePort()));
    env.put("HARTBATCH_S3_BUCKET", "script-images");
    // The classpath the script builds for itself: no test-scoped jar can hide a missing one.
    env.put(
        "HARTBATCH_OPS_CLASSPATH",
        Path.of("target/classes").toAbsolutePath()
            + ":"
            + Path.of("target/dependency").toAbsolutePath()
            + "/*");
    LocalStackSettings settings = LocalStackSettings.from(env);

    try {
      Result started = run(env, "start");
      assertEquals(0, started.exitCode(), started.output());
      assertTrue(started.output().contains(settings.kafkaBootstrapServers()), started.output());
      assertTrue(started.output().contains(settings.s3Endpoint()), started.output());

      roundTripThroughKafka(settings.kafkaBootstrapServers());
      roundTripThroughS3(settings);

      Result status = run(env, "status");
      assertEquals(0, status.exitCode(), status.output());
    } finally {
      Result stopped = run(env, "stop");
      assertEquals(0, stopped.exitCode(), stopped.output());
    }

    assertEquals(NOT_RUNNING, run(env, "status").exitCode());
    assertThrows(IOException.class, () -> connect(settings.kafkaPort()));
    assertThrows(IOException.class, () -> connect(settings.s3Port()));
  }

  @Test
  void rejectsUnknownCommands() throws Exception {
    Result result = run(Map.of(), "restart");
    assertEquals(2, result.exitCode());
    assertTrue(result.output().contains("usage"), result.output());
  }

  private static void roundTripThroughKafka(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic("script-check", 1, (short) 1))).all().get();
    }
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>("script-check", "k", "hello")).get();
    }
    Map<String, Object> consumerConfig =
        Map.of(
            "bootstrap.servers",
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            "script-check",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    try (var consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("script-check"));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          assertEquals("hello", record.value());
          return;
        }
      }
    }
    throw new AssertionError("the record sent to the local broker never came back");
  }

  private static void roundTripThroughS3(LocalStackSettings settings) {
    try (S3Client client =
        LocalS3Clients.configure(S3Client.builder(), URI.create(settings.s3Endpoint()), settings)
            .build()) {
      client.putObject(
          b -> b.bucket(settings.s3Bucket()).key("check.txt"), RequestBody.fromString("stored"));
      assertEquals(
          "stored",
          client
              .getObjectAsBytes(b -> b.bucket(settings.s3Bucket()).key("check.txt"))
              .asString(UTF_8));
    }
  }

  private record Result(int exitCode, String output) {}

  private static Result run(Map<String, String> env, String command) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("bash", SCRIPT.toString(), command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("local-stack " + command + " hung; output so far:\n" + output);
    }
    return new Result(process.exitValue(), output);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void connect(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LocalStackSettings.HOST, port), 1000);
    }
  }
}
