package org.hartbatch.worker;

import static org.hartbatch.worker.RenderWorkerTest.successesByJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.ops.testing.LocalKafkaExtension;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.ops.testing.LocalS3Extension;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.events.ErrorCode;
import org.hartbatch.protocol.events.JobSucceeded;
import org.hartbatch.worker.render.HartRenderer;
import org.hartbatch.worker.render.RenderRequest;
import org.hartbatch.worker.render.RenderResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker with the real HART pipeline (built-in tiny model) against local Kafka and S3. */
@ExtendWith({LocalKafkaExtension.class, LocalS3Extension.class})
class HartRendererTest {

  private static final String MODEL = "hart-0.7b-1024px";

  @Test
  void rendersJobsWithTheBuiltInModel(LocalKafka kafka, LocalS3 s3) throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "hart", 1)) {
      List<String> prompts =
          List.of("a small red boat", "a red Zyzzyva boat near a qwxyz", "a blue house");
      List<RenderJob> jobs =
          IntStream.range(0, prompts.size())
              .mapToObj(
                  i -> fixture.job("cat-h", i, prompts.get(i)).toBuilder().model(MODEL).build())
              .toList();
      fixture.send(jobs);
      fixture.start(
          fixture.settings("w1").maxBatch(4).build(),
          new HartRenderer("builtin:tiny", Optional.empty(), MODEL, Optional.empty(), 4));

      Map<String, JobSucceeded> events =
          successesByJob(fixture.awaitEvents(jobs.size(), Duration.ofSeconds(120)));

      assertEquals(RenderWorkerTest.ids(jobs), events.keySet());
      for (JobSucceeded event : events.values()) {
        assertEquals("builtin-tiny", event.modelRevision());
        BufferedImage image =
            ImageIO.read(new ByteArrayInputStream(fixture.store().get(event.key()).join().bytes()));
        assertEquals(event.width(), image.getWidth());
        assertEquals(event.height(), image.getHeight());
      }
      JobSucceeded unknown = events.get(jobs.get(1).jobId());
      assertEquals(List.of("Zyzzyva", "qwxyz"), unknown.unknownWords());
      assertEquals(
          List.of("the model does not know these words of the prompt: Zyzzyva qwxyz"),
          unknown.warnings());
      assertEquals(List.of(), events.get(jobs.get(0).jobId()).unknownWords());
      assertEquals(List.of(), events.get(jobs.get(0).jobId()).warnings());
    }
  }

  @Test
  void aPromptTheModelRejectsFailsAloneInItsBatch() throws Exception {
    try (HartRenderer renderer =
        new HartRenderer("builtin:tiny", Optional.empty(), MODEL, Optional.empty(), 2)) {
      renderer.load();
      List<RenderResult> results =
          renderer.render(
              List.of(
                  new RenderRequest("a small boat", 1, 4.5, true, null, null),
                  new RenderRequest("   ", 2, 4.5, true, null, null)));

      assertInstanceOf(RenderResult.Image.class, results.get(0));
      RenderResult.Failed failed = assertInstanceOf(RenderResult.Failed.class, results.get(1));
      assertEquals(ErrorCode.PROMPT_REJECTED, failed.code());
    }
  }
}
