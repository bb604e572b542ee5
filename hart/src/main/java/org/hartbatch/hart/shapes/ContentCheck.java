package org.hartbatch.hart.shapes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Judges whether a picture shows what its scene's caption says, from pixels alone: the background
 * colour, and for each shape its colour, grid cell and kind. Every pixel is read as its nearest
 * named colour; the background is the most frequent one; the foreground colours are the next most
 * frequent; a shape is the largest 4-connected region of its colour, its cell is the region's
 * centroid's, and its kind is the template (circle, square, triangle fitted to the region's
 * bounding box) that overlaps the region best.
 */
public final class ContentCheck {
  private static final double FIT_STEP = 0.25;

  private ContentCheck() {}

  /** What the picture shows for one expected shape. */
  public record ShapeVerdict(Shape expected, boolean colour, boolean cell, boolean kind) {}

  /** The verdict for a whole scene. */
  public record Verdict(boolean background, List<ShapeVerdict> shapes) {
    /** Background, and every shape's colour and cell. */
    public boolean colourCellAndBackground() {
      return background && shapes.stream().allMatch(s -> s.colour() && s.cell());
    }

    /** Every shape's kind. */
    public boolean kinds() {
      return shapes.stream().allMatch(ShapeVerdict::kind);
    }

    public boolean all() {
      return colourCellAndBackground() && kinds();
    }
  }

  /** One region of one colour, as measured. */
  public record Region(ShapeColour colour, int pixels, GridCell cell, ShapeKind kind) {}

  /** Judges {@code image} against {@code scene}. */
  public static Verdict judge(RgbImage image, Scene scene) {
    requireSquare(image);
    ShapeColour[] nearest = nearestColours(image);
    List<ShapeColour> ranked = rankByFrequency(nearest);
    boolean background = ranked.get(0) == scene.background();
    List<ShapeColour> foreground =
        ranked.subList(1, Math.min(ranked.size(), 1 + scene.shapes().size()));
    List<ShapeVerdict> verdicts = new ArrayList<>();
    for (Shape shape : scene.shapes()) {
      boolean colour = foreground.contains(shape.colour());
      Region region = largestRegion(image.width(), nearest, shape.colour());
      verdicts.add(
          new ShapeVerdict(
              shape,
              colour,
              region != null && region.cell() == shape.cell(),
              region != null && region.kind() == shape.kind()));
    }
    return new Verdict(background, List.copyOf(verdicts));
  }

  /** What a picture shows: its background and its main foreground region, if any. */
  public record Measurement(ShapeColour background, Optional<Region> foreground) {}

  /**
   * The background colour and the largest region of the most frequent other colour (empty for a
   * picture of one colour).
   */
  public static Measurement measure(RgbImage image) {
    requireSquare(image);
    ShapeColour[] nearest = nearestColours(image);
    List<ShapeColour> ranked = rankByFrequency(nearest);
    Optional<Region> foreground =
        ranked.size() < 2
            ? Optional.empty()
            : Optional.of(largestRegion(image.width(), nearest, ranked.get(1)));
    return new Measurement(ranked.get(0), foreground);
  }

  private static void requireSquare(RgbImage image) {
    if (image.width() != image.height()) {
      throw new IllegalArgumentException(
          "image is " + image.width() + "x" + image.height() + ", but the check needs a square");
    }
  }

