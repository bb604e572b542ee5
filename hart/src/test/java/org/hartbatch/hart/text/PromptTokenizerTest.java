package org.hartbatch.hart.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hartbatch.hart.io.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptTokenizerTest {

  private static Path noUnkDir() throws Exception {
    return Path.of(PromptTokenizerTest.class.getResource("no-unk/tokenizer.json").toURI())
        .getParent();
  }

  @Test
  void padIdComesFromTokenizerConfigAndRowsAreRightPadded() throws Exception {
    try (PromptTokenizer tokenizer = PromptTokenizer.open(noUnkDir())) {
      assertEquals(0, tokenizer.padId());
      TokenizedPrompt prompt = tokenizer.tokenize("a red cat", 6);
      assertArrayEquals(new long[] {4, 1, 2, 0, 0, 0}, prompt.ids_T());
      assertEquals(new TokenizedPrompt(prompt.ids_T(), 3, 0, List.of()), prompt);
    }
  }

  @Test
  void truncationKeepsTheHeadAndCountsTheRest() throws Exception {
    try (PromptTokenizer tokenizer = PromptTokenizer.open(noUnkDir())) {
      TokenizedPrompt prompt = tokenizer.tokenize("a red cat on a mat", 4);
      assertArrayEquals(new long[] {4, 1, 2, 3}, prompt.ids_T());
      assertEquals(2, prompt.droppedTokens());
    }
  }

  @Test
  void withoutAnUnknownTokenAWordOutsideTheVocabularyInvalidatesThePrompt() throws Exception {
    try (PromptTokenizer tokenizer = PromptTokenizer.open(noUnkDir())) {
      InvalidPromptException e =
          assertThrows(InvalidPromptException.class, () -> tokenizer.tokenize("a blue cat", 6));
      assertTrue(e.getMessage().startsWith("the tokenizer rejected the prompt: "), e.getMessage());
      // The tokenizer stays usable for the next prompt.
      assertEquals(2, tokenizer.tokenize("red cat", 6).tokens());
    }
  }

  @Test
  void aPromptThatNormalisesToNothingIsInvalid() throws Exception {
    Path dir = noUnkDir();
    String cleaning =
        Files.readString(dir.resolve("tokenizer.json"))
            .replace(
                "\"normalizer\": null",
                "\"normalizer\": {\"type\": \"BertNormalizer\", \"clean_text\": true,"
                    + " \"handle_chinese_chars\": false, \"strip_accents\": null,"
                    + " \"lowercase\": false}");
    try (PromptTokenizer tokenizer =
        PromptTokenizer.fromJson(
            cleaning, Files.readString(dir.resolve("tokenizer_config.json")))) {
      InvalidPromptException e =
          assertThrows(InvalidPromptException.class, () -> tokenizer.tokenize("\u0001\u0002", 6));
      assertEquals("the prompt produced no tokens", e.getMessage());
    }
  }

  @Test
  void aTokenizerConfigWithoutPadTokenIsRejected(@TempDir Path dir) throws Exception {
    assertOpenFails(dir, "{\"model_max_length\": 8}", "sets no pad_token");
  }

  @Test
  void thePadTokenMustExistInTheVocabulary(@TempDir Path dir) throws Exception {
    assertOpenFails(dir, "{\"pad_token\": \"<pad>\"}", "pad_token '<pad>'");
  }

  @Test
  void aMissingTokenizerFileIsNamed(@TempDir Path dir) {
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> PromptTokenizer.open(dir));
    assertTrue(e.getMessage().contains("tokenizer.json is missing"), e.getMessage());
  }

  private static void assertOpenFails(Path dir, String tokenizerConfig, String reason)
      throws Exception {
    Files.copy(noUnkDir().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
    Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfig);
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> PromptTokenizer.open(dir));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }
}
