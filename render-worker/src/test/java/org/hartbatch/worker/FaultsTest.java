package org.hartbatch.worker;

import static org.hartbatch.worker.RenderWorkerTest.ids;
import static org.hartbatch.worker.RenderWorkerTest.successesByJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.ops.testing.LocalKafkaExtension;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.ops.testing.LocalS3Extension;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.events.JobSucceeded;
import org.hartbatch.worker.pipeline.WorkerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker through outages and rebalances, against a real local Kafka and S3. */
@ExtendWith({LocalKafkaExtension.class, LocalS3Extension.class})
class FaultsTest {

  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void pausesWhileTheStoreIsDownAndResumesWithNothingLost(LocalKafka kafka, LocalS3 s3)
      throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "s3-outage", 2)) {
      s3.stop();
      List<RenderJob> jobs = fixture.jobs("cat-s3", 60);
      fixture.send(jobs);
      WorkerFixture.Running worker =
          fixture.start(fixture.settings("w1").build(), WorkerFixture.renderer(Duration.ZERO));
      try {
        await(() -> worker.gauge("hartbatch.worker.paused") == 1.0, "the worker pauses");
        await(
            () -> worker.counter("hartbatch.worker.failures", "cause", "store_unavailable") > 0,
            "the worker waits for the store");
        assertEquals(List.of(), fixture.eventsSoFar(), "nothing completes without the store");
      } finally {
        s3.start();
      }

      Map<String, JobSucceeded> events = successesByJob(fixture.awaitEvents(jobs.size(), WAIT));

      assertEquals(ids(jobs), events.keySet());
      await(() -> worker.gauge("hartbatch.worker.paused") == 0.0, "the worker resumes");
    }
  }

  @Test
  void carriesOnAfterABrokerRestart(LocalKafka kafka, LocalS3 s3) throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "broker-restart", 2)) {
      List<RenderJob> jobs = fixture.jobs("cat-k", 60);
      fixture.send(jobs.subList(0, 30));
      WorkerFixture.Running worker =
          fixture.start(
              fixture.settings("w1").build(), WorkerFixture.renderer(Duration.ofMillis(20)));
      await(() -> succeeded(worker) >= 10, "some jobs complete");

      kafka.restart();
      fixture.send(jobs.subList(30, 60));

      Map<String, JobSucceeded> events = successesByJob(fixture.awaitEvents(jobs.size(), WAIT));
      assertEquals(ids(jobs), events.keySet());
    }
  }

  @Test
  void aFailedTransactionRewindsToTheCommittedOffsetsAndRepublishesNothing(
      LocalKafka kafka, LocalS3 s3) throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "fenced", 1)) {
      List<RenderJob> jobs = fixture.jobs("cat-f", 30);
      fixture.send(jobs.subList(0, 20));
      WorkerSettings settings = fixture.settings("w1").build();
      WorkerFixture.Running worker = fixture.start(settings, WorkerFixture.renderer(Duration.ZERO));
      fixture.awaitEvents(20, WAIT);

      // A producer with the worker's transactional id fences the worker's producer, so the
      // worker's next transaction fails and it rewinds to the committed offset.
      try (KafkaProducer<byte[], byte[]> successor =
          new KafkaProducer<>(settings.producerConfig())) {
        successor.initTransactions();
      }
      fixture.send(jobs.subList(20, 30));

      Map<String, JobSucceeded> events = successesByJob(fixture.awaitEvents(jobs.size(), WAIT));
      assertEquals(ids(jobs), events.keySet());
      assertTrue(
          worker.counter("hartbatch.worker.failures", "cause", "transaction_failed") > 0,
          "the worker's transaction failed");
    }
  }

  @Test
  void handsPartitionsToANewWorkerWithoutLosingOrRepeatingJobs(LocalKafka kafka, LocalS3 s3)
      throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "rebalance", 4)) {
      List<RenderJob> jobs = fixture.jobs("cat-r", 120);
      fixture.send(jobs.subList(0, 40));
      WorkerFixture.Running first =
          fixture.start(
              fixture.settings("w1").build(), WorkerFixture.renderer(Duration.ofMillis(100)));
      await(() -> succeeded(first) >= 10, "the first worker completes jobs");

      WorkerFixture.Running second =
          fixture.start(
              fixture.settings("w2").build(), WorkerFixture.renderer(Duration.ofMillis(100)));
      await(() -> second.status().assignedPartitions() > 0, "the second worker gets partitions");
      fixture.send(jobs.subList(40, 120));

      Map<String, JobSucceeded> events = successesByJob(fixture.awaitEvents(jobs.size(), WAIT));
      assertEquals(ids(jobs), events.keySet());
      assertTrue(succeeded(second) > 0, "the second worker rendered jobs of its partitions");
    }
  }

  private static double succeeded(WorkerFixture.Running worker) {
    return worker.counter("hartbatch.worker.jobs", "outcome", "succeeded");
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(100);
    }
  }
}
