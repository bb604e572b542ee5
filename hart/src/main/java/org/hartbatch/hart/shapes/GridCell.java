package org.hartbatch.hart.shapes;

/** The nine named positions of a 3x3 grid, row-major from the top left. */
public enum GridCell {
  TOP_LEFT("at the top left"),
  TOP("at the top"),
  TOP_RIGHT("at the top right"),
  LEFT("at the left"),
  CENTER("in the center"),
  RIGHT("at the right"),
  BOTTOM_LEFT("at the bottom left"),
  BOTTOM("at the bottom"),
  BOTTOM_RIGHT("at the bottom right");

  private final String phrase;

  GridCell(String phrase) {
    this.phrase = phrase;
  }

  /** The caption phrase, e.g. "at the top left". */
  public String phrase() {
    return phrase;
  }

  public int row() {
    return ordinal() / 3;
  }

  public int column() {
    return ordinal() % 3;
  }

  public static GridCell at(int row, int column) {
    if (row < 0 || row > 2 || column < 0 || column > 2) {
      throw new IllegalArgumentException(
          "grid cell (" + row + ", " + column + ") is outside the 3x3 grid");
    }
    return values()[row * 3 + column];
  }

  /** The cell holding a point given in pixels of a square image of side {@code size}. */
  public static GridCell containing(double x, double y, int size) {
    int column = Math.min(2, Math.max(0, (int) Math.floor(x * 3 / size)));
    int row = Math.min(2, Math.max(0, (int) Math.floor(y * 3 / size)));
    return at(row, column);
  }
}
