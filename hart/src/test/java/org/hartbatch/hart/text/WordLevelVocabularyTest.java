package org.hartbatch.hart.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordLevelVocabularyTest {

  @Test
  void wordsFollowTheSpecialTokensLowerCasedWithDuplicatesDropped() {
    WordLevelVocabulary vocabulary = WordLevelVocabulary.of(List.of("Red", "cat", "red", ","));
    assertEquals(
        List.of(WordLevelVocabulary.PAD, WordLevelVocabulary.UNKNOWN, "red", "cat", ","),
        vocabulary.tokens());
    try (PromptTokenizer tokenizer = vocabulary.tokenizer()) {
      TokenizedPrompt prompt = tokenizer.tokenize("RED cat, dog", 6);
      assertArrayEquals(new long[] {2, 3, 4, 1, 0, 0}, prompt.ids_T());
      assertEquals(1, prompt.unknownTokens());
    }
  }

  @Test
  void unknownWordsAreReportedAsWrittenInThePromptAndOnlyWhenKept() {
    WordLevelVocabulary vocabulary = WordLevelVocabulary.of(List.of("a", "red", "cat"));
    try (PromptTokenizer tokenizer = vocabulary.tokenizer()) {
      TokenizedPrompt prompt =
          tokenizer.tokenize("a Red \uD83D\uDE00 Dräche cat \u6f22\u5b57 zebra", 6);
      assertEquals(List.of("\uD83D\uDE00", "Dräche", "\u6f22\u5b57"), prompt.unknownWords());
      assertEquals(3, prompt.unknownTokens());
      assertEquals(1, prompt.droppedTokens());
    }
  }

  @Test
  void wordsWithSpacesOrBlankWordsAreRejected() {
    for (String bad : new String[] {"", " ", "red cat", " red"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> WordLevelVocabulary.of(List.of(bad)));
      assertTrue(e.getMessage().contains("vocabulary word"), e.getMessage());
    }
  }
}
