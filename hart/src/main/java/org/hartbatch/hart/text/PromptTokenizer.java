package org.hartbatch.hart.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.hartbatch.hart.io.CheckpointException;

/**
 * Turns prompt text into the fixed-length id rows HART feeds its text encoder: a Hugging Face
 * {@code tokenizer.json} (DJL's binding, bundled native library, no download) with the pad token of
 * {@code tokenizer_config.json}; prompts are cut to {@code maxTokens} and right-padded.
 *
 * <p>Truncation and padding are done here rather than by the native tokenizer because DJL 0.33 pads
 * with id 0 unless {@code tokenizer.json} itself names a pad token, which Qwen2's does not; cutting
 * here also yields the exact number of dropped tokens for the job's result. Qwen2's tokenizer adds
 * no special tokens, so keeping the first {@code maxTokens} ids equals Hugging Face's {@code
 * truncation=True}.
 *
 * <p>Characters outside the vocabulary: byte-level BPE vocabularies (Qwen2) cover every byte, so
 * nothing is unknown; a vocabulary with an unknown token maps such words to it and lists their text
 * in {@link TokenizedPrompt#unknownWords()}; a vocabulary without one makes the prompt invalid.
 *
 * <p>Special-token text inside a prompt is tokenized as the special token, as Hugging Face does: a
 * literal {@code <|endoftext|>} becomes the pad id and, as in the reference, is then masked like
 * padding.
 */
public final class PromptTokenizer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HuggingFaceTokenizer tokenizer;
  private final long padId;
  private final OptionalLong unknownId;

  private PromptTokenizer(HuggingFaceTokenizer tokenizer, long padId, OptionalLong unknownId) {
    this.tokenizer = tokenizer;
    this.padId = padId;
    this.unknownId = unknownId;
  }

  /** Opens {@code tokenizer.json} and {@code tokenizer_config.json} of a directory. */
  public static PromptTokenizer open(Path dir) throws IOException {
    Path tokenizerJson = dir.resolve("tokenizer.json");
    Path configJson = dir.resolve("tokenizer_config.json");
    for (Path required : new Path[] {tokenizerJson, configJson}) {
      if (!Files.isRegularFile(required)) {
        throw new CheckpointException(required + " is missing");
      }
    }
    try {
      return fromJson(Files.readString(tokenizerJson), Files.readString(configJson));
    } catch (CheckpointException e) {
      throw new CheckpointException(dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Builds a tokenizer from the text of {@code tokenizer.json} and {@code tokenizer_config.json}.
   */
  public static PromptTokenizer fromJson(String tokenizerJson, String tokenizerConfigJson)
      throws IOException {
    JsonNode tokenizer = JSON.readTree(tokenizerJson);
    JsonNode config = JSON.readTree(tokenizerConfigJson);
    long padId = padId(tokenizer, config);
    OptionalLong unknownId = unknownId(tokenizer, config);
    HuggingFaceTokenizer native_ =
        HuggingFaceTokenizer.newInstance(
            new ByteArrayInputStream(tokenizerJson.getBytes(StandardCharsets.UTF_8)),
            Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "true"));
    return new PromptTokenizer(native_, padId, unknownId);
  }

  public long padId() {
    return padId;
  }

  /** All ids of {@code text}, uncut and unpadded. */
  public long[] ids(String text) {
    return encode(text).getIds();
  }

  private Encoding encode(String text) {
    try {
      return tokenizer.encode(text);
    } catch (RuntimeException e) {
      throw new InvalidPromptException("the tokenizer rejected the prompt: " + e.getMessage(), e);
    }
  }

  /** The prompt's ids cut to {@code maxTokens} and right-padded with the pad id. */
  public TokenizedPrompt tokenize(String prompt, int maxTokens) {
    validate(prompt);
    Encoding encoding = encode(prompt);
    long[] all = encoding.getIds();
    if (all.length == 0) {
      throw new InvalidPromptException("the prompt produced no tokens");
    }
    int kept = Math.min(all.length, maxTokens);
    long[] row = Arrays.copyOf(all, maxTokens);
    Arrays.fill(row, kept, maxTokens, padId);
    List<String> unknown = new ArrayList<>();
    if (unknownId.isPresent()) {
      CharSpan[] spans = encoding.getCharTokenSpans();
      for (int i = 0; i < kept; i++) {
        if (row[i] == unknownId.getAsLong()) {
          unknown.add(textOf(prompt, spans[i]));
        }
      }
    }
    return new TokenizedPrompt(row, kept, all.length - kept, unknown);
  }

  /** The prompt's text under a token; the offsets count Unicode code points. */
  private static String textOf(String prompt, CharSpan span) {
    int start = prompt.offsetByCodePoints(0, span.getStart());
    int end = prompt.offsetByCodePoints(start, span.getEnd() - span.getStart());
    return prompt.substring(start, end);
  }

  private static void validate(String prompt) {
    if (prompt == null) {
      throw new InvalidPromptException("prompt is missing (null)");
    }
    if (prompt.isEmpty()) {
      throw new InvalidPromptException("prompt is empty");
    }
    if (prompt.isBlank()) {
      throw new InvalidPromptException("prompt contains only whitespace");
    }
    for (int i = 0; i < prompt.length(); i++) {
      char c = prompt.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < prompt.length()
          && Character.isLowSurrogate(prompt.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidPromptException(
            "prompt is not valid Unicode: unpaired surrogate U+"
                + Integer.toHexString(c).toUpperCase()
                + " at index "
                + i);
      }
    }
  }

  private static long padId(JsonNode tokenizer, JsonNode config) {
    JsonNode pad = config.path("pad_token");
    String content = pad.isObject() ? pad.path("content").asText(null) : pad.asText(null);
    if (pad.isNull() || content == null) {
      throw new CheckpointException(
          "tokenizer_config.json sets no pad_token, but HART pads every prompt to max length");
    }
    return tokenId(tokenizer, config, content)
        .orElseThrow(
            () ->
                new CheckpointException(
                    "pad_token '"
                        + content
                        + "' of tokenizer_config.json is not in the vocabulary"));
  }

  private static OptionalLong unknownId(JsonNode tokenizer, JsonNode config) {
    JsonNode model = tokenizer.path("model");
    if (model.path("unk_id").canConvertToLong()) {
      return OptionalLong.of(model.path("unk_id").asLong());
    }
    JsonNode unk = model.path("unk_token");
    return unk.isTextual() ? tokenId(tokenizer, config, unk.asText()) : OptionalLong.empty();
  }

  private static OptionalLong tokenId(JsonNode tokenizer, JsonNode config, String content) {
    for (Iterator<Map.Entry<String, JsonNode>> it = config.path("added_tokens_decoder").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (content.equals(e.getValue().path("content").asText())) {
        return OptionalLong.of(Long.parseLong(e.getKey()));
      }
    }
    for (JsonNode added : tokenizer.path("added_tokens")) {
      if (content.equals(added.path("content").asText())) {
        return OptionalLong.of(added.path("id").asLong());
      }
    }
    JsonNode id = tokenizer.path("model").path("vocab").path(content);
    return id.canConvertToLong() ? OptionalLong.of(id.asLong()) : OptionalLong.empty();
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
