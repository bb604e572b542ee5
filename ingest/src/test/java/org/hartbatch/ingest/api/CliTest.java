package org.hartbatch.ingest.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hartbatch.ingest.cli.HartbatchCli;
import org.hartbatch.protocol.JobIds;
import org.hartbatch.protocol.events.ErrorCode;
import org.hartbatch.protocol.topics.Topics;
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
}
