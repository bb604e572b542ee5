package org.hartbatch.hart.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.hartbatch.hart.pipeline.CheckpointDirs;
import org.hartbatch.hart.pipeline.HartPipeline;
import org.hartbatch.hart.pipeline.PipelineOptions;
import org.hartbatch.hart.sampling.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentBenchmarkTest {
  private static final ContentBenchmark.Painter TRUTH =
      cases -> cases.stream().map(c -> c.scene().render(32)).toList();

  @Test
  void fiftyFixedCasesSingleShapeFirstEachWithItsOwnSeed() {
    List<ContentBenchmark.Case> cases = ContentBenchmark.cases();
    assertEquals(50, cases.size());
    for (ContentBenchmark.Case c : cases) {
      assertEquals(c.index() < 42 ? 1 : 2, c.scene().shapes().size(), c.caption());
    }
    assertEquals(50, cases.stream().map(ContentBenchmark.Case::seed).distinct().count());
    assertEquals(
        50, new HashSet<>(cases.stream().map(ContentBenchmark.Case::caption).toList()).size());
    assertEquals(cases, ContentBenchmark.cases());
    assertEquals(List.of(cases.get(0), cases.get(1), cases.get(42)), ContentBenchmark.subset(2, 1));
  }

  @Test
  void theDataSetsOwnDrawingsPassAndAnotherScenesDrawingsFail() {
    List<ContentBenchmark.Case> cases = ContentBenchmark.cases();
    ContentBenchmark.Score truth = ContentBenchmark.Score.of(ContentBenchmark.judge(cases, TRUTH));
    // The ceiling: two small circles (cases 23, 24) are only a few pixels at 32 px and read as
    // squares even when drawn exactly.
    assertEquals(new ContentBenchmark.Score(42, 42, 40, 8, 8, 8), truth);

    ContentBenchmark.Painter shifted =
        list ->
            list.stream()
                .map(c -> cases.get((c.index() + 1) % cases.size()).scene().render(32))
                .toList();
    ContentBenchmark.Score wrong =
        ContentBenchmark.Score.of(ContentBenchmark.judge(cases, shifted));
    assertTrue(wrong.singleColourCellBackgroundRate() < 0.2, wrong.toString());
  }

  @Test
  void theHarnessRendersEveryCaseWithACheckpoint(@TempDir Path tmp) throws Exception {
    Path dir = CheckpointDirs.writeShapesLike(tmp.resolve("shapes"));
    List<ContentBenchmark.Case> cases = ContentBenchmark.subset(3, 1);
    try (HartPipeline hart = HartPipeline.open(dir.toString(), PipelineOptions.defaults())) {
      List<ContentBenchmark.Judged> judged =
          ContentBenchmark.judge(
              cases, ContentBenchmark.rendering(hart, SamplingParams.REFERENCE_DEFAULTS));
      assertEquals(
          cases,
          judged.stream().map(ContentBenchmark.Judged::testCase).collect(Collectors.toList()));
      for (ContentBenchmark.Judged j : judged) {
        assertEquals(32, j.image().width());
        assertEquals(j.testCase().scene().shapes().size(), j.verdict().shapes().size());
      }
    }
  }
}
