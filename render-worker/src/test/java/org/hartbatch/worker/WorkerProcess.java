package org.hartbatch.worker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.store.StoreConfig;

/** The packaged worker (Quarkus fast-jar) running as a separate JVM. */
final class WorkerProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code target/quarkus-app/quarkus-run.jar} (path in system property {@code worker.jar})
   * against the fixture's Kafka topics and bucket, with the given extra settings.
   */
  static WorkerProcess start(
      LocalKafka kafka, WorkerFixture fixture, String instanceId, Map<String, String> settings)
      throws IOException {
    String jar = System.getProperty("worker.jar", "target/quarkus-app/quarkus-run.jar");
    if (!new File(jar).isFile()) {
      throw new IllegalStateException(jar + " is missing: run 'package' before these tests");
    }
    StoreConfig store = fixture.storeConfig();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-Dquarkus.http.port=0");
    command.add("-Dkafka.bootstrap.servers=" + kafka.bootstrapServers());
    command.add("-Dhartbatch.worker.instance-id=" + instanceId);
    command.add("-Dhartbatch.worker.group-id=" + fixture.group());
    command.add("-Dhartbatch.worker.static-membership=true");
    command.add("-Dhartbatch.worker.kafka.consumer.session.timeout.ms=10000");
    command.add("-Dhartbatch.topics.jobs.name=" + fixture.topics().jobs().name());
    command.add("-Dhartbatch.topics.events.name=" + fixture.topics().events().name());
    command.add("-Dhartbatch.topics.dead-letters.name=" + fixture.topics().deadLetters().name());
    command.add("-Dhartbatch.store.endpoint=" + store.endpoint());
    command.add("-Dhartbatch.store.region=" + store.region());
    command.add("-Dhartbatch.store.bucket=" + store.bucket());
    command.add("-Dhartbatch.store.path-style=true");
    command.add("-Dhartbatch.store.access-key-id=" + store.accessKeyId());
    command.add("-Dhartbatch.store.secret-access-key=" + store.secretAccessKey());
    command.add("-Dhartbatch.worker.renderer=synthetic");
    command.add("-Dhartbatch.worker.synthetic.width=" + WorkerFixture.MODEL.width());
    command.add("-Dhartbatch.worker.synthetic.height=" + WorkerFixture.MODEL.height());
    settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-jar");
    command.add(jar);
    Path logs = Files.createDirectories(Path.of("target", "worker-logs"));
    Path log = Files.createTempFile(logs, fixture.group() + "-" + instanceId + "-", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new WorkerProcess(process, log);
  }

  /** Fails the test with the log's location if the process has exited. */
  void assertAlive() {
    if (!process.isAlive()) {
      throw new AssertionError("the worker exited with " + process.exitValue() + "; see " + log);
    }
  }

  /** SIGKILL: the process dies at once, in whatever it was doing. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the worker did not exit within " + timeout + "; see " + log);
    }
    return process.exitValue();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  /** Kills the process if it still runs; its log stays under {@code target/worker-logs}. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
