package org.hartbatch.worker;

import static org.hartbatch.worker.RenderWorkerTest.ids;
import static org.hartbatch.worker.RenderWorkerTest.successesByJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.ops.testing.LocalKafkaExtension;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.ops.testing.LocalS3Extension;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.events.HartbatchEvent;
import org.hartbatch.protocol.events.JobSucceeded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The packaged worker as a separate process, killed and stopped against real Kafka and S3. */
@ExtendWith({LocalKafkaExtension.class, LocalS3Extension.class})
class WorkerProcessIT {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Map<String, String> SLOW_BATCHES =
      Map.of(
          "hartbatch.worker.max-batch", "8",
          "hartbatch.worker.max-wait", "50ms",
          "hartbatch.worker.synthetic.cost-per-batch", "150ms",
          "hartbatch.worker.reserve-ahead", "50");

  @Test
  void aWorkerKilledMidBatchLeavesExactlyOneEventAndOneObjectPerJob(LocalKafka kafka, LocalS3 s3)
      throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "sigkill", 4)) {
      List<RenderJob> jobs = fixture.jobs("cat-kill", 240);
      fixture.send(jobs);
      try (WorkerProcess first = WorkerProcess.start(kafka, fixture, "proc-1", SLOW_BATCHES)) {
        awaitCommittedJobs(kafka, fixture, first, 40);
        first.kill();
      }
      int afterKill = committedJobs(kafka, fixture);
      assertTrue(afterKill < jobs.size(), "the kill came before the end: " + afterKill);

      try (WorkerProcess second = WorkerProcess.start(kafka, fixture, "proc-1", SLOW_BATCHES)) {
        Map<String, JobSucceeded> events = successesByJob(fixture.awaitEvents(jobs.size(), WAIT));
        assertEquals(ids(jobs), events.keySet(), "every job has exactly one committed event");
        assertEquals(0, second.terminate(Duration.ofSeconds(60)));
      }

      Set<String> keys = new HashSet<>();
      for (S3Object object :
          s3.client()
              .listObjectsV2Paginator(r -> r.bucket(fixture.storeConfig().bucket()))
              .contents()) {
        keys.add(object.key());
      }
      Set<String> expected = new HashSet<>();
      for (RenderJob job : jobs) {
        expected.add(fixture.store().keys().imageKey(job));
      }
      assertEquals(expected, keys, "exactly one object per job, none missing, none extra");
    }
  }

  @Test
  void sigtermFinishesOrAbandonsTheBatchInFlightCommitsAndExitsZero(LocalKafka kafka, LocalS3 s3)
      throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "sigterm", 2)) {
      List<RenderJob> jobs = fixture.jobs("cat-term", 200);
      fixture.send(jobs);
      try (WorkerProcess worker = WorkerProcess.start(kafka, fixture, "proc-t", SLOW_BATCHES)) {
        awaitCommittedJobs(kafka, fixture, worker, 24);

        assertEquals(0, worker.terminate(Duration.ofSeconds(60)), "exit code after SIGTERM");
        assertTrue(worker.log().contains("stopping:"), "the worker stopped gracefully");
      }

      List<HartbatchEvent> events = fixture.awaitEvents(0, Duration.ZERO);
      Map<String, JobSucceeded> byJob = successesByJob(events);
      assertEquals(
          committedJobs(kafka, fixture),
          byJob.size(),
          "the committed offsets cover exactly the jobs with committed events");
      assertTrue(byJob.size() < jobs.size(), "it stopped before the end");
    }
  }

  /** Jobs consumed and committed by the workers' group: the sum of its committed offsets. */
  private static int committedJobs(LocalKafka kafka, WorkerFixture fixture) throws Exception {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      Map<?, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(fixture.group()).partitionsToOffsetAndMetadata().get();
      return (int) offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }
  }

  private static void awaitCommittedJobs(
      LocalKafka kafka, WorkerFixture fixture, WorkerProcess worker, int atLeast) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (committedJobs(kafka, fixture) < atLeast) {
      worker.assertAlive();
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the worker committed fewer than " + atLeast + " jobs");
      }
      Thread.sleep(100);
    }
  }
}
