package org.hartbatch.hart.bench;

import java.util.ArrayList;
import java.util.List;
import org.hartbatch.hart.pipeline.HartPipeline;
import org.hartbatch.hart.pipeline.PipelineOptions;
import org.hartbatch.hart.sampling.SamplingParams;
import org.hartbatch.hart.shapes.ContentBenchmark;
import org.hartbatch.hart.shapes.SceneSampler;

/**
 * Sampling settings of a shapes model on single-shape captions: the 42 of the content benchmark
 * ({@link ContentBenchmark}) and, apart, {@code EXTRA} more single-shape captions of another scene
 * seed with their own render seeds, so that a setting picked on one set can be checked on the
 * other. Prints one Markdown row per setting. Not a test.
 *
 * <p>Args: {@code MODEL EXTRA SETTING...}, a setting being {@code diffusion:cfg:topK:topP:smooth},
 * e.g. {@code on:4.5:0:0:true} (the job defaults) or {@code off:3:8:0:false}.
 */
public final class SamplingSweep {
  /** Scene seed of the extra captions (the benchmark's is {@link ContentBenchmark#SCENE_SEED}). */
  static final long EXTRA_SCENE_SEED = 0x5EED_C0DFL;

  private static final long EXTRA_FIRST_RENDER_SEED = 20_000;

  public static void main(String[] args) throws Exception {
    String model = args[0];
    int extra = Integer.parseInt(args[1]);
    List<ContentBenchmark.Case> bench =
        ContentBenchmark.cases().subList(0, ContentBenchmark.SINGLE_SHAPE_CASES);
    List<ContentBenchmark.Case> held = extraCases(extra);
    System.out.printf(
        "model %s; benchmark: %d single-shape captions; extra: %d (scene seed %#x)%n%n",
        model, bench.size(), held.size(), EXTRA_SCENE_SEED);
    System.out.println(
        "| diffusion | cfg | top-k | top-p | smooth | bench: colour, cell, bg | bench: kind |"
            + " extra: colour, cell, bg | extra: kind |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (boolean diffusion : new boolean[] {true, false}) {
      List<String> settings = new ArrayList<>();
      for (int i = 2; i < args.length; i++) {
        if (args[i].startsWith(diffusion ? "on:" : "off:")) {
          settings.add(args[i]);
        }
      }
      if (settings.isEmpty()) {
        continue;
      }
      try (HartPipeline hart =
          HartPipeline.open(
              model,
              PipelineOptions.defaults().withMaxBatch(25).withResidualDiffusion(diffusion))) {
        for (String setting : settings) {
          String[] f = setting.split(":");
          SamplingParams sampling =
              new SamplingParams(
                  Double.parseDouble(f[1]),
                  Integer.parseInt(f[2]),
                  Double.parseDouble(f[3]),
                  Boolean.parseBoolean(f[4]));
          ContentBenchmark.Score b =
              ContentBenchmark.Score.of(
                  ContentBenchmark.judge(bench, ContentBenchmark.rendering(hart, sampling)));
          ContentBenchmark.Score e =
              held.isEmpty()
                  ? null
                  : ContentBenchmark.Score.of(
                      ContentBenchmark.judge(held, ContentBenchmark.rendering(hart, sampling)));
          System.out.printf(
              "| %s | %s | %d | %s | %s | %s | %s | %s | %s |%n",
              f[0],
              sampling.cfg(),
              sampling.topK(),
              sampling.topP(),
              sampling.moreSmooth(),
              rate(b.singleColourCellBackground(), b.single()),
              rate(b.singleKinds(), b.single()),
              e == null ? "-" : rate(e.singleColourCellBackground(), e.single()),
              e == null ? "-" : rate(e.singleKinds(), e.single()));
        }
      }
    }
  }

  /** {@code count} single-shape captions of {@link #EXTRA_SCENE_SEED}, with their own seeds. */
  static List<ContentBenchmark.Case> extraCases(int count) {
    SceneSampler sampler = new SceneSampler(EXTRA_SCENE_SEED, 1);
    List<ContentBenchmark.Case> cases = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      cases.add(new ContentBenchmark.Case(i, sampler.scene(i), EXTRA_FIRST_RENDER_SEED + i));
    }
    return cases;
  }

  private static String rate(int passed, int total) {
    return String.format("%d/%d (%.0f%%)", passed, total, 100.0 * passed / total);
  }
}
