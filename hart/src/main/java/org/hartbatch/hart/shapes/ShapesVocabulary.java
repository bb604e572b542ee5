package org.hartbatch.hart.shapes;

import java.util.ArrayList;
import java.util.List;
import org.hartbatch.hart.text.WordLevelVocabulary;

/** The word-level vocabulary of every caption a {@link Scene} can have. */
public final class ShapesVocabulary {
  private ShapesVocabulary() {}

  public static WordLevelVocabulary create() {
    List<String> words = new ArrayList<>(List.of("a", "and", "on", "background"));
    for (ShapeSize size : ShapeSize.values()) {
      words.add(size.word());
    }
    for (ShapeColour colour : ShapeColour.values()) {
      words.add(colour.word());
    }
    for (ShapeKind kind : ShapeKind.values()) {
      words.add(kind.word());
    }
    for (GridCell cell : GridCell.values()) {
      words.addAll(List.of(cell.phrase().split(" ")));
    }
    return WordLevelVocabulary.of(words);
  }
}
