package org.hartbatch.ingest.bench;

import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.hartbatch.ingest.catalog.CatalogDefaults;
import org.hartbatch.ingest.catalog.CatalogFormat;
import org.hartbatch.ingest.catalog.CatalogParser;
import org.hartbatch.ingest.catalog.Catalogs;
import org.hartbatch.ingest.catalog.LineSink;
import org.hartbatch.ingest.cli.HartbatchCli;
import org.hartbatch.ingest.enqueue.CatalogEnqueuer;
import org.hartbatch.ingest.enqueue.JobProducer;
import org.hartbatch.ingest.enqueue.SubmissionResult;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.ops.testing.ServiceProcess;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.Violation;
import org.hartbatch.protocol.topics.Topics;

/**
 * Enqueue throughput: streams a JSONL catalog file through the same parser, validator and producer
 * the REST endpoint uses, into a real local broker, and reports jobs per second. For comparison it
 * also times parsing and validation alone on the same file in the same run.
 *
 * <p>Run: {@code ./mvnw -B -pl ingest -am -Pbench -DskipTests verify} (add {@code -Dbench.lines=N}
 * for another size). The catalog is generated under {@code target/bench/}.
 */
public final class EnqueueBenchmark {

  private static final String[] SUBJECTS = {
    "a red fox", "an old lighthouse", "a bowl of ramen", "a snowy mountain village",
    "a robot gardener", "a koi pond", "a vintage motorcycle", "a desert canyon at dusk"
  };
  private static final String[] STYLES = {
    "oil painting", "35mm photograph", "watercolor", "isometric 3D render", "ukiyo-e print"
  };

  private static final String SERVICE_TOKEN = "bench-token";

  public static void main(String[] args) throws Exception {
    // the service's level: without it the JBoss log manager has every level on, and the Kafka
    // clients format their per-record trace messages only to have them discarded
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
    int lines = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path catalog = catalogFile(lines);
    System.out.printf(
        Locale.ROOT,
        "catalog: %s (%d lines, %.1f MB)%n",
        catalog,
        lines,
        Files.size(catalog) / 1e6);

    double[] parseOnly = parseOnly(catalog);
    try (LocalKafka kafka = LocalKafka.start()) {
      Topics topics = Topics.defaults();
      try (Admin admin = Admin.create(kafka.clientConfig())) {
        topics.createMissing(admin, java.time.Duration.ofSeconds(60));
      }
      Map<String, Object> config = new java.util.HashMap<>();
      config.put("bootstrap.servers", kafka.bootstrapServers());
      // producer overrides to compare, e.g. compression.type=zstd,linger.ms=5
      for (String setting : (args.length > 1 ? args[1] : "").split(",")) {
        if (setting.contains("=")) {
          config.put(
              setting.substring(0, setting.indexOf('=')),
              setting.substring(setting.indexOf('=') + 1));
        }
      }
      System.out.println("producer overrides: " + config);
      try (JobProducer producer = new JobProducer(config, topics)) {
        CatalogEnqueuer enqueuer =
            new CatalogEnqueuer(producer, new CatalogEnqueuer.Limits(65536, 5_000_000, 100));
        // warm-up: JIT and producer connections
        enqueue(enqueuer, catalog, "bench-warmup", Math.min(lines, 100_000));
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        SubmissionResult result = enqueue(enqueuer, catalog, "bench-run", lines);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        long onTopic = recordsOn(kafka, topics.jobs().name());
        double rate = result.accepted() / seconds;
        System.out.printf(
            Locale.ROOT,
            "enqueued %d jobs (%d rejected) in %.2f s: %.0f jobs/s; jobs topic holds %d records%n",
            result.accepted(),
            result.rejected(),
            seconds,
            rate,
            onTopic);
        System.out.printf(
            Locale.ROOT,
            "process CPU (parser, producer and broker): %.1f s = %.1f us/job; with %d cores to"
                + " itself that is %.0f jobs/s%n",
            cpuSeconds,
            cpuSeconds * 1e6 / result.accepted(),
            Runtime.getRuntime().availableProcessors(),
            result.accepted() / cpuSeconds * Runtime.getRuntime().availableProcessors());
        System.out.printf(
            Locale.ROOT,
            "parse + validate alone: %.0f lines/s, %.1f us/line CPU; enqueue / parse-only = %.2f%n",
            parseOnly[0],
            parseOnly[1],
            rate / parseOnly[0]);
        throughService(kafka, catalog, lines, rate);
      }
    }
  }

