package org.hartbatch.hart.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.hartbatch.hart.pipeline.HartPipeline;
import org.hartbatch.hart.pipeline.PipelineOptions;
import org.hartbatch.hart.sampling.SamplingParams;
import org.hartbatch.hart.shapes.ContentBenchmark;
import org.hartbatch.hart.shapes.RgbImage;

/**
 * The content benchmark of a shapes model ({@link ContentBenchmark}: 50 fixed captions and seeds)
 * with and without the residual diffusion, at several guidance scales. Prints a Markdown table for
 * docs/benchmarks.md and writes a grid PNG of one configuration: each case's render beside the data
 * set's drawing of its caption, framed green when colour, cell and background pass, red otherwise.
 * Not a test.
 *
 * <p>Args: {@code [MODEL] [CFGS_WITH_DIFFUSION] [CFGS_WITHOUT_DIFFUSION] [GRID.png] [GRID_CFG]},
 * default {@code builtin:shapes 0,1.5,3,4.5,6 1.5,4.5 target/shapes-content-grid.png 4.5}; the grid
 * shows the run with the residual diffusion at {@code GRID_CFG}.
 */
public final class ContentBench {
  private static final int ZOOM = 3;
  private static final int FRAME = 3;
  private static final int COLUMNS = 5;

  public static void main(String[] args) throws Exception {
    String model = args.length > 0 ? args[0] : "builtin:shapes";
    double[] withDiffusion = scales(args.length > 1 ? args[1] : "0,1.5,3,4.5,6");
    double[] withoutDiffusion = scales(args.length > 2 ? args[2] : "1.5,4.5");
    Path grid = Path.of(args.length > 3 ? args[3] : "target/shapes-content-grid.png");
    double gridScale = args.length > 4 ? Double.parseDouble(args[4]) : 4.5;
    List<ContentBenchmark.Case> cases = ContentBenchmark.cases();
    System.out.printf(
        "model %s; %d single-shape and %d two-shape captions, fixed seeds%n%n",
        model, ContentBenchmark.SINGLE_SHAPE_CASES, ContentBenchmark.TWO_SHAPE_CASES);
    System.out.println(
        "| residual diffusion | cfg | single: colour, cell, background | single: shape kind |"
            + " two shapes: colour, cell, background | two shapes: kinds | s/image |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (boolean diffusion : new boolean[] {true, false}) {
      double[] scales = diffusion ? withDiffusion : withoutDiffusion;
      if (scales.length == 0) {
        continue;
      }
      try (HartPipeline hart =
          HartPipeline.open(
              model,
              PipelineOptions.defaults().withMaxBatch(25).withResidualDiffusion(diffusion))) {
        for (double cfg : scales) {
          SamplingParams sampling = new SamplingParams(cfg, 0, 0, true);
          long start = System.nanoTime();
          List<ContentBenchmark.Judged> judged =
              ContentBenchmark.judge(cases, ContentBenchmark.rendering(hart, sampling));
          double perImage = (System.nanoTime() - start) / 1e9 / cases.size();
          ContentBenchmark.Score s = ContentBenchmark.Score.of(judged);
          System.out.printf(
              "| %s | %s | %s | %s | %s | %s | %.2f |%n",
              diffusion ? "on" : "off",
              cfg,
              rate(s.singleColourCellBackground(), s.single()),
              rate(s.singleKinds(), s.single()),
              rate(s.twoShapeColourCellBackground(), s.twoShape()),
              rate(s.twoShapeKinds(), s.twoShape()),
              perImage);
          if (diffusion && cfg == gridScale) {
            writeGrid(judged, grid);
          }
        }
      }
    }
    System.out.println();
    System.out.println("grid (residual diffusion on, cfg " + gridScale + "): " + grid);
    System.out.println("captions:");
    for (ContentBenchmark.Case c : cases) {
      System.out.printf("%2d seed %d: %s%n", c.index(), c.seed(), c.caption());
    }
  }

  private static double[] scales(String list) {
    return list.isBlank()
        ? new double[0]
        : Arrays.stream(list.split(",")).mapToDouble(Double::parseDouble).toArray();
  }

  private static String rate(int passed, int total) {
    return String.format("%d/%d (%.0f%%)", passed, total, 100.0 * passed / total);
  }

  private static void writeGrid(List<ContentBenchmark.Judged> judged, Path file)
      throws IOException {
    int side = judged.get(0).image().width() * ZOOM;
    int cellWidth = 2 * side + 3 * FRAME;
    int cellHeight = side + 2 * FRAME;
    int rows = (judged.size() + COLUMNS - 1) / COLUMNS;
    BufferedImage sheet =
        new BufferedImage(
            COLUMNS * (cellWidth + FRAME), rows * (cellHeight + FRAME), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
    for (int i = 0; i < judged.size(); i++) {
      ContentBenchmark.Judged j = judged.get(i);
      int x = (i % COLUMNS) * (cellWidth + FRAME);
      int y = (i / COLUMNS) * (cellHeight + FRAME);
      g.setColor(
          j.verdict().colourCellAndBackground() ? new Color(0, 160, 0) : new Color(200, 0, 0));
      g.fillRect(x, y, cellWidth, cellHeight);
      RgbImage truth = j.testCase().scene().render(j.image().width());
      g.drawImage(zoomed(j.image()), x + FRAME, y + FRAME, null);
      g.drawImage(zoomed(truth), x + 2 * FRAME + side, y + FRAME, null);
    }
    g.dispose();
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    ImageIO.write(sheet, "png", file.toFile());
  }

  private static BufferedImage zoomed(RgbImage image) {
    BufferedImage out =
        new BufferedImage(image.width() * ZOOM, image.height() * ZOOM, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < out.getHeight(); y++) {
      for (int x = 0; x < out.getWidth(); x++) {
        int sx = x / ZOOM;
        int sy = y / ZOOM;
        out.setRGB(
            x,
            y,
            image.channel(sx, sy, 0) << 16
                | image.channel(sx, sy, 1) << 8
                | image.channel(sx, sy, 2));
      }
    }
    return out;
  }
}
