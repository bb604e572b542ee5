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
      List<RenderJob> jobs =
          fixture.jobs("cat-h", 3).stream().map(j -> j.toBuilder().model(MODEL).build()).toList();
      fixture.send(jobs);
      fixture.start(
          fixture.settings("w1").maxBatch(4).build(),
          new HartRenderer(Optional.empty(), Optional.empty(), MODEL, Optional.empty(), 4));

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
    }
  }

  @Test
  void aPromptTheModelRejectsFailsAloneInItsBatch() throws Exception {
    try (HartRenderer renderer =
        new HartRenderer(Optional.empty(), Optional.empty(), MODEL, Optional.empty(), 2)) {
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
