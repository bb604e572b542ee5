package org.hartbatch.worker;

import static org.hartbatch.worker.RenderWorkerTest.successesByJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.hartbatch.hart.pipeline.BuiltinCheckpoint;
import org.hartbatch.hart.shapes.ContentBenchmark;
import org.hartbatch.hart.shapes.RgbImage;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.ops.testing.LocalKafkaExtension;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.ops.testing.LocalS3Extension;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.events.JobSucceeded;
import org.hartbatch.worker.render.HartRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worker with the shipped builtin:shapes renders the content benchmark's CI captions as jobs
 * through Kafka, PNG encoding and S3, and the stored PNGs, decoded again, pass the content check: a
 * regression anywhere between a job and its stored image shows up as wrong pictures.
 */
@EnabledIf("weightsShipped")
@ExtendWith({LocalKafkaExtension.class, LocalS3Extension.class})
class ShippedShapesWorkerTest {
  private static final String MODEL = "builtin-shapes";

  static boolean weightsShipped() {
    return BuiltinCheckpoint.SHAPES.isShippedIn(ShippedShapesWorkerTest.class.getClassLoader());
  }

  @Test
  void storedImagesShowWhatTheirCaptionsSay(LocalKafka kafka, LocalS3 s3) throws Exception {
    List<ContentBenchmark.Case> cases = ContentBenchmark.ciCases();
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "shapes", 1)) {
      List<RenderJob> jobs = new ArrayList<>();
      for (ContentBenchmark.Case c : cases) {
        jobs.add(
            fixture.job("cat-s", c.index(), c.caption()).toBuilder()
                .model(MODEL)
                .seed(c.seed())
                .build());
      }
      fixture.send(jobs);
      fixture.start(
          fixture.settings("w1").maxBatch(6).build(),
          new HartRenderer("builtin:shapes", Optional.empty(), MODEL, Optional.empty(), 6));

      Map<String, JobSucceeded> events =
          successesByJob(fixture.awaitEvents(jobs.size(), Duration.ofSeconds(300)));

      assertEquals(RenderWorkerTest.ids(jobs), events.keySet());
      ContentBenchmark.Score score =
          ContentBenchmark.Score.of(
              ContentBenchmark.judge(
                  cases,
                  painted -> {
                    List<RgbImage> images = new ArrayList<>();
                    for (RenderJob job : jobs) {
                      JobSucceeded event = events.get(job.jobId());
                      assertEquals("builtin-shapes", event.modelRevision());
                      assertEquals(List.of(), event.unknownWords());
                      images.add(decode(fixture.store().get(event.key()).join().bytes()));
                    }
                    return images;
                  }));
      assertTrue(ContentBenchmark.ciPasses(score), score.toString());
    }
  }

  private static RgbImage decode(byte[] png) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      byte[] rgb = new byte[image.getWidth() * image.getHeight() * 3];
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          int argb = image.getRGB(x, y);
          int i = (y * image.getWidth() + x) * 3;
          rgb[i] = (byte) (argb >> 16);
          rgb[i + 1] = (byte) (argb >> 8);
          rgb[i + 2] = (byte) argb;
        }
      }
      return new RgbImage(image.getWidth(), image.getHeight(), rgb);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
