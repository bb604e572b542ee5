package org.hartbatch.hart.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hartbatch.hart.shapes.Scene;
import org.hartbatch.hart.shapes.SceneSampler;
import org.hartbatch.hart.shapes.ShapeKind;

/**
 * Does a trained transformer know the shape kinds? For held-out single-shape scenes, the teacher
 * forced cross-entropy of the scene's own token pyramid under its caption and under the same
 * caption with each other kind: the model "tells the kind" of a scene when its own caption gives
 * the lowest cross-entropy (chance: one in three). Also the mean cross-entropy gap (wrong kinds
 * minus the right one) per scale, i.e. where the model uses the kind word. Not a test.
 *
 * <p>Args: {@code DIR [SCENES]}: a checkpoint directory the transformer trainer wrote with {@link
 * TransformerTrainer.Settings#shapes()}.
 */
public final class KindProbe {
  private static final long SCENE_SEED = 0x5EED_C0E0L;
  private static final int BATCH = 25;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    SceneSampler sampler = new SceneSampler(SCENE_SEED, 1);
    try (TransformerTrainer trainer =
            TransformerTrainer.fromCheckpoint(TransformerTrainer.Settings.shapes(), dir);
        NDManager m = NDManager.newBaseManager()) {
      int[] patchNums = trainer.transformerConfig().patchSides();
      double[] gap = new double[patchNums.length];
      double[][] ceSplit = new double[2][patchNums.length];
      int[][] nSplit = new int[2][patchNums.length];
      int[][] hitSplit = new int[2][patchNums.length];
      int told = 0;
      int[] toldBySize = new int[2];
      int[] bySize = new int[2];
      for (int start = 0; start < count; start += BATCH) {
        List<Scene> scenes = new ArrayList<>();
        for (int i = start; i < Math.min(count, start + BATCH); i++) {
          scenes.add(sampler.scene(i));
        }
        try (NDManager scope = m.newSubManager()) {
          TokenPyramid pyramid = trainer.pyramid(scenes, scope);
          boolean[] dropped = new boolean[scenes.size()];
          // [kind][row][scale] summed cross-entropy
          double[][][] ce = new double[ShapeKind.values().length][scenes.size()][];
          for (ShapeKind kind : ShapeKind.values()) {
            List<String> captions = new ArrayList<>();
            for (Scene s : scenes) {
              captions.add(withKind(s, kind).caption());
            }
            TransformerTrainer.Forward f = trainer.forward(captions, dropped, pyramid, scope);
            ce[kind.ordinal()] = perScale(f.logits_RNV(), pyramid.indices_RN(), patchNums, scope);
            boolean[] own = new boolean[scenes.size()];
            for (int r = 0; r < own.length; r++) {
              own[r] = scenes.get(r).shapes().get(0).kind() == kind;
            }
            split(
                f.logits_RNV(),
                pyramid.indices_RN(),
                patchNums,
                own,
                ceSplit,
                nSplit,
                hitSplit,
                TransformerTrainer.tokenWeights(scenes, trainer.imageSize(), patchNums, 1f),
                scope);
          }
          for (int r = 0; r < scenes.size(); r++) {
            ShapeKind truth = scenes.get(r).shapes().get(0).kind();
            double own = sum(ce[truth.ordinal()][r]);
            boolean best = true;
            for (ShapeKind k : ShapeKind.values()) {
              if (k != truth) {
                best &= sum(ce[k.ordinal()][r]) > own;
                for (int s = 0; s < patchNums.length; s++) {
                  gap[s] += (ce[k.ordinal()][r][s] - ce[truth.ordinal()][r][s]) / 2;
                }
              }
            }
            int size = scenes.get(r).shapes().get(0).size().ordinal();
            bySize[size]++;
            told += best ? 1 : 0;
            toldBySize[size] += best ? 1 : 0;
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%s: kind told by likelihood in %d/%d (%.0f%%); by size %s %d/%d, %s %d/%d%n",
          dir,
          told,
          count,
          100.0 * told / count,
          org.hartbatch.hart.shapes.ShapeSize.values()[0],
          toldBySize[0],
          bySize[0],
          org.hartbatch.hart.shapes.ShapeSize.values()[1],
          toldBySize[1],
          bySize[1]);
      StringBuilder line = new StringBuilder("mean CE gap (wrong - right kind, nats per image):");
      for (int s = 0; s < patchNums.length; s++) {
        line.append(
            String.format(Locale.ROOT, " %dx%d %.3f", patchNums[s], patchNums[s], gap[s] / count));
      }
      System.out.println(line);
      for (int g = 0; g < 2; g++) {
        StringBuilder l =
            new StringBuilder(
                g == 0
                    ? "tokens away from the shape: CE/acc/share"
                    : "tokens touching the shape or its ring: CE/acc/share");
        for (int s = 0; s < patchNums.length; s++) {
          int total = nSplit[0][s] + nSplit[1][s];
          l.append(
              String.format(
                  Locale.ROOT,
                  " %dx%d %.2f/%.2f/%.2f",
                  patchNums[s],
                  patchNums[s],
                  ceSplit[g][s] / nSplit[g][s],
                  (double) hitSplit[g][s] / nSplit[g][s],
                  (double) nSplit[g][s] / total));
        }
        System.out.println(l);
      }
    }
  }

  private static Scene withKind(Scene scene, ShapeKind kind) {
    var s = scene.shapes().get(0);
    return new Scene(
        List.of(
            new org.hartbatch.hart.shapes.Shape(
                kind, s.colour(), s.size(), s.cell(), s.jitterX(), s.jitterY())),
        scene.background());
  }

  /** Per row, the summed cross-entropy of each scale's tokens. */
  private static double[][] perScale(
      NDArray logits_RNV, long[][] indices_RN, int[] patchNums, NDManager m) {
    int rows = indices_RN.length;
    int n = indices_RN[0].length;
    long[] flat = new long[rows * n];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(indices_RN[r], 0, flat, r * n, n);
    }
    float[] nll =
        logits_RNV
            .logSoftmax(-1)
            .gather(m.create(flat, new Shape(rows, n, 1)), -1)
            .neg()
            .toFloatArray();
    double[][] out = new double[rows][patchNums.length];
    for (int r = 0; r < rows; r++) {
      int t = 0;
      for (int s = 0; s < patchNums.length; s++) {
        for (int i = 0; i < patchNums[s] * patchNums[s]; i++) {
          out[r][s] += nll[r * n + t++];
        }
      }
    }
    return out;
  }

