package org.hartbatch.ops.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.hartbatch.ops.LocalS3Clients;
import org.hartbatch.ops.LocalStackSettings;
import org.hartbatch.ops.SingleNodeKafka;
import org.hartbatch.ops.testing.LocalS3;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Java side of {@code ops/bin/local-stack}: writes the broker configuration, runs the S3 server
 * process, and waits for both servers. The script owns the processes; this class owns the settings,
 * so both read them from {@link LocalStackSettings}.
 *
 * <pre>
 * prepare LOCAL_DIR               write LOCAL_DIR/kafka/server.properties, print shell variables
 * s3-server LOCAL_DIR             serve S3 from LOCAL_DIR/s3/data until stopped
 * await LOCAL_DIR KAFKA_PID S3_PID wait until both answer (fail if a process exits), print a summary
 * probe                           print whether each server answers; exit 0 only if both do
 * </pre>
 */
public final class LocalStack {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  // start polls in a loop; status asks once, and a broker on a busy machine can take seconds
  private static final Duration START_PROBE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration STATUS_PROBE_TIMEOUT = Duration.ofSeconds(20);
  private static final int USAGE = 2;
  private static final int NOT_READY = 3;

  private final LocalStackSettings settings;
  private final PrintStream out;

  LocalStack(LocalStackSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    LocalStack stack = new LocalStack(LocalStackSettings.fromEnvironment(), System.out);
    String command = args.length == 0 ? "" : args[0];
    int status =
        switch (command) {
          case "prepare" -> args.length == 2 ? stack.prepare(Path.of(args[1])) : usage();
          case "s3-server" -> args.length == 2 ? stack.serveS3(Path.of(args[1])) : usage();
          case "await" ->
              args.length == 4
                  ? stack.await(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]))
                  : usage();
          case "probe" -> args.length == 1 ? stack.probe() : usage();
          default -> usage();
        };
    System.exit(status);
  }

  private static int usage() {
    System.err.println(
        "usage: LocalStack prepare DIR | s3-server DIR | await DIR KAFKA_PID S3_PID | probe");
    return USAGE;
  }

  /**
   * Writes the broker configuration and prints {@code NAME=value} lines for the script; {@code
   * KAFKA_CLUSTER_ID} appears only while the broker's storage still needs formatting.
   */
  int prepare(Path localDir) throws IOException {
    Path kafkaDir = localDir.resolve("kafka");
    Path dataDir = kafkaDir.resolve("data");
    Files.createDirectories(dataDir);
    Files.createDirectories(localDir.resolve("s3/data"));
    writeServerProperties(kafkaDir.resolve("server.properties"), dataDir);
    out.println("KAFKA_PORT=" + settings.kafkaPort());
    out.println("S3_PORT=" + settings.s3Port());
    if (!Files.exists(dataDir.resolve("meta.properties"))) {
      out.println("KAFKA_CLUSTER_ID=" + Uuid.randomUuid());
    }
    return 0;
  }

  private void writeServerProperties(Path file, Path dataDir) throws IOException {
    String host = LocalStackSettings.HOST;
    Map<String, String> config = new TreeMap<>(SingleNodeKafka.settings());
    config.put("process.roles", "broker,controller");
    config.put("node.id", "1");
    config.put(
        "listeners",
        "PLAINTEXT://"
            + settings.kafkaBootstrapServers()
            + ",CONTROLLER://"
            + host
            + ":"
            + settings.kafkaControllerPort());
    config.put("advertised.listeners", "PLAINTEXT://" + settings.kafkaBootstrapServers());
    config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.put("controller.listener.names", "CONTROLLER");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("controller.quorum.voters", "1@" + host + ":" + settings.kafkaControllerPort());
    config.put("log.dirs", dataDir.toAbsolutePath().toString());
    Properties properties = new Properties();
    properties.putAll(config);
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(writer, "Written by ops/bin/local-stack; edits are overwritten on start");
    }
  }

  /** Serves S3 on the configured port until the process is told to stop. */
  int serveS3(Path localDir) throws InterruptedException {
    LocalS3 s3 =
        LocalS3.startOnPort(settings.s3Port(), localDir.resolve("s3/data"), settings.s3Bucket());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  s3.close();
                  stopped.countDown();
                }));
    out.println("S3 serving " + s3.endpoint());
    stopped.await();
    return 0;
  }

  /** Waits until Kafka and S3 answer, failing early if either process has exited. */
  int await(Path localDir, long kafkaPid, long s3Pid) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    boolean kafkaUp = false;
    boolean s3Up = false;
    while (!(kafkaUp && s3Up)) {
      if (!kafkaUp && !isAlive(kafkaPid)) {
        return failed("Kafka exited while starting; see " + localDir.resolve("kafka/kafka.log"));
      }
      if (!s3Up && !isAlive(s3Pid)) {
        return failed("S3 exited while starting; see " + localDir.resolve("s3/s3.log"));
      }
      if (System.nanoTime() > deadline) {
        return failed(
            (kafkaUp ? "S3" : "Kafka")
                + " did not answer within "
                + START_TIMEOUT.toSeconds()
                + " s");
      }
      kafkaUp = kafkaUp || kafkaAnswers(START_PROBE_TIMEOUT);
      s3Up = s3Up || s3Answers();
      if (!(kafkaUp && s3Up)) {
        Thread.sleep(250);
      }
    }
    printSummary(localDir);
    return 0;
  }

  int probe() {
    boolean kafkaUp = kafkaAnswers(STATUS_PROBE_TIMEOUT);
    boolean s3Up = s3Answers();
    out.println("kafka " + (kafkaUp ? "up at " + settings.kafkaBootstrapServers() : "down"));
    out.println("s3    " + (s3Up ? "up at " + settings.s3Endpoint() : "down"));
    return kafkaUp && s3Up ? 0 : NOT_READY;
  }

  private void printSummary(Path localDir) {
    out.println("Local stack is up (data in " + localDir.toAbsolutePath().normalize() + ")");
    out.println("  Kafka bootstrap servers: " + settings.kafkaBootstrapServers());
    out.println(
        "  S3 endpoint:             "
            + settings.s3Endpoint()
            + " (path-style, region "
            + settings.s3Region()
            + ")");
    out.println("  S3 bucket:               " + settings.s3Bucket());
    out.println("  S3 access key:           " + settings.s3AccessKey() + " (local only)");
    out.println("  S3 secret key:           " + settings.s3SecretKey() + " (local only)");
  }

  private boolean kafkaAnswers(Duration timeout) {
    if (!portOpen(settings.kafkaPort())) {
      return false;
    }
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()))) {
      return !admin
          .describeCluster()
          .nodes()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .isEmpty();
    } catch (Exception notYet) {
      return false;
    }
  }

  private boolean s3Answers() {
    if (!portOpen(settings.s3Port())) {
      return false;
    }
    try (S3Client client =
        LocalS3Clients.configure(S3Client.builder(), URI.create(settings.s3Endpoint()), settings)
            .build()) {
      client.headBucket(b -> b.bucket(settings.s3Bucket()));
      return true;
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  private static boolean portOpen(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LocalStackSettings.HOST, port), 500);
      return true;
    } catch (IOException closed) {
      return false;
    }
  }

  private static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static int failed(String reason) {
    System.err.println("local-stack: " + reason);
    return 1;
  }
}
