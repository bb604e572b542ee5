package org.hartbatch.worker;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;

/**
 * CPU time of this JVM between {@link #start()} and {@link #stop()}, split by who spent it: the
 * worker (by thread: its loop, encoders, S3 client, Kafka producer), the in-JVM Kafka broker, the
 * in-JVM S3 server, the benchmark itself, the JVM's own threads (GC, JIT; read from /proc), and the
 * rest of the process (native threads that are not Java threads, threads that exited meanwhile).
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
  static final String JVM = "JVM (GC, JIT)";
  static final String JVM_GC = "garbage collection";
  static final String JVM_JIT = "JIT compilers";
  static final String JVM_VM = "VM thread";
  static final String NATIVE = "native threads (e.g. CRT I/O) and exited threads";

  /** Names (in /proc) of the JVM's own threads: garbage collectors, JIT compilers, VM thread. */
  private static final String[] JVM_THREADS = {
    "GC Thread",
    "G1 ",
    "VM Thread",
    "C1 CompilerThre",
    "C2 CompilerThre",
    "VM Periodic Tas",
    "Sweeper thread"
  };

  private static final long NANOS_PER_CLOCK_TICK = 10_000_000; // USER_HZ = 100 on Linux

  /** The components that are the worker process in production; the rest runs elsewhere there. */
  static final Set<String> WORKER = Set.of(LOOP, ENCODE, S3_CLIENT, PRODUCER, WORKER_OTHER);

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private Map<Long, Long> startByThread;
  private Map<Long, Long> allocatedAtStart;
  private double workerAllocationShare;
  private Map<String, Long> jvmStartByTask;
  private final Map<String, Long> jvmSplit = new LinkedHashMap<>();
  private long processStart;

  static CpuBreakdown start() {
    CpuBreakdown breakdown = new CpuBreakdown();
    breakdown.startByThread = breakdown.threadCpu();
    breakdown.allocatedAtStart = breakdown.allocated();
    breakdown.jvmStartByTask = jvmThreadCpu();
    breakdown.processStart = processCpuNanos();
    return breakdown;
  }

  /** CPU nanoseconds by component since {@link #start()}, in a fixed order, plus "total". */
  Map<String, Long> stop() {
    long process = processCpuNanos() - processStart;
    Map<String, Long> byComponent = new LinkedHashMap<>();
    for (String component :
        new String[] {
          LOOP, ENCODE, S3_CLIENT, PRODUCER, WORKER_OTHER, BROKER, S3, HARNESS, JVM, NATIVE
        }) {
      byComponent.put(component, 0L);
    }
    long accounted = 0;
    long workerAllocated = 0;
    long allAllocated = 0;
    for (Map.Entry<Long, Long> thread : allocated().entrySet()) {
      var info = threads.getThreadInfo(thread.getKey());
      long bytes = thread.getValue() - allocatedAtStart.getOrDefault(thread.getKey(), 0L);
      if (info != null && bytes > 0) {
        allAllocated += bytes;
        workerAllocated += WORKER.contains(component(info.getThreadName())) ? bytes : 0;
      }
    }
    workerAllocationShare = allAllocated == 0 ? 0 : (double) workerAllocated / allAllocated;
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
    long jvm = 0;
    jvmSplit.clear();
    jvmSplit.put(JVM_GC, 0L);
    jvmSplit.put(JVM_JIT, 0L);
    jvmSplit.put(JVM_VM, 0L);
    for (Map.Entry<String, Long> task : jvmThreadCpu().entrySet()) {
      long spent = task.getValue() - jvmStartByTask.getOrDefault(task.getKey(), 0L);
      jvm += spent;
      jvmSplit.merge(jvmKind(task.getKey()), spent, Long::sum);
    }
    byComponent.put(JVM, jvm);
    byComponent.put(NATIVE, Math.max(0, process - accounted - jvm));
    byComponent.put("total", process);
    return byComponent;
  }

  /**
   * {@link #JVM}'s time of the last {@link #stop()} by kind of thread: garbage collection ({@link
   * #JVM_GC}), JIT compilers ({@link #JVM_JIT}), the VM thread and periodic tasks ({@link
   * #JVM_VM}).
   */
  Map<String, Long> jvmSplit() {
    return Map.copyOf(jvmSplit);
  }

  /** The kind of a JVM thread whose map key {@link #jvmThreadCpu()} made. */
  private static String jvmKind(String key) {
    String name = key.substring(key.indexOf(' ') + 1);
    if (name.startsWith("C1 ") || name.startsWith("C2 ") || name.startsWith("Sweeper")) {
      return JVM_JIT;
    }
    if (name.startsWith("GC ") || name.startsWith("G1 ")) {
      return JVM_GC;
    }
    return JVM_VM;
  }

  /**
   * The worker's threads' share of the bytes allocated by live threads during the last {@link
   * #stop()}'s interval: the part of GC time a worker running alone would have.
   */
  double workerAllocationShare() {
    return workerAllocationShare;
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

  private Map<Long, Long> allocated() {
    return byThread(threads::getThreadAllocatedBytes);
  }

  private Map<Long, Long> threadCpu() {
    return byThread(threads::getThreadCpuTime);
  }

  /** {@code measure} of every live thread by id, where the JVM knows it (not negative). */
  private Map<Long, Long> byThread(LongUnaryOperator measure) {
    Map<Long, Long> values = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      long value = measure.applyAsLong(id);
      if (value >= 0) {
        values.put(id, value);
      }
    }
    return values;
  }

  /**
   * CPU time of the JVM's own threads by task id and name ({@code "<tid> <name>"}), from /proc
   * (empty where there is none).
   */
  private static Map<String, Long> jvmThreadCpu() {
    Map<String, Long> cpu = new HashMap<>();
    File[] tasks = new File("/proc/self/task").listFiles();
    for (File task : tasks == null ? new File[0] : tasks) {
      try {
        String name = Files.readString(task.toPath().resolve("comm")).strip();
        if (Arrays.stream(JVM_THREADS).noneMatch(name::startsWith)) {
          continue;
        }
        String stat = Files.readString(task.toPath().resolve("stat"));
        // fields after the parenthesised name: state is field 3, utime 14, stime 15
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        cpu.put(task.getName() + " " + name, ticks * NANOS_PER_CLOCK_TICK);
      } catch (IOException | RuntimeException e) {
        // the thread ended meanwhile
      }
    }
    return cpu;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
