package org.hartbatch.hart.shapes;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One or more shapes in distinct cells, with distinct colours, on a background of another colour.
 */
public record Scene(List<Shape> shapes, ShapeColour background) {

  public Scene {
    shapes = List.copyOf(shapes);
    if (shapes.isEmpty()) {
      throw new IllegalArgumentException("shapes is empty: a scene draws at least one shape");
    }
    Set<GridCell> cells = new HashSet<>();
    Set<ShapeColour> colours = new HashSet<>();
    for (Shape shape : shapes) {
      if (shape.colour() == background) {
        throw new IllegalArgumentException(
            "shape colour " + shape.colour().word() + " equals the background colour");
      }
      if (!cells.add(shape.cell())) {
        throw new IllegalArgumentException("two shapes share the cell " + shape.cell());
      }
      if (!colours.add(shape.colour())) {
        throw new IllegalArgumentException("two shapes share the colour " + shape.colour().word());
      }
    }
  }

  /**
   * The caption, e.g. "a small red circle at the top left and a large green square in the center on
   * a blue background".
   */
  public String caption() {
    StringBuilder caption = new StringBuilder();
    for (Shape shape : shapes) {
      if (!caption.isEmpty()) {
        caption.append(" and ");
      }
      caption.append(shape.phrase());
    }
    return caption.append(" on a ").append(background.word()).append(" background").toString();
  }

  /** Draws the scene with hard edges: a pixel takes a shape's colour if its centre is inside. */
  public RgbImage render(int size) {
    if (size < 3) {
      throw new IllegalArgumentException("image size " + size + " is below 3 pixels");
    }
    byte[] rgb = new byte[size * size * 3];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        ShapeColour colour = background;
        for (Shape shape : shapes) {
          if (shape.covers(x + 0.5, y + 0.5, size)) {
            colour = shape.colour();
          }
        }
        int i = (y * size + x) * 3;
        rgb[i] = (byte) colour.r();
        rgb[i + 1] = (byte) colour.g();
        rgb[i + 2] = (byte) colour.b();
      }
    }
    return new RgbImage(size, size, rgb);
  }
}