  private static void split(
      NDArray logits_RNV,
      long[][] indices_RN,
      int[] patchNums,
      boolean[] own,
      double[][] ce,
      int[][] n,
      int[][] hits,
      float[] touching,
      NDManager m) {
    float lowest = Float.MAX_VALUE;
    for (float w : touching) {
      lowest = Math.min(lowest, w);
    }
    int rows = indices_RN.length;
    int len = indices_RN[0].length;
    long[] flat = new long[rows * len];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(indices_RN[r], 0, flat, r * len, len);
    }
    NDArray logp = logits_RNV.logSoftmax(-1);
    float[] nll = logp.gather(m.create(flat, new Shape(rows, len, 1)), -1).neg().toFloatArray();
    long[] argmax = logp.argMax(-1).toLongArray();
    for (int r = 0; r < rows; r++) {
      if (!own[r]) {
        continue;
      }
      int t = 0;
      for (int s = 0; s < patchNums.length; s++) {
        int count = patchNums[s] * patchNums[s];
        for (int i = 0; i < count; i++, t++) {
          int g = touching[r * len + t] > 1.0001f * lowest ? 1 : 0;
          ce[g][s] += nll[r * len + t];
          n[g][s]++;
          hits[g][s] += argmax[r * len + t] == indices_RN[r][t] ? 1 : 0;
        }
      }
    }
  }

  private static double sum(double[] values) {
    double total = 0;
    for (double v : values) {
      total += v;
    }
    return total;
  }
}
