package org.hartbatch.hart.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * A Hugging Face word-level tokenizer in the layout of the bundled tiny one: pad {@code
 * <|endoftext|>} = id 0, {@code [UNK]} = id 1, then the words in the given order; lower-casing
 * normaliser and whitespace pre-tokeniser, so punctuation splits off as its own word.
 */
public final class WordLevelVocabulary {
  public static final String PAD = "<|endoftext|>";
  public static final String UNKNOWN = "[UNK]";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final List<String> tokens;

  private WordLevelVocabulary(List<String> tokens) {
    this.tokens = tokens;
  }

  /** The vocabulary of the special tokens followed by {@code words}, lower-cased, first wins. */
  public static WordLevelVocabulary of(List<String> words) {
    LinkedHashSet<String> all = new LinkedHashSet<>(List.of(PAD, UNKNOWN));
    for (String word : words) {
      if (word == null || word.isBlank() || !word.strip().equals(word) || word.contains(" ")) {
        throw new IllegalArgumentException(
            "vocabulary word '" + word + "' is invalid: words must be non-empty without spaces");
      }
      all.add(word.toLowerCase(Locale.ROOT));
    }
    return new WordLevelVocabulary(List.copyOf(all));
  }

  /** All tokens in id order, special tokens first. */
  public List<String> tokens() {
    return tokens;
  }

  public int size() {
    return tokens.size();
  }

  public String tokenizerJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int id = 0; id < 2; id++) {
      ObjectNode token = specialToken(id);
      token.put("id", id);
      added.add(token);
    }
    root.putObject("normalizer").put("type", "Lowercase");
    root.putObject("pre_tokenizer").put("type", "Whitespace");
    root.putNull("post_processor");
    root.putNull("decoder");
    ObjectNode model = root.putObject("model");
    model.put("type", "WordLevel");
    ObjectNode vocab = model.putObject("vocab");
    for (int id = 0; id < tokens.size(); id++) {
      vocab.put(tokens.get(id), id);
    }
    model.put("unk_token", UNKNOWN);
    return write(root);
  }

  public String tokenizerConfigJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("tokenizer_class", "PreTrainedTokenizerFast");
    root.put("pad_token", PAD);
    root.put("unk_token", UNKNOWN);
    ObjectNode decoder = root.putObject("added_tokens_decoder");
    for (int id = 0; id < 2; id++) {
      decoder.set(Integer.toString(id), specialToken(id));
    }
    return write(root);
  }

  /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. */
  public void writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson());
    Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfigJson());
  }

  /** This vocabulary as a tokenizer, without touching the file system. */
  public PromptTokenizer tokenizer() {
    try {
      return PromptTokenizer.fromJson(tokenizerJson(), tokenizerConfigJson());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ObjectNode specialToken(int id) {
    ObjectNode token = JSON.createObjectNode();
    token.put("content", tokens.get(id));
    token.put("single_word", false);
    token.put("lstrip", false);
    token.put("rstrip", false);
    token.put("normalized", false);
    token.put("special", true);
    return token;
  }

  private static String write(ObjectNode root) {
    try {
      return JSON.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
