package org.hartbatch.hart.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hartbatch.hart.text.PromptTokenizer;
import org.hartbatch.hart.text.TokenizedPrompt;
import org.junit.jupiter.api.Test;

/**
 * The demo's catalog (examples/prompts.jsonl) speaks only the words builtin:shapes knows, in
 * captions of the kind it draws.
 */
class ExampleCatalogTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyDemoPromptIsACaptionInTheShapesVocabulary() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "examples", "prompts.jsonl"));
    assertTrue(lines.size() >= 20, "the demo catalog has " + lines.size() + " lines");
    try (PromptTokenizer tokenizer = ShapesVocabulary.create().tokenizer()) {
      for (String line : lines) {
        String prompt = JSON.readTree(line).path("prompt").asText();
        TokenizedPrompt tokens = tokenizer.tokenize(prompt, 24);
        assertEquals(List.of(), tokens.unknownWords(), prompt);
        assertEquals(0, tokens.droppedTokens(), prompt);
        // the shipped model was trained on one shape per picture
        assertFalse(prompt.contains(" and "), "a demo caption with two shapes: " + prompt);
      }
    }
  }
}
