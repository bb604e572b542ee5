package org.hartbatch.hart.shapes;

import java.util.Locale;

/** The named colours of shapes and backgrounds, far apart in RGB so a picture can be judged. */
public enum ShapeColour {
  RED(220, 30, 30),
  GREEN(30, 170, 50),
  BLUE(30, 70, 220),
  YELLOW(240, 220, 30),
  PURPLE(140, 50, 180),
  ORANGE(250, 140, 20),
  WHITE(245, 245, 245),
  BLACK(15, 15, 15);

  private final int r;
  private final int g;
  private final int b;

  ShapeColour(int r, int g, int b) {
    this.r = r;
    this.g = g;
    this.b = b;
  }

  public int r() {
    return r;
  }

  public int g() {
    return g;
  }

  public int b() {
    return b;
  }

  /** The caption word. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The named colour closest to an RGB value (squared Euclidean distance). */
  public static ShapeColour nearest(int r, int g, int b) {
    ShapeColour best = null;
    long bestDistance = Long.MAX_VALUE;
    for (ShapeColour c : values()) {
      long d = c.distanceSquared(r, g, b);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best;
  }

  long distanceSquared(int r, int g, int b) {
    long dr = this.r - r;
    long dg = this.g - g;
    long db = this.b - b;
    return dr * dr + dg * dg + db * db;
  }
}
