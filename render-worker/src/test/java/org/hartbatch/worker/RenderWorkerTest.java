package org.hartbatch.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.ops.testing.LocalKafkaExtension;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.ops.testing.LocalS3Extension;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.dlq.DeadLetter;
import org.hartbatch.protocol.events.ErrorCode;
import org.hartbatch.protocol.events.HartbatchEvent;
import org.hartbatch.protocol.events.JobFailed;
import org.hartbatch.protocol.events.JobSucceeded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker against a real local Kafka and S3: the normal path and per-job failures. */
@ExtendWith({LocalKafkaExtension.class, LocalS3Extension.class})
class RenderWorkerTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G'};

  @Test
  void storesEveryImageAndCommitsOneEventPerJob(LocalKafka kafka, LocalS3 s3) throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "normal", 3)) {
      List<RenderJob> jobs = fixture.jobs("cat-a", 40);
      fixture.send(jobs);
      WorkerFixture.Running worker =
          fixture.start(fixture.settings("w1").build(), WorkerFixture.renderer(Duration.ZERO));

      Map<String, JobSucceeded> events = successesByJob(fixture.awaitEvents(jobs.size(), WAIT));

      assertEquals(ids(jobs), events.keySet());
      for (RenderJob job : jobs) {
        JobSucceeded event = events.get(job.jobId());
        byte[] image = fixture.store().get(event.key()).join().bytes();
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(image, 4), "PNG bytes of " + event.key());
        assertEquals(image.length, event.byteSize());
        assertEquals(fixture.store().keys().imageKey(job), event.key());
        assertEquals(1, event.attempt());
        assertFalse(event.alreadyExisted());
      }
      assertTrue(
          events.values().stream().anyMatch(e -> e.batchSize() > 1),
          "jobs taken together are rendered together");
      assertEquals(jobs.size(), worker.counter("hartbatch.worker.jobs", "outcome", "succeeded"));
    }
  }

  @Test
  void deadLettersBadRecordsWithoutHoldingUpTheJobsBehindThem(LocalKafka kafka, LocalS3 s3)
      throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "poison-records", 1)) {
      RenderJob broken = fixture.job("cat-b", 1, "ok").toBuilder().seed(null).build();
      fixture.sendRaw(0, "k1", "{not json".getBytes(StandardCharsets.UTF_8));
      fixture.sendRaw(
          0,
          broken.jobId(),
          org.hartbatch.protocol.ProtocolJson.mapper().writeValueAsBytes(broken));
      List<RenderJob> good = fixture.jobs("cat-b", 5).subList(2, 5);
      fixture.send(good);
      fixture.start(fixture.settings("w1").build(), WorkerFixture.renderer(Duration.ZERO));

      List<ConsumerRecord<byte[], byte[]>> deadLetters = fixture.awaitDeadLetters(2, WAIT);
      List<HartbatchEvent> events = fixture.awaitEvents(4, WAIT);

      assertEquals(2, deadLetters.size());
      DeadLetter notJson = DeadLetter.read(deadLetters.get(0));
      assertEquals(ErrorCode.INVALID_JOB, notJson.errorCode());
      assertEquals("{not json", new String(notJson.value(), StandardCharsets.UTF_8));
      assertEquals(0, notJson.sourceOffset());
      DeadLetter noSeed = DeadLetter.read(deadLetters.get(1));
      assertEquals("seed", noSeed.field());
      assertEquals(1, noSeed.sourceOffset());

      List<JobFailed> failures = only(events, JobFailed.class);
      assertEquals(1, failures.size(), "a job.failed only for the record whose ids are readable");
      assertEquals(broken.jobId(), failures.get(0).jobId());
      assertEquals(ErrorCode.INVALID_JOB, failures.get(0).errorCode());
      assertEquals("seed", failures.get(0).violations().get(0).field());
      assertEquals(ids(good), successesByJob(events).keySet());
    }
  }

  @Test
  void aPromptThatBreaksItsBatchFailsAloneAndTheRestSucceeds(LocalKafka kafka, LocalS3 s3)
      throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "split", 1)) {
      List<RenderJob> jobs = new java.util.ArrayList<>(fixture.jobs("cat-c", 8));
      RenderJob poison = fixture.job("cat-c", 8, "a POISON apple");
      jobs.add(3, poison);
      jobs.remove(jobs.size() - 1);
      fixture.send(jobs);
      WorkerFixture.Running worker =
          fixture.start(
              fixture.settings("w1").maxBatch(8).maxWait(Duration.ofSeconds(1)).build(),
              WorkerFixture.renderer(Duration.ZERO));

      List<HartbatchEvent> events = fixture.awaitEvents(jobs.size(), WAIT);

      List<JobFailed> failures = only(events, JobFailed.class);
      assertEquals(1, failures.size());
      assertEquals(poison.jobId(), failures.get(0).jobId());
      assertEquals(ErrorCode.PROMPT_REJECTED, failures.get(0).errorCode());
      Map<String, JobSucceeded> successes = successesByJob(events);
      assertEquals(jobs.size() - 1, successes.size());
      assertTrue(
          successes.values().stream().allMatch(e -> e.batchSize() == 8),
          "the others were rendered from the same batch of 8");
      assertTrue(worker.counter("hartbatch.worker.failures", "cause", "batch_split") >= 3);
    }
  }

  @Test
  void aJobWhoseImageAnEarlierOwnerStoredIsNotRenderedAgain(LocalKafka kafka, LocalS3 s3)
      throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "redelivery", 1)) {
      List<RenderJob> jobs = fixture.jobs("cat-d", 4);
      fixture.send(jobs);
      // An earlier owner reserved offsets 0-2 and stored the image of job 1, then died.
      Reservations.commit(kafka, fixture.group(), fixture.topics().jobs().name(), 0, 0, 3);
      byte[] earlier =
          org.hartbatch.hart.pipeline.PngImages.encode(
              new org.hartbatch.hart.pipeline.GeneratedImage(1, 1, new float[3]), Map.of());
      fixture.store().putImage(jobs.get(1), "1", earlier).join();

      WorkerFixture.Running worker =
          fixture.start(fixture.settings("w1").build(), WorkerFixture.renderer(Duration.ZERO));
      Map<String, JobSucceeded> events = successesByJob(fixture.awaitEvents(jobs.size(), WAIT));

      JobSucceeded found = events.get(jobs.get(1).jobId());
      assertTrue(found.alreadyExisted());
      assertEquals(earlier.length, found.byteSize());
      assertEquals(2, found.attempt());
      assertEquals(2, events.get(jobs.get(0).jobId()).attempt(), "reserved, so maybe stored");
      assertFalse(events.get(jobs.get(0).jobId()).alreadyExisted());
      assertEquals(1, events.get(jobs.get(3).jobId()).attempt(), "beyond the reservation");
      assertEquals(3, worker.counter("hartbatch.worker.images"), "job 1 was not rendered");
    }
  }

  @Test
  void keysTakenByOtherContentAndUnservedModelsFailOnlyTheirJobs(LocalKafka kafka, LocalS3 s3)
      throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "conflicts", 1)) {
      List<RenderJob> jobs = fixture.jobs("cat-e", 4);
      RenderJob otherModel = jobs.get(0).toBuilder().model("hart-0.7b-1024px").build();
      RenderJob storedDifferently = jobs.get(1);
      RenderJob keyTaken = jobs.get(2);
      byte[] earlier =
          org.hartbatch.hart.pipeline.PngImages.encode(
              new org.hartbatch.hart.pipeline.GeneratedImage(1, 1, new float[3]), Map.of());
      // A render of the same job that differs in its bytes, e.g. from another GPU.
      fixture.store().putImage(storedDifferently, "1", earlier).join();
      // Something else under the key of another job.
      fixture
          .store()
          .putImage(
              fixture.store().keys().imageKey(keyTaken),
              earlier,
              "image/png",
              org.hartbatch.store.ImageMetadata.of(jobs.get(3), "1").toUserMetadata())
          .join();
      fixture.send(List.of(otherModel, storedDifferently, keyTaken, jobs.get(3)));
      fixture.start(fixture.settings("w1").build(), WorkerFixture.renderer(Duration.ZERO));

      List<HartbatchEvent> events = fixture.awaitEvents(4, WAIT);

      Map<String, JobFailed> failures =
          only(events, JobFailed.class).stream()
              .collect(Collectors.toMap(JobFailed::jobId, Function.identity()));
      assertEquals(Set.of(otherModel.jobId(), keyTaken.jobId()), failures.keySet());
      assertEquals(ErrorCode.MODEL_UNAVAILABLE, failures.get(otherModel.jobId()).errorCode());
      assertTrue(failures.get(otherModel.jobId()).retriable());
      assertEquals(ErrorCode.STORE_CONFLICT, failures.get(keyTaken.jobId()).errorCode());
      Map<String, JobSucceeded> successes = successesByJob(events);
      assertTrue(successes.get(storedDifferently.jobId()).alreadyExisted());
      assertEquals(earlier.length, successes.get(storedDifferently.jobId()).byteSize());
      assertFalse(successes.get(jobs.get(3).jobId()).alreadyExisted());
    }
  }

  static Map<String, JobSucceeded> successesByJob(List<HartbatchEvent> events) {
    List<JobSucceeded> successes = only(events, JobSucceeded.class);
    Map<String, JobSucceeded> byJob =
        successes.stream().collect(Collectors.toMap(JobSucceeded::jobId, Function.identity()));
    assertEquals(successes.size(), byJob.size(), "one job.succeeded per job");
    return byJob;
  }

  static <T> List<T> only(List<HartbatchEvent> events, Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static Set<String> ids(List<RenderJob> jobs) {
    return jobs.stream().map(RenderJob::jobId).collect(Collectors.toSet());
  }
}
