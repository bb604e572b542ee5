package org.hartbatch.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of this JVM between {@link #start()} and {@link #stop()}, split by who spent it: the
 * worker (by thread: its loop, encoders, S3 client, Kafka producer), the in-JVM Kafka broker, the
 * in-JVM S3 server, the benchmark itself, and the rest of the process (GC, JIT, threads that exited
 * meanwhile), which is the process time not accounted to a live thread.
 */
final class CpuBreakdown {

  static final String LOOP = "worker: consumer loop (poll, decode, commit)";
  static final String ENCODE = "worker: PNG encode + S3 request (SDK)";
  static final String S3_CLIENT = "worker: S3 client I/O and responses (SDK)";
  static final String PRODUCER = "worker: Kafka producer I/O";
  static final String WORKER_OTHER = "worker: render thread, other";
  static final String BROKER = "Kafka broker";
  static final String S3 = "S3 server";
  static final String HARNESS = "benchmark";
  static final String JVM = "JVM (GC, JIT) and exited threads";

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private Map<Long, Long> startByThread;
  private long processStart;

  static CpuBreakdown start() {
    CpuBreakdown breakdown = new CpuBreakdown();
    breakdown.startByThread = breakdown.threadCpu();
    breakdown.processStart = processCpuNanos();
    return breakdown;
  }

  /** CPU nanoseconds by component since {@link #start()}, in a fixed order, plus "total". */
  Map<String, Long> stop() {
    long process = processCpuNanos() - processStart;
    Map<String, Long> byComponent = new LinkedHashMap<>();
    for (String component :
        new String[] {LOOP, ENCODE, S3_CLIENT, PRODUCER, WORKER_OTHER, BROKER, S3, HARNESS, JVM}) {
      byComponent.put(component, 0L);
    }
    long accounted = 0;
    for (long id : threads.getAllThreadIds()) {
      long now = threads.getThreadCpuTime(id);
      var info = threads.getThreadInfo(id);
      if (now < 0 || info == null) {
        continue;
      }
      long spent = now - startByThread.getOrDefault(id, 0L);
      byComponent.merge(component(info.getThreadName()), spent, Long::sum);
      accounted += spent;
    }
    byComponent.merge(JVM, Math.max(0, process - accounted), Long::sum);
    byComponent.put("total", process);
    return byComponent;
  }

  /** Which component a thread belongs to, by the names the libraries give their threads. */
  static String component(String thread) {
    if (thread.startsWith("S3Proxy") || thread.startsWith("Scheduler-")) {
      return S3;
    }
    if (thread.startsWith("test-worker-")) {
      return LOOP;
    }
    if (thread.startsWith("hartbatch-encode")) {
      return ENCODE;
    }
    if (thread.startsWith("sdk-") || thread.startsWith("aws-java-sdk-")) {
      return S3_CLIENT;
    }
    if (thread.startsWith("kafka-producer-network-thread") && thread.endsWith("-tx")) {
      return PRODUCER;
    }
    if (thread.startsWith("hartbatch-")
        || thread.startsWith("idle-connection-reaper")
        || thread.startsWith("ForkJoinPool")
        || thread.startsWith("CompletableFutureDelayScheduler")
        || thread.startsWith("kafka-coordinator-heartbeat-thread")) {
      return WORKER_OTHER;
    }
    if (thread.equals("main")
        || thread.startsWith("surefire")
        || thread.startsWith("kafka-producer-network-thread")
        || thread.startsWith("metrics-meter-tick")) {
      return HARNESS;
    }
    return BROKER;
  }

  private Map<Long, Long> threadCpu() {
    Map<Long, Long> cpu = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      long nanos = threads.getThreadCpuTime(id);
      if (nanos >= 0) {
        cpu.put(id, nanos);
      }
    }
    return cpu;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
