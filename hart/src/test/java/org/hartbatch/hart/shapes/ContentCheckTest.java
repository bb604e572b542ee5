package org.hartbatch.hart.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ContentCheckTest {

  @Test
  void datasetImagesPassColourCellAndBackgroundAndTheShapeClassifierIsRightOnAtLeast95Percent() {
    for (int size : new int[] {32, 64}) {
      SceneSampler sampler = new SceneSampler(21, 2);
      int shapes = 0;
      int kindsRight = 0;
      for (long i = 0; i < 400; i++) {
        Scene scene = sampler.scene(i);
        ContentCheck.Verdict verdict = ContentCheck.judge(scene.render(size), scene);
        assertTrue(verdict.colourCellAndBackground(), size + " px: " + scene.caption());
        for (ContentCheck.ShapeVerdict shape : verdict.shapes()) {
          shapes++;
          kindsRight += shape.kind() ? 1 : 0;
        }
      }
      double accuracy = (double) kindsRight / shapes;
      System.out.printf("shape classifier at %d px: %d of %d right%n", size, kindsRight, shapes);
      assertTrue(accuracy >= 0.95, size + " px: shape classifier right on " + accuracy);
    }
  }

  @Test
  void measureReportsBackgroundColourCellAndKindOfASingleShape() {
    Scene scene = scene(ShapeKind.TRIANGLE, ShapeColour.YELLOW, GridCell.BOTTOM_RIGHT);
    ContentCheck.Measurement measurement = ContentCheck.measure(scene.render(32));
    assertEquals(ShapeColour.PURPLE, measurement.background());
    ContentCheck.Region region = measurement.foreground().orElseThrow();
    assertEquals(ShapeColour.YELLOW, region.colour());
    assertEquals(GridCell.BOTTOM_RIGHT, region.cell());
    assertEquals(ShapeKind.TRIANGLE, region.kind());
  }

  @Test
  void aPictureOfAnotherSceneFailsTheAttributeThatDiffers() {
    RgbImage image = scene(ShapeKind.CIRCLE, ShapeColour.RED, GridCell.TOP_LEFT).render(32);
    ContentCheck.Verdict right =
        ContentCheck.judge(image, scene(ShapeKind.CIRCLE, ShapeColour.RED, GridCell.TOP_LEFT));
    assertTrue(right.all());

    ContentCheck.ShapeVerdict wrongColour =
        ContentCheck.judge(image, scene(ShapeKind.CIRCLE, ShapeColour.GREEN, GridCell.TOP_LEFT))
            .shapes()
            .get(0);
    assertFalse(wrongColour.colour());
    ContentCheck.ShapeVerdict wrongCell =
        ContentCheck.judge(image, scene(ShapeKind.CIRCLE, ShapeColour.RED, GridCell.CENTER))
            .shapes()
            .get(0);
    assertTrue(wrongCell.colour());
    assertFalse(wrongCell.cell());
    ContentCheck.ShapeVerdict wrongKind =
        ContentCheck.judge(image, scene(ShapeKind.SQUARE, ShapeColour.RED, GridCell.TOP_LEFT))
            .shapes()
            .get(0);
    assertFalse(wrongKind.kind());
    Scene otherBackground =
        new Scene(
            List.of(shape(ShapeKind.CIRCLE, ShapeColour.RED, GridCell.TOP_LEFT)),
            ShapeColour.WHITE);
    assertFalse(ContentCheck.judge(image, otherBackground).background());
  }

  @Test
  void aBlankPictureHasNoForegroundAndFailsEveryShape() {
    byte[] purple = new byte[32 * 32 * 3];
    for (int p = 0; p < purple.length; p += 3) {
      purple[p] = (byte) ShapeColour.PURPLE.r();
      purple[p + 1] = (byte) ShapeColour.PURPLE.g();
      purple[p + 2] = (byte) ShapeColour.PURPLE.b();
    }
    RgbImage blank = new RgbImage(32, 32, purple);
    assertTrue(ContentCheck.measure(blank).foreground().isEmpty());
    ContentCheck.Verdict verdict =
        ContentCheck.judge(blank, scene(ShapeKind.CIRCLE, ShapeColour.RED, GridCell.CENTER));
    assertTrue(verdict.background());
    assertFalse(verdict.colourCellAndBackground());
    assertFalse(verdict.kinds());
  }

  @Test
  void scatteredNoisePixelsDoNotChangeTheVerdict() {
    Scene scene = scene(ShapeKind.SQUARE, ShapeColour.ORANGE, GridCell.LEFT);
    RgbImage image = scene.render(32);
    byte[] noisy = image.rgb().clone();
    SplittableRandom random = new SplittableRandom(4);
    for (int i = 0; i < 20; i++) {
      int p = random.nextInt(32 * 32) * 3;
      noisy[p] = (byte) ShapeColour.ORANGE.r();
      noisy[p + 1] = (byte) ShapeColour.ORANGE.g();
      noisy[p + 2] = (byte) ShapeColour.ORANGE.b();
    }
    assertTrue(ContentCheck.judge(new RgbImage(32, 32, noisy), scene).all());
  }

  @Test
  void nonSquarePicturesAreRejected() {
    RgbImage wide = new RgbImage(4, 2, new byte[4 * 2 * 3]);
    Scene scene = scene(ShapeKind.CIRCLE, ShapeColour.RED, GridCell.CENTER);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ContentCheck.judge(wide, scene))
            .getMessage()
            .contains("square"));
  }

  private static Shape shape(ShapeKind kind, ShapeColour colour, GridCell cell) {
    return new Shape(kind, colour, ShapeSize.LARGE, cell, 0, 0);
  }

  private static Scene scene(ShapeKind kind, ShapeColour colour, GridCell cell) {
    return new Scene(List.of(shape(kind, colour, cell)), ShapeColour.PURPLE);
  }
}
