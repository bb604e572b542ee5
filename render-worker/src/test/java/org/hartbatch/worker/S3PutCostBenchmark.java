package org.hartbatch.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.ops.testing.LocalS3Extension;
import org.hartbatch.store.ImageStore;
import org.hartbatch.store.StoreConfig;
import org.hartbatch.store.StoreConfig.PutClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/**
 * CPU cost of one small conditional PUT (the worker's image write: If-None-Match, SHA-256 checksum,
 * user metadata) against the in-JVM S3 server, split into the S3 client's part and the server's,
 * for each way {@link ImageStore} can send it. Each round runs every path once (warm-up, then the
 * measured PUTs), the order reversed from round to round. Reported (stdout and {@code
 * target/s3-put-cost.md}), never asserted; see docs/benchmarks.md.
 */
@ExtendWith(LocalS3Extension.class)
class S3PutCostBenchmark {

  private static final int WARMUP = Integer.getInteger("bench.put.warmup", 10_000);
  private static final int PUTS = Integer.getInteger("bench.put.count", 10_000);
  private static final int ROUNDS = Integer.getInteger("bench.put.rounds", 3);
  private static final int CONCURRENCY = 32;
  private static final byte[] IMAGE = new byte[120];
  private static final Map<String, String> METADATA =
      Map.of("job-id", "bench", "seed", "1", "model-revision", "1");

  private record Variant(String name, Supplier<ImageStore> store) {}

  @Test
  void run(LocalS3 s3) throws Exception {
    s3.createBucket("bench-put");
    StoreConfig sdk =
        StoreConfig.local(s3.endpoint(), s3.region(), "bench-put", s3.accessKey(), s3.secretKey());
    StoreConfig signed = sdk.toBuilder().putClient(PutClient.SIGNED).build();
    List<Variant> paths =
        List.of(
            new Variant("SDK S3 client, Netty (main)", () -> ImageStore.create(sdk)),
            new Variant(
                "SDK S3 client, Netty, response checks, chunking, expect-continue off",
                () -> ImageStore.create(sdk, S3PutCostBenchmark::cheaper)),
            new Variant(
                "SDK S3 client, Netty, the above + endpoint resolved once",
                () ->
                    ImageStore.create(
                        sdk, builder -> cheaper(builder).endpointProvider(cachedEndpoints()))),
            new Variant(
                "SDK S3 client, CRT HTTP client",
                () -> ImageStore.create(sdk, AwsCrtAsyncHttpClient.builder().build(), b -> {})),
            new Variant("signed PUT, Netty", () -> ImageStore.create(signed)),
            new Variant(
                "signed PUT, CRT HTTP client",
                () -> ImageStore.create(signed, AwsCrtAsyncHttpClient.builder().build(), b -> {})));
    Map<String, List<String>> report = new LinkedHashMap<>();
    for (int round = 0; round < ROUNDS; round++) {
      List<Variant> order = new ArrayList<>(paths);
      if (round % 2 == 1) {
        java.util.Collections.reverse(order);
      }
      for (Variant path : order) {
        String prefix = "r" + round + "/" + path.name().hashCode();
        try (ImageStore store = path.store().get()) {
          puts(store, prefix + "/w", WARMUP);
          report
              .computeIfAbsent(path.name(), k -> new ArrayList<>())
              .add(measure(path.name(), () -> puts(store, prefix + "/m", PUTS)));
        }
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add("load average at the end: " + Files.readString(Path.of("/proc/loadavg")).strip());
    report.values().forEach(lines::addAll);
    lines.forEach(System.out::println);
    Files.write(Path.of("target", "s3-put-cost.md"), lines);
  }

  private static S3AsyncClientBuilder cheaper(S3AsyncClientBuilder builder) {
    return builder
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .serviceConfiguration(c -> c.chunkedEncodingEnabled(false).expectContinueEnabled(false));
  }

  /** The SDK's endpoint rules, evaluated once per bucket instead of once per request. */
  private static S3EndpointProvider cachedEndpoints() {
    S3EndpointProvider rules = S3EndpointProvider.defaultProvider();
    Map<String, CompletableFuture<Endpoint>> byBucket = new ConcurrentHashMap<>();
    return params -> byBucket.computeIfAbsent(params.bucket(), b -> rules.resolveEndpoint(params));
  }

  private interface Run {
    void run() throws Exception;
  }

  private static String measure(String what, Run puts) throws Exception {
    double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    long start = System.nanoTime();
    CpuBreakdown cpu = CpuBreakdown.start();
    puts.run();
    Map<String, Long> spent = cpu.stop();
    double seconds = (System.nanoTime() - start) / 1e9;
    long server = spent.get(CpuBreakdown.S3);
    long jvm = spent.get(CpuBreakdown.JVM);
    long client = spent.get("total") - server - jvm;
    return String.format(
        "| %s | %.0f | %.3f | %.3f | %.3f | %.3f | %.2f |",
        what,
        PUTS / seconds,
        client / 1e6 / PUTS,
        spent.get(CpuBreakdown.NATIVE) / 1e6 / PUTS,
        server / 1e6 / PUTS,
        jvm / 1e6 / PUTS,
        load);
  }

  private static void puts(ImageStore store, String prefix, int count) throws Exception {
    Semaphore slots = new Semaphore(CONCURRENCY);
    List<CompletableFuture<?>> puts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      slots.acquire();
      puts.add(
          store
              .putImage(prefix + "/" + i + ".png", IMAGE, "image/png", METADATA)
              .whenComplete((ok, error) -> slots.release()));
    }
    CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
  }
}
