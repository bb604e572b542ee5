package org.hartbatch.hart.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The procedural dataset: scene {@code i} of a seed is always the same, so the data set needs no
 * storage and any example can be regenerated from its index.
 */
public final class SceneSampler {
  private static final long INDEX_MIX = 0x9E3779B97F4A7C15L;

  private final long seed;
  private final int maxShapes;

  /**
   * @param maxShapes 1 for single-shape scenes only, 2 for a mix of one- and two-shape scenes
   */
  public SceneSampler(long seed, int maxShapes) {
    if (maxShapes < 1 || maxShapes > 2) {
      throw new IllegalArgumentException("maxShapes " + maxShapes + " is not 1 or 2");
    }
    this.seed = seed;
    this.maxShapes = maxShapes;
  }

  /** Scene number {@code index} of this seed. */
  public Scene scene(long index) {
    SplittableRandom random = new SplittableRandom(seed ^ (index * INDEX_MIX + INDEX_MIX));
    ShapeColour[] colours = ShapeColour.values();
    ShapeColour background = colours[random.nextInt(colours.length)];
    int count = 1 + random.nextInt(maxShapes);
    List<Shape> shapes = new ArrayList<>(count);
    List<GridCell> freeCells = new ArrayList<>(List.of(GridCell.values()));
    List<ShapeColour> freeColours = new ArrayList<>(List.of(colours));
    freeColours.remove(background);
    for (int i = 0; i < count; i++) {
      ShapeKind kind = ShapeKind.values()[random.nextInt(ShapeKind.values().length)];
      ShapeColour colour = freeColours.remove(random.nextInt(freeColours.size()));
      ShapeSize size = ShapeSize.values()[random.nextInt(ShapeSize.values().length)];
      GridCell cell = freeCells.remove(random.nextInt(freeCells.size()));
      shapes.add(
          new Shape(kind, colour, size, cell, random.nextDouble(-1, 1), random.nextDouble(-1, 1)));
    }
    return new Scene(shapes, background);
  }
}
