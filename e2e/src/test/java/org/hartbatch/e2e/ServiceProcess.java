package org.hartbatch.e2e;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A packaged Quarkus service (fast-jar) running as its own JVM, logging to a file. */
final class ServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String name;
  private final Process process;
  private final Path log;
  private final int port;

  private ServiceProcess(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts the jar named by system property {@code jarProperty} with the given settings. */
  static ServiceProcess start(
      String name, String jarProperty, int port, Map<String, String> settings) throws IOException {
    String jar = System.getProperty(jarProperty, "");
    if (!new File(jar).isFile()) {
      throw new IllegalStateException(
          name + " jar '" + jar + "' is missing: package the module first (./mvnw verify does)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Dquarkus.http.host=127.0.0.1");
    command.add("-Dquarkus.http.port=" + port);
    settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-jar");
    command.add(jar);
    Path logs = Files.createDirectories(Path.of("target", "service-logs"));
    Path log = Files.createTempFile(logs, name + "-", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ServiceProcess(name, process, log, port);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Waits until {@code /q/health/ready} answers 200; fails with the log if the process exits. */
  void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest ready = HttpRequest.newBuilder(uri("/q/health/ready")).build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + "; see " + log);
      }
      try {
        if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // the HTTP server is not up yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError(name + " not ready within " + timeout + "; see " + log);
  }

  /** SIGTERM, waiting for the exit; the log stays under {@code target/service-logs}. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
