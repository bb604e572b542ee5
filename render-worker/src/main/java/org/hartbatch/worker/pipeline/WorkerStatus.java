package org.hartbatch.worker.pipeline;

/** What health checks read of a running worker; written by its consumer loop. */
public final class WorkerStatus {

  private volatile boolean modelLoaded;
  private volatile int assignedPartitions;
  private volatile long lastLoopNanos = System.nanoTime();
  private volatile boolean loopRunning;
  private volatile Throwable failure;

  public boolean modelLoaded() {
    return modelLoaded;
  }

  public int assignedPartitions() {
    return assignedPartitions;
  }

  /** Whether the loop runs and went round within {@code maxSilenceNanos}. */
  public boolean loopAlive(long maxSilenceNanos) {
    return loopRunning && System.nanoTime() - lastLoopNanos < maxSilenceNanos;
  }

  /** Why the loop stopped, if it failed. */
  public Throwable failure() {
    return failure;
  }

  void modelLoaded(boolean loaded) {
    modelLoaded = loaded;
  }

  void assignedPartitions(int n) {
    assignedPartitions = n;
  }

  void looped() {
    lastLoopNanos = System.nanoTime();
  }

  void loopRunning(boolean running) {
    loopRunning = running;
    looped();
  }

  void failed(Throwable cause) {
    failure = cause;
  }
}
