package org.hartbatch.hart.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hartbatch.hart.text.SystemPrompt;
import org.hartbatch.hart.text.WordLevelVocabulary;

/** The word-level vocabulary of every caption a {@link Scene} can have. */
public final class ShapesVocabulary {
  private ShapesVocabulary() {}

  /** The pieces Hugging Face's {@code Whitespace} pre-tokenizer splits text into. */
  private static final Pattern PIECE = Pattern.compile("\\w+|[^\\w\\s]+");

  public static WordLevelVocabulary create() {
    return WordLevelVocabulary.of(captionWords());
  }

  /**
   * The caption words (same ids as {@link #create()}) followed by every piece of HART's system
   * prompt, so that a model trained with the reference's text options encodes the system prompt
   * without unknown tokens.
   */
  public static WordLevelVocabulary withSystemPrompt() {
    List<String> words = captionWords();
    Matcher pieces = PIECE.matcher(SystemPrompt.REFERENCE.toLowerCase(Locale.ROOT));
    while (pieces.find()) {
      words.add(pieces.group());
    }
    return WordLevelVocabulary.of(words);
  }

  private static List<String> captionWords() {
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
    return words;
  }
}
