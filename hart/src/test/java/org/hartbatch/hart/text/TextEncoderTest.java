package org.hartbatch.hart.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The public text-encoder API: per-prompt outcomes, truncation reports and bad input. */
class TextEncoderTest {
  private static final Qwen2Config CONFIG = new Qwen2Config(512, 32, 2, 4, 2, 64, 1e6, 1e-6);
  private static final int MAX_TOKENS = 16;

  private static TextEncoder encoder;

  @BeforeAll
  static void open() {
    encoder =
        TextEncoders.random(CONFIG, 11, TextEncoderOptions.defaults().withMaxTokens(MAX_TOKENS));
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  @Test
  void encodesPromptsIntoRightPaddedContextRows() {
    try (EncodedPrompts encoded = encoder.encode(List.of("A cat sleeping", "a red car"))) {
      assertEquals(new Shape(2, MAX_TOKENS, 32), encoded.context_BTD().getShape());
      assertEquals(new PromptOutcome.Encoded(0, 3, 0, List.of()), encoded.outcomes().get(0));
      assertEquals(new PromptOutcome.Encoded(1, 3, 0, List.of()), encoded.outcomes().get(1));
      boolean[] mask = encoded.mask_BT().get(0).toBooleanArray();
      boolean[] expected = new boolean[MAX_TOKENS];
      Arrays.fill(expected, 0, 3, true);
      assertArrayEquals(expected, mask);
      assertArrayEquals(
          new long[] {0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2},
          encoded.positions_BT().get(0).toLongArray());
    }
  }

  @Test
  void theSystemPromptIsTokenizedOnceAndNotPadded() {
    PromptTokenizer tokenizer = TextEncoders.tinyTokenizer();
    try (tokenizer) {
      int expected = Math.min(tokenizer.ids(SystemPrompt.REFERENCE).length, MAX_TOKENS);
      assertEquals(expected, encoder.systemPromptTokens());
    }
  }

  @Test
  void aPromptFarOverTheLimitIsTruncatedAndTheDroppedTokensAreReported() {
    String longPrompt = String.join(" ", java.util.Collections.nCopies(100, "red cat"));
    try (EncodedPrompts encoded = encoder.encode(List.of(longPrompt, "a cat"))) {
      PromptOutcome.Encoded outcome =
          assertInstanceOf(PromptOutcome.Encoded.class, encoded.outcomes().get(0));
      assertEquals(MAX_TOKENS, outcome.tokens());
      assertEquals(200 - MAX_TOKENS, outcome.droppedTokens());
      assertTrue(outcome.truncated());
      assertEquals(MAX_TOKENS - 1, encoded.positions_BT().get(0).toLongArray()[MAX_TOKENS - 1]);
      assertEquals(new PromptOutcome.Encoded(1, 2, 0, List.of()), encoded.outcomes().get(1));
    }
  }

  @Test
  void badPromptsAreRejectedOneByOneAndTheRestOfTheBatchIsEncoded() {
    List<String> prompts =
        new ArrayList<>(List.of("", "   \t\n", "a red cat", "broken \uD800 surrogate"));
    prompts.add(null);
    try (EncodedPrompts encoded = encoder.encode(prompts);
        EncodedPrompts alone = encoder.encode(List.of("a red cat"))) {
      assertEquals(new PromptOutcome.Rejected("prompt is empty"), encoded.outcomes().get(0));
      assertEquals(
          new PromptOutcome.Rejected("prompt contains only whitespace"), encoded.outcomes().get(1));
      assertEquals(new PromptOutcome.Encoded(0, 3, 0, List.of()), encoded.outcomes().get(2));
      assertEquals(
          new PromptOutcome.Rejected(
              "prompt is not valid Unicode: unpaired surrogate U+D800 at index 7"),
          encoded.outcomes().get(3));
      assertEquals(
          new PromptOutcome.Rejected("prompt is missing (null)"), encoded.outcomes().get(4));
      assertEquals(1, encoded.rows());
      assertTrue(encoded.context_BTD().allClose(alone.context_BTD(), 1e-5, 1e-5, false));
    }
  }

  @Test
  void wordsOutsideTheVocabularyBecomeTheUnknownTokenAndAreCounted() {
    try (EncodedPrompts encoded = encoder.encode(List.of("a zyzzyva on \u6f22\u5b57 cat"))) {
      assertEquals(
          new PromptOutcome.Encoded(0, 5, 0, List.of("zyzzyva", "\u6f22\u5b57")),
          encoded.outcomes().get(0));
    }
  }

  @Test
  void invalidUtf8RejectsOnlyThatPrompt() {
    byte[] invalid = {'a', ' ', (byte) 0xC3, (byte) 0x28, 'c', 'a', 't'};
    byte[] truncatedSequence = {'c', 'a', 't', (byte) 0xE2, (byte) 0x82};
    byte[] valid = "a red cat".getBytes(StandardCharsets.UTF_8);
    try (EncodedPrompts encoded =
        encoder.encodeUtf8(Arrays.asList(invalid, valid, truncatedSequence, null))) {
      assertEquals(
          new PromptOutcome.Rejected("prompt is missing (null)"), encoded.outcomes().get(3));
      assertEquals(
          new PromptOutcome.Rejected(
              "prompt is not valid UTF-8: malformed byte sequence at byte offset 2"),
          encoded.outcomes().get(0));
      assertEquals(new PromptOutcome.Encoded(0, 3, 0, List.of()), encoded.outcomes().get(1));
      assertEquals(
          new PromptOutcome.Rejected(
              "prompt is not valid UTF-8: malformed byte sequence at byte offset 3"),
          encoded.outcomes().get(2));
    }
  }

  @Test
  void aTokenizerWhoseIdsExceedTheModelVocabularyRejectsThosePrompts() {
    Qwen2Config small = new Qwen2Config(40, 32, 1, 4, 2, 64, 1e6, 1e-6);
    try (TextEncoder mismatched =
            TextEncoders.random(
                small, 3, TextEncoderOptions.defaults().withMaxTokens(8).withSystemPrompt(""));
        EncodedPrompts encoded = mismatched.encode(List.of("a user prompt", "skyscrapers"))) {
      assertInstanceOf(PromptOutcome.Encoded.class, encoded.outcomes().get(0));
      PromptOutcome.Rejected rejected =
          assertInstanceOf(PromptOutcome.Rejected.class, encoded.outcomes().get(1));
      assertTrue(
          rejected
              .reason()
              .endsWith(
                  "is outside the text encoder's vocabulary of 40"
                      + " (tokenizer and model do not match)"),
          rejected.reason());
    }
  }

  @Test
  void aBatchWithNoValidPromptGivesEmptyTensors() {
    try (EncodedPrompts encoded = encoder.encode(List.of(" "))) {
      assertEquals(0, encoded.rows());
      assertEquals(new Shape(0, MAX_TOKENS, 32), encoded.context_BTD().getShape());
    }
  }

  @Test
  void reuseOfTheSystemPromptDoesNotChangeTheResult() {
    List<String> prompts = List.of("a small fluffy white cat", "a busy city street at dusk");
    try (TextEncoder full =
            TextEncoders.random(
                CONFIG,
                11,
                TextEncoderOptions.defaults()
                    .withMaxTokens(MAX_TOKENS)
                    .withReuseSystemPrompt(false));
        EncodedPrompts a = encoder.encode(prompts);
        EncodedPrompts b = full.encode(prompts)) {
      NDArray diff = a.context_BTD().sub(b.context_BTD()).abs();
      assertTrue(diff.max().getFloat() < 1e-5f, "max diff " + diff.max().getFloat());
    }
  }
}
