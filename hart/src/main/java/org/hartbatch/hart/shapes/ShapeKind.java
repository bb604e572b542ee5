package org.hartbatch.hart.shapes;

import java.util.Locale;

/** The shapes the procedural scenes draw. */
public enum ShapeKind {
  CIRCLE,
  SQUARE,
  TRIANGLE;

  /** The caption word. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether an offset (dx, dy) from the centre lies inside this shape of half-extent {@code half};
   * the triangle points up, its base and height both {@code 2 * half}.
   */
  public boolean covers(double dx, double dy, double half) {
    return switch (this) {
      case CIRCLE -> dx * dx + dy * dy <= half * half;
      case SQUARE -> Math.abs(dx) <= half && Math.abs(dy) <= half;
      case TRIANGLE -> dy >= -half && dy <= half && Math.abs(dx) <= (dy + half) / 2;
    };
  }
}