  private static ShapeColour[] nearestColours(RgbImage image) {
    int size = image.width();
    ShapeColour[] nearest = new ShapeColour[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        nearest[y * size + x] = image.nearestColour(x, y);
      }
    }
    return nearest;
  }

  /** Colours present in the picture, most frequent first (ties in palette order). */
  private static List<ShapeColour> rankByFrequency(ShapeColour[] nearest) {
    int[] counts = new int[ShapeColour.values().length];
    for (ShapeColour c : nearest) {
      counts[c.ordinal()]++;
    }
    List<ShapeColour> present = new ArrayList<>();
    for (ShapeColour c : ShapeColour.values()) {
      if (counts[c.ordinal()] > 0) {
        present.add(c);
      }
    }
    present.sort(Comparator.comparingInt((ShapeColour c) -> -counts[c.ordinal()]));
    return present;
  }

  private static Region largestRegion(int size, ShapeColour[] nearest, ShapeColour colour) {
    boolean[] seen = new boolean[nearest.length];
    List<Integer> best = List.of();
    for (int start = 0; start < nearest.length; start++) {
      if (seen[start] || nearest[start] != colour) {
        continue;
      }
      List<Integer> region = flood(size, nearest, colour, start, seen);
      if (region.size() > best.size()) {
        best = region;
      }
    }
    if (best.isEmpty()) {
      return null;
    }
    boolean[] mask = new boolean[nearest.length];
    double sumX = 0;
    double sumY = 0;
    for (int p : best) {
      mask[p] = true;
      sumX += p % size + 0.5;
      sumY += p / size + 0.5;
    }
    GridCell cell = GridCell.containing(sumX / best.size(), sumY / best.size(), size);
    return new Region(colour, best.size(), cell, classify(size, mask, best));
  }

  private static List<Integer> flood(
      int size, ShapeColour[] nearest, ShapeColour colour, int start, boolean[] seen) {
    List<Integer> region = new ArrayList<>();
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(start);
    seen[start] = true;
    while (!queue.isEmpty()) {
      int p = queue.poll();
      region.add(p);
      int x = p % size;
      int y = p / size;
      int[][] neighbours = {{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}};
      for (int[] n : neighbours) {
        if (n[0] < 0 || n[1] < 0 || n[0] >= size || n[1] >= size) {
          continue;
        }
        int q = n[1] * size + n[0];
        if (!seen[q] && nearest[q] == colour) {
          seen[q] = true;
          queue.add(q);
        }
      }
    }
    return region;
  }

  /**
   * The kind whose template overlaps the region best (IoU), each kind's template searched over
   * centres and sizes near the region's bounding box and drawn with the dataset's pixel-centre
   * rule, so that a drawn shape is matched exactly by its own kind.
   */
  private static ShapeKind classify(int size, boolean[] mask, List<Integer> region) {
    int minX = size;
    int minY = size;
    int maxX = -1;
    int maxY = -1;
    for (int p : region) {
      minX = Math.min(minX, p % size);
      maxX = Math.max(maxX, p % size);
      minY = Math.min(minY, p / size);
      maxY = Math.max(maxY, p / size);
    }
    double boxCenterX = (minX + maxX + 1) / 2.0;
    double boxCenterY = (minY + maxY + 1) / 2.0;
    double boxHalf = Math.max(maxX - minX + 1, maxY - minY + 1) / 2.0;
    int x0 = Math.max(0, minX - 2);
    int x1 = Math.min(size - 1, maxX + 2);
    int y0 = Math.max(0, minY - 2);
    int y1 = Math.min(size - 1, maxY + 2);
    ShapeKind best = null;
    double bestIou = -1;
    for (ShapeKind kind : ShapeKind.values()) {
      for (double half = boxHalf - 0.5; half <= boxHalf + 1.0; half += FIT_STEP) {
        for (double dy = -0.75; dy <= 0.75; dy += FIT_STEP) {
          for (double dx = -0.75; dx <= 0.75; dx += FIT_STEP) {
            int intersection = 0;
            int union = 0;
            for (int y = y0; y <= y1; y++) {
              for (int x = x0; x <= x1; x++) {
                boolean template =
                    kind.covers(x + 0.5 - boxCenterX - dx, y + 0.5 - boxCenterY - dy, half);
                boolean measured = mask[y * size + x];
                intersection += template && measured ? 1 : 0;
                union += template || measured ? 1 : 0;
              }
            }
            double iou = union == 0 ? 0 : (double) intersection / union;
            if (iou > bestIou) {
              best = kind;
              bestIou = iou;
            }
          }
        }
      }
    }
    return best;
  }
}
