package org.hartbatch.ingest.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hartbatch.ingest.cli.HartbatchCli;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.protocol.JobIds;
import org.hartbatch.protocol.OutputFormat;
import org.hartbatch.protocol.events.ErrorCode;
import org.hartbatch.protocol.topics.Topics;
import org.hartbatch.store.ImageStore;
import org.hartbatch.store.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@QuarkusTest
class CliTest {

  @TestHTTPResource("/")
  URL url;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrapServers;

  @Inject Topics topics;

  @TempDir Path dir;

  /** What one CLI run printed and returned. */
  private record Run(int exitCode, String out, String err) {}

  private Run cli(String token, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 4];
    all[0] = "--url";
    all[1] = url.toString();
    all[2] = "--token";
    all[3] = token;
    System.arraycopy(args, 0, all, 4, args.length);
    int code =
        HartbatchCli.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            all);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path file(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void submitStatusAndResultsTellSuccessPartialFailureAndErrorApart() throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> cli("test-token", "status", "nothing").err().contains("HTTP 404"));

    Path clean = file("clean.jsonl", "{\"prompt\":\"a\"}\n{\"prompt\":\"b\"}\n");
    Run first = cli("test-token", "submit", clean.toString());
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(first.out().contains("2 jobs enqueued"), first.out());
    Run again = cli("test-token", "submit", clean.toString());
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains("already submitted"), again.out());

    Path mixed = file("mixed.csv", "prompt,cfg\na cat,5\na dog,500\na bird,\n");
    Run partial = cli("test-token", "submit", mixed.toString(), "--catalog-id", "cli-1");
    assertEquals(3, partial.exitCode(), partial.err());
    assertTrue(partial.out().contains("line 3: cfg: must be between"), partial.out());

    assertEquals(1, cli("wrong-token", "submit", clean.toString()).exitCode());
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    ByteArrayOutputStream unreachableErr = new ByteArrayOutputStream();
    assertEquals(
        1,
        HartbatchCli.run(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(unreachableErr, true, StandardCharsets.UTF_8),
            "--url",
            "http://localhost:" + closedPort,
            "status",
            "cli-1"));
    assertTrue(unreachableErr.toString(StandardCharsets.UTF_8).startsWith("hartbatch: "));
    assertEquals(
        1, cli("test-token", "submit", dir.resolve("missing.jsonl").toString()).exitCode());
    assertEquals(2, cli("test-token", "submit", file("catalog.txt", "x").toString()).exitCode());
    assertEquals(2, cli("test-token", "submit").exitCode());
    assertEquals(1, cli("test-token", "submit", file("bad.jsonl", "nope\n").toString()).exitCode());

    String catalog = "cli-1";
    String ok = JobIds.forLine(catalog, 2);
    String failed = JobIds.forLine(catalog, 4);
    new KafkaFixture(bootstrapServers)
        .publish(
            topics.events().name(),
            SyntheticEvents.succeeded(catalog, ok, 2),
            SyntheticEvents.failed(catalog, failed, 1, ErrorCode.PROMPT_REJECTED, "bad prompt"));
    Run waited = cli("test-token", "status", catalog, "--wait");
    assertEquals(3, waited.exitCode(), waited.err());
    assertTrue(waited.out().contains("1 succeeded, 1 failed"), waited.out());
    assertTrue(waited.err().contains("100.0%"), waited.err());

    Run results = cli("read-token", "results", catalog);
    assertEquals(3, results.exitCode(), results.err());
    assertTrue(
        results.out().contains(ok + " SUCCEEDED s3://images/" + catalog + "/" + ok + ".png"));
    assertTrue(results.out().contains(failed + " FAILED PROMPT_REJECTED: bad prompt"));
  }

  @Test
  void resultsDownloadFetchesTheStoredImagesAndTellsAMissingOneApart() throws Exception {
    String catalog = "cli-download";
    Path lines =
        file("download.jsonl", "{\"prompt\":\"a\"}\n{\"prompt\":\"b\"}\n{\"prompt\":\"c\"}\n");
    assertEquals(
        0, cli("test-token", "submit", lines.toString(), "--catalog-id", catalog).exitCode());
    String stored = JobIds.forLine(catalog, 1);
    String lateImage = JobIds.forLine(catalog, 2);
    String failed = JobIds.forLine(catalog, 3);
    try (LocalS3 s3 = LocalS3.start("images");
        ImageStore store =
            ImageStore.create(
                StoreConfig.local(
                    s3.endpoint(), s3.region(), "images", s3.accessKey(), s3.secretKey()))) {
      byte[] storedBytes = "image of line 1".getBytes(StandardCharsets.UTF_8);
      store.putImage(key(store, catalog, stored), storedBytes, "image/png", Map.of()).join();
      // the event of line 2 names an object that is not (yet) in the bucket
      new KafkaFixture(bootstrapServers)
          .publish(
              topics.events().name(),
              SyntheticEvents.succeeded(catalog, stored, 1),
              SyntheticEvents.succeeded(catalog, lateImage, 2),
              SyntheticEvents.failed(catalog, failed, 1, ErrorCode.RENDER_FAILED, "NaN"));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> cli("read-token", "status", catalog).out().contains("COMPLETED"));

      Path images = dir.resolve("images");
      List<String> download =
          List.of(
              "results",
              catalog,
              "--download",
              images.toString(),
              "--s3-endpoint",
              s3.endpoint().toString(),
              "--s3-region",
              s3.region());
      String[] command = download.toArray(String[]::new);
      Run missing = withS3Credentials(s3, () -> cli("read-token", command));
      assertEquals(1, missing.exitCode(), missing.err());
      assertTrue(
          missing.err().contains("cannot download s3://images/" + key(store, catalog, lateImage)),
          missing.err());
      assertTrue(missing.err().contains("(1 download errors)"), missing.err());
      assertArrayEquals(storedBytes, Files.readAllBytes(images.resolve(stored + ".png")));
      assertFalse(Files.exists(images.resolve(lateImage + ".png")));
      assertFalse(Files.exists(images.resolve(lateImage + ".png.part")));

      // once the image is there, a second run fetches it; the failed job still makes it partial
      byte[] lateBytes = "image of line 2".getBytes(StandardCharsets.UTF_8);
      store.putImage(key(store, catalog, lateImage), lateBytes, "image/png", Map.of()).join();
      Run complete = withS3Credentials(s3, () -> cli("read-token", command));
      assertEquals(3, complete.exitCode(), complete.err());
      assertTrue(complete.err().contains("(0 download errors)"), complete.err());
      assertArrayEquals(lateBytes, Files.readAllBytes(images.resolve(lateImage + ".png")));
      assertArrayEquals(storedBytes, Files.readAllBytes(images.resolve(stored + ".png")));
    }
  }

  private static String key(ImageStore store, String catalog, String jobId) {
    return store.keys().imageKey(null, catalog, jobId, OutputFormat.PNG);
  }

  /** Runs the CLI with the local S3's keys in the AWS default credentials chain. */
  private static Run withS3Credentials(LocalS3 s3, java.util.function.Supplier<Run> run) {
    System.setProperty("aws.accessKeyId", s3.accessKey());
    System.setProperty("aws.secretAccessKey", s3.secretKey());
    try {
      return run.get();
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }
}
