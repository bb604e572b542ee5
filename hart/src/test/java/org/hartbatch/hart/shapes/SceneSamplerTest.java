package org.hartbatch.hart.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneSamplerTest {

  @Test
  void theSameSeedAndIndexGiveTheSameSceneAndPixels() {
    SceneSampler a = new SceneSampler(7, 2);
    SceneSampler b = new SceneSampler(7, 2);
    for (long i = 0; i < 50; i++) {
      assertEquals(a.scene(i), b.scene(i));
      assertArrayEquals(a.scene(i).render(32).rgb(), b.scene(i).render(32).rgb());
    }
  }

  @Test
  void seedsAndIndicesVaryTheScenes() {
    Set<String> captions = new HashSet<>();
    for (long i = 0; i < 100; i++) {
      captions.add(new SceneSampler(1, 2).scene(i).caption());
    }
    assertTrue(captions.size() > 90, "only " + captions.size() + " distinct captions of 100");
    assertNotEquals(new SceneSampler(1, 2).scene(0), new SceneSampler(2, 2).scene(0));
  }

  @Test
  void everyAttributeValueOccursAndSingleShapeSamplersDrawOneShape() {
    Set<ShapeKind> kinds = EnumSet.noneOf(ShapeKind.class);
    Set<ShapeColour> colours = EnumSet.noneOf(ShapeColour.class);
    Set<ShapeSize> sizes = EnumSet.noneOf(ShapeSize.class);
    Set<GridCell> cells = EnumSet.noneOf(GridCell.class);
    Set<ShapeColour> backgrounds = EnumSet.noneOf(ShapeColour.class);
    SceneSampler sampler = new SceneSampler(3, 1);
    for (long i = 0; i < 500; i++) {
      Scene scene = sampler.scene(i);
      assertEquals(1, scene.shapes().size());
      Shape shape = scene.shapes().get(0);
      kinds.add(shape.kind());
      colours.add(shape.colour());
      sizes.add(shape.size());
      cells.add(shape.cell());
      backgrounds.add(scene.background());
    }
    assertEquals(EnumSet.allOf(ShapeKind.class), kinds);
    assertEquals(EnumSet.allOf(ShapeColour.class), colours);
    assertEquals(EnumSet.allOf(ShapeSize.class), sizes);
    assertEquals(EnumSet.allOf(GridCell.class), cells);
    assertEquals(EnumSet.allOf(ShapeColour.class), backgrounds);
  }

  @Test
  void captionsSayTheAttributes() {
    Scene one =
        new Scene(
            List.of(
                new Shape(
                    ShapeKind.CIRCLE, ShapeColour.RED, ShapeSize.SMALL, GridCell.TOP_LEFT, 0, 0)),
            ShapeColour.BLUE);
    assertEquals("a small red circle at the top left on a blue background", one.caption());
    Scene two =
        new Scene(
            List.of(
                new Shape(
                    ShapeKind.SQUARE, ShapeColour.GREEN, ShapeSize.LARGE, GridCell.CENTER, 0, 0),
                new Shape(
                    ShapeKind.TRIANGLE, ShapeColour.WHITE, ShapeSize.SMALL, GridCell.BOTTOM, 0, 0)),
            ShapeColour.BLACK);
    assertEquals(
        "a large green square in the center and a small white triangle at the bottom"
            + " on a black background",
        two.caption());
  }

  @Test
  void sampledCaptionsNameEachShapesAttributesInOrder() {
    SceneSampler sampler = new SceneSampler(11, 2);
    for (long i = 0; i < 200; i++) {
      Scene scene = sampler.scene(i);
      String caption = scene.caption();
      assertTrue(caption.endsWith(" on a " + scene.background().word() + " background"), caption);
      int from = 0;
      for (Shape shape : scene.shapes()) {
        String phrase =
            "a "
                + shape.size().word()
                + " "
                + shape.colour().word()
                + " "
                + shape.kind().word()
                + " "
                + shape.cell().phrase();
        int at = caption.indexOf(phrase, from);
        assertTrue(at >= from, caption + " lacks " + phrase);
        from = at + phrase.length();
      }
    }
  }

  @Test
  void pixelsOfTheShapeAreWhereTheCaptionSays() {
    for (int size : new int[] {32, 64}) {
      SceneSampler sampler = new SceneSampler(5, 2);
      for (long i = 0; i < 200; i++) {
        Scene scene = sampler.scene(i);
        RgbImage image = scene.render(size);
        for (Shape shape : scene.shapes()) {
          int inside = 0;
          for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
              if (image.nearestColour(x, y) == shape.colour()) {
                inside++;
                assertEquals(
                    shape.cell(), GridCell.containing(x + 0.5, y + 0.5, size), scene.caption());
              }
            }
          }
          double cellArea = (size / 3.0) * (size / 3.0);
          double extentArea = Math.pow(shape.size().cellFraction(), 2) * cellArea;
          assertTrue(inside > 0.3 * extentArea, scene.caption() + ": " + inside + " pixels");
          assertTrue(inside <= 1.2 * extentArea, scene.caption() + ": " + inside + " pixels");
        }
        int background = 0;
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) {
            background += image.nearestColour(x, y) == scene.background() ? 1 : 0;
          }
        }
        assertTrue(background > size * size / 2, scene.caption());
      }
    }
  }

  @Test
  void unitRangeTensorIsChannelFirst() {
    Scene scene = new SceneSampler(9, 1).scene(0);
    RgbImage image = scene.render(32);
    float[] chw = image.toUnitRangeCHW();
    ShapeColour bg = scene.background();
    assertEquals(bg.r() / 127.5f - 1f, chw[0], 1e-6);
    assertEquals(bg.g() / 127.5f - 1f, chw[32 * 32], 1e-6);
    assertEquals(bg.b() / 127.5f - 1f, chw[2 * 32 * 32], 1e-6);
  }

  @Test
  void invalidScenesAndSamplersAreRejectedNamingTheReason() {
    Shape red =
        new Shape(ShapeKind.CIRCLE, ShapeColour.RED, ShapeSize.SMALL, GridCell.TOP_LEFT, 0, 0);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new Scene(List.of(red), ShapeColour.RED))
            .getMessage()
            .contains("background"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> new Scene(List.of(red, red), ShapeColour.BLUE))
            .getMessage()
            .contains("cell"));
    assertThrows(IllegalArgumentException.class, () -> new Scene(List.of(), ShapeColour.BLUE));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Shape(ShapeKind.CIRCLE, ShapeColour.RED, ShapeSize.SMALL, GridCell.TOP, 1.5, 0));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new SceneSampler(1, 3))
            .getMessage()
            .contains("maxShapes"));
  }
}
