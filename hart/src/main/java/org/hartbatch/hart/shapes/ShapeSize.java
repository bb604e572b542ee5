package org.hartbatch.hart.shapes;

import java.util.Locale;

/** Shape sizes as a fraction of a grid cell's side, so scenes look alike at 32 and 64 pixels. */
public enum ShapeSize {
  SMALL(0.55),
  LARGE(0.9);

  private final double cellFraction;

  ShapeSize(double cellFraction) {
    this.cellFraction = cellFraction;
  }

  /** The shape's extent (diameter, side, base and height) over a cell's side. */
  public double cellFraction() {
    return cellFraction;
  }

  /** The caption word. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
