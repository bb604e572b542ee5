package org.hartbatch.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.ops.testing.LocalS3Extension;
import org.hartbatch.protocol.Sha256;
import org.hartbatch.store.ImageStore;
import org.hartbatch.store.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * CPU cost of one small conditional PUT (the worker's image write: If-None-Match, SHA-256 checksum,
 * user metadata) against the in-JVM S3 server, split into the S3 client's part and the server's,
 * for the SDK's async client as the worker uses it and for its blocking client on a thread pool.
 * Reported (stdout and {@code target/s3-put-cost.md}), never asserted; see docs/benchmarks.md.
 */
@ExtendWith(LocalS3Extension.class)
class S3PutCostBenchmark {

  private static final int WARMUP = Integer.getInteger("bench.put.warmup", 3_000);
  private static final int PUTS = Integer.getInteger("bench.put.count", 10_000);
  private static final int CONCURRENCY = 32;
  private static final byte[] IMAGE = new byte[120];
  private static final Map<String, String> METADATA =
      Map.of("job-id", "bench", "seed", "1", "model-revision", "1");

  @Test
  void run(LocalS3 s3) throws Exception {
    s3.createBucket("bench-put");
    StoreConfig config =
        StoreConfig.local(s3.endpoint(), s3.region(), "bench-put", s3.accessKey(), s3.secretKey());
    List<String> report = new ArrayList<>();
    try (ImageStore store = ImageStore.create(config)) {
      async(store, "w", WARMUP);
      report.add(line("async client (ImageStore, as the worker)", () -> async(store, "a", PUTS)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
    try {
      S3Client client = s3.client();
      blocking(client, pool, "v", WARMUP);
      report.add(
          line(
              "blocking client, " + CONCURRENCY + " threads",
              () -> blocking(client, pool, "b", PUTS)));
    } finally {
      pool.shutdownNow();
    }
    report.forEach(System.out::println);
    Files.write(Path.of("target", "s3-put-cost.md"), report);
  }

  private interface Run {
    void run() throws Exception;
  }

  private static String line(String what, Run puts) throws Exception {
    long start = System.nanoTime();
    CpuBreakdown cpu = CpuBreakdown.start();
    puts.run();
    Map<String, Long> spent = cpu.stop();
    double seconds = (System.nanoTime() - start) / 1e9;
    long server = spent.get(CpuBreakdown.S3);
    long jvm = spent.get(CpuBreakdown.JVM);
    long client = spent.get("total") - server - jvm;
    return String.format(
        "S3 PUT cost, %s: %d PUTs, %.0f PUT/s; CPU per PUT: client %.3f ms, S3 server %.3f ms,"
            + " JVM (GC, JIT) %.3f ms",
        what, PUTS, PUTS / seconds, client / 1e6 / PUTS, server / 1e6 / PUTS, jvm / 1e6 / PUTS);
  }

  private static void async(ImageStore store, String prefix, int count) throws Exception {
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

  private static void blocking(S3Client client, ExecutorService pool, String prefix, int count)
      throws Exception {
    String sha256 =
        Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(Sha256.hex(IMAGE)));
    List<Future<?>> puts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String key = prefix + "/" + i + ".png";
      puts.add(
          pool.submit(
              () ->
                  client.putObject(
                      r ->
                          r.bucket("bench-put")
                              .key(key)
                              .contentType("image/png")
                              .ifNoneMatch("*")
                              .checksumSHA256(sha256)
                              .metadata(METADATA),
                      RequestBody.fromBytes(IMAGE))));
    }
    for (Future<?> put : puts) {
      put.get();
    }
  }
}
