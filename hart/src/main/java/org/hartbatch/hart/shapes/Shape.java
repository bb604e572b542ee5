package org.hartbatch.hart.shapes;

/**
 * One drawn shape.
 *
 * @param jitterX horizontal offset of the centre from its cell's centre, in [-1, 1] of the slack
 *     the shape leaves in its cell, so the shape never leaves its cell
 * @param jitterY vertical offset, likewise
 */
public record Shape(
    ShapeKind kind,
    ShapeColour colour,
    ShapeSize size,
    GridCell cell,
    double jitterX,
    double jitterY) {

  public Shape {
    if (Math.abs(jitterX) > 1 || Math.abs(jitterY) > 1) {
      throw new IllegalArgumentException(
          "jitter (" + jitterX + ", " + jitterY + ") is outside [-1, 1]");
    }
  }

  /** The caption words of this shape, e.g. "a small red circle at the top left". */
  public String phrase() {
    return "a " + size.word() + " " + colour.word() + " " + kind.word() + " " + cell.phrase();
  }

  /** Centre x in pixels of a square image of side {@code imageSize}. */
  public double centerX(int imageSize) {
    return center(cell.column(), jitterX, imageSize);
  }

  /** Centre y in pixels of a square image of side {@code imageSize}. */
  public double centerY(int imageSize) {
    return center(cell.row(), jitterY, imageSize);
  }

  /** Extent (diameter, side, base and height) in pixels. */
  public double extent(int imageSize) {
    return size.cellFraction() * imageSize / 3.0;
  }

  private double center(int index, double jitter, int imageSize) {
    double cellSide = imageSize / 3.0;
    double slack = (1 - size.cellFraction()) * cellSide / 2;
    return (index + 0.5) * cellSide + jitter * slack;
  }

  /** Whether the point (x, y), in pixels, lies inside the shape. */
  public boolean covers(double x, double y, int imageSize) {
    return kind.covers(x - centerX(imageSize), y - centerY(imageSize), extent(imageSize) / 2);
  }
}
