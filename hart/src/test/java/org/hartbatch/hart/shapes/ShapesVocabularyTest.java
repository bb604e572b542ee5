package org.hartbatch.hart.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.hartbatch.hart.text.PromptTokenizer;
import org.hartbatch.hart.text.SystemPrompt;
import org.hartbatch.hart.text.TokenizedPrompt;
import org.hartbatch.hart.text.WordLevelVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapesVocabularyTest {

  @Test
  void everyCaptionWordIsInTheVocabularyWrittenAsHuggingFaceFiles(@TempDir Path dir)
      throws Exception {
    WordLevelVocabulary vocabulary = ShapesVocabulary.create();
    vocabulary.writeTo(dir);
    SceneSampler sampler = new SceneSampler(13, 2);
    try (PromptTokenizer tokenizer = PromptTokenizer.open(dir)) {
      assertEquals(0, tokenizer.padId());
      for (long i = 0; i < 300; i++) {
        String caption = sampler.scene(i).caption();
        TokenizedPrompt prompt = tokenizer.tokenize(caption, 40);
        assertEquals(0, prompt.unknownTokens(), caption);
        assertEquals(0, prompt.droppedTokens(), caption);
        assertEquals(caption.split(" ").length, prompt.tokens(), caption);
      }
      assertEquals(1, tokenizer.tokenize("a red dragon", 8).unknownTokens());
    }
  }

  @Test
  void vocabularyIsSmallAndStartsWithTheSpecialTokens() {
    WordLevelVocabulary vocabulary = ShapesVocabulary.create();
    assertEquals(WordLevelVocabulary.PAD, vocabulary.tokens().get(0));
    assertEquals(WordLevelVocabulary.UNKNOWN, vocabulary.tokens().get(1));
    assertTrue(vocabulary.size() < 40, "vocabulary has " + vocabulary.size() + " tokens");
  }

  @Test
  void systemPromptVocabularySpellsHartsSystemPromptAndKeepsCaptionIds() {
    WordLevelVocabulary captions = ShapesVocabulary.create();
    WordLevelVocabulary withSystem = ShapesVocabulary.withSystemPrompt();
    assertEquals(captions.tokens(), withSystem.tokens().subList(0, captions.size()));
    try (PromptTokenizer tokenizer = withSystem.tokenizer();
        PromptTokenizer captionTokenizer = captions.tokenizer()) {
      TokenizedPrompt system = tokenizer.tokenize(SystemPrompt.REFERENCE, 1000);
      assertEquals(0, system.unknownTokens());
      assertTrue(system.tokens() > 100, system.tokens() + " system prompt tokens");
      String caption = new SceneSampler(5, 2).scene(3).caption();
      assertArrayEquals(
          captionTokenizer.tokenize(caption, 24).ids_T(), tokenizer.tokenize(caption, 24).ids_T());
    }
  }
}