  /**
   * The user's path for the same file: the packaged ingest service as its own JVM, and the CLI's
   * {@code hartbatch submit} streaming the file to {@code POST /v1/catalogs}, timed until the
   * service answers (after the broker acknowledged every job).
   */
  private static void throughService(
      LocalKafka kafka, Path catalog, int lines, double inProcessRate) throws Exception {
    Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
    Path streamsDir = Files.createTempDirectory(catalog.getParent(), "streams-");
    Map<String, String> settings =
        Map.of(
            "kafka.bootstrap.servers",
            kafka.bootstrapServers(),
            "hartbatch.ingest.auth.tokens",
            SERVICE_TOKEN,
            "kafka-streams.num.standby.replicas",
            "0",
            "kafka-streams.state.dir",
            streamsDir.toString());
    try (ServiceProcess service =
        ServiceProcess.start("ingest", jar, List.of("-Xmx1g"), settings, catalog.getParent())) {
      service.awaitReady(java.time.Duration.ofMinutes(3));
      String url = service.uri("").toString();
      submit(url, catalogFile(Math.min(lines, 100_000))); // warm-up: JIT of service and client
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      long serviceCpuStart = service.cpuTime().orElseThrow().toNanos();
      submit(url, catalog);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
      double serviceCpuSeconds =
          (service.cpuTime().orElseThrow().toNanos() - serviceCpuStart) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "through the service (hartbatch submit -> POST /v1/catalogs): %d jobs in %.2f s: %.0f"
              + " jobs/s; service CPU %.1f us/job, broker + CLI CPU %.1f us/job; service /"
              + " in-process = %.2f%n",
          lines,
          seconds,
          lines / seconds,
          serviceCpuSeconds * 1e6 / lines,
          cpuSeconds * 1e6 / lines,
          lines / seconds / inProcessRate);
    }
  }

  private static void submit(String url, Path catalog) {
    int exit =
        HartbatchCli.run(
            System.out,
            System.err,
            "--url",
            url,
            "--token",
            SERVICE_TOKEN,
            "submit",
            catalog.toString());
    if (exit != 0) {
      throw new IllegalStateException("hartbatch submit " + catalog + " exited with " + exit);
    }
  }

  private static SubmissionResult enqueue(
      CatalogEnqueuer enqueuer, Path catalog, String catalogId, int limit) throws Exception {
    try (InputStream in = limited(catalog, limit)) {
      return enqueuer.enqueue(in, CatalogFormat.JSONL, defaults(catalogId), false);
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Lines per second and CPU microseconds per line of parsing and validation alone. */
  private static double[] parseOnly(Path catalog) throws Exception {
    long[] count = {0};
    LineSink sink =
        new LineSink() {
          @Override
          public void accept(long lineNumber, RenderJob job) {
            count[0]++;
          }

          @Override
          public void reject(long lineNumber, List<Violation> violations) {}
        };
    CatalogParser parser =
        new CatalogParser(CatalogFormat.JSONL, defaults("parse"), 65536, 5_000_000);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(catalog))) {
      parser.parse(in, sink); // warm-up
    }
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(catalog))) {
      parser.parse(in, sink);
    }
    double lines = count[0] / 2.0;
    return new double[] {
      lines / ((System.nanoTime() - start) / 1e9), (processCpuNanos() - cpuStart) / 1e3 / lines
    };
  }

  private static CatalogDefaults defaults(String catalogId) {
    return Catalogs.defaults(catalogId, Instant.now());
  }

  private static InputStream limited(Path catalog, int lines) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(catalog));
    return new java.io.FilterInputStream(in) {
      private int seen;

      @Override
      public int read() throws IOException {
        if (seen >= lines) {
          return -1;
        }
        int b = super.read();
        if (b == '\n') {
          seen++;
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (seen >= lines) {
          return -1;
        }
        int n = super.read(buffer, offset, length);
        for (int i = offset; i < offset + Math.max(n, 0); i++) {
          if (buffer[i] == '\n' && ++seen == lines) {
            return i - offset + 1;
          }
        }
        return n;
      }
    };
  }

  private static long recordsOn(LocalKafka kafka, String topic) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .collect(Collectors.toList());
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static Path catalogFile(int lines) throws IOException {
    Path file = Path.of("target", "bench", "catalog-" + lines + ".jsonl");
    if (Files.exists(file)) {
      return file;
    }
    Files.createDirectories(file.getParent());
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 1; i <= lines; i++) {
        out.write("{\"prompt\":\"");
        out.write(SUBJECTS[i % SUBJECTS.length]);
        out.write(", ");
        out.write(STYLES[(i / SUBJECTS.length) % STYLES.length]);
        out.write(", variation ");
        out.write(Integer.toString(i));
        out.write("\"");
        if (i % 3 == 0) {
          out.write(",\"cfg\":5.5");
        }
        if (i % 4 == 0) {
          out.write(",\"seed\":" + (i * 7919L));
        }
        out.write("}\n");
      }
    }
    return file;
  }
}
