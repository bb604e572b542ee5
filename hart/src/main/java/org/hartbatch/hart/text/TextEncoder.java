package org.hartbatch.hart.text;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * HART's text conditioning: prompts in, Qwen2 context tensors out, with a per-prompt outcome so one
 * bad prompt never fails the rest of its batch.
 *
 * <pre>{@code
 * try (TextEncoder text = TextEncoder.open(qwenDir, TextEncoderOptions.defaults());
 *     EncodedPrompts encoded = text.encode(prompts)) {
 *   encoded.context_BTD(); encoded.mask_BT(); encoded.positions_BT(); encoded.outcomes();
 * }
 * }</pre>
 */
public final class TextEncoder implements AutoCloseable {
  private final NDManager manager;
  private final PromptTokenizer tokenizer;
  private final Qwen2Model model;
  private final PromptEncoder encoder;
  private final TextEncoderOptions options;

  TextEncoder(
      NDManager manager, PromptTokenizer tokenizer, Qwen2Model model, TextEncoderOptions options) {
    this.manager = manager;
    this.tokenizer = tokenizer;
    this.model = model;
    this.options = options;
    long[] systemIds =
        options.systemPrompt().isEmpty() ? new long[0] : tokenizer.ids(options.systemPrompt());
    this.encoder =
        new PromptEncoder(
            model,
            Arrays.copyOf(systemIds, Math.min(systemIds.length, options.maxTokens())),
            options.maxTokens(),
            tokenizer.padId(),
            options.reuseSystemPrompt(),
            manager);
  }

  /** Opens a Hugging Face Qwen2 directory holding both the model and its tokenizer files. */
  public static TextEncoder open(Path dir, TextEncoderOptions options) throws IOException {
    return open(dir, dir, options);
  }

  /**
   * Opens a Qwen2 model ({@code config.json}, {@code model.safetensors} or its sharded index) and a
   * tokenizer ({@code tokenizer.json}, {@code tokenizer_config.json}) on the default device.
   */
  public static TextEncoder open(Path modelDir, Path tokenizerDir, TextEncoderOptions options)
      throws IOException {
    return open(modelDir, tokenizerDir, options, null);
  }

  /** {@link #open(Path, Path, TextEncoderOptions)} on {@code device} (null: the default device). */
  public static TextEncoder open(
      Path modelDir, Path tokenizerDir, TextEncoderOptions options, Device device)
      throws IOException {
    PromptTokenizer tokenizer = PromptTokenizer.open(tokenizerDir);
    NDManager manager = NDManager.newBaseManager(device);
    try {
      return new TextEncoder(manager, tokenizer, Qwen2Checkpoint.load(modelDir, manager), options);
    } catch (IOException | RuntimeException e) {
      manager.close();
      tokenizer.close();
      throw e;
    }
  }

  public TextEncoderOptions options() {
    return options;
  }

  public Qwen2Config config() {
    return model.config();
  }

  /** Length of the system prompt in tokens ({@code S_sys}). */
  public int systemPromptTokens() {
    return encoder.systemPromptLength();
  }

  /** Encodes prompts; the result's tensors live until it is closed. */
  public EncodedPrompts encode(List<String> prompts) {
    List<TokenizedOrRejected> rows = new ArrayList<>(prompts.size());
    for (String prompt : prompts) {
      rows.add(tokenizeOne(prompt));
    }
    return encodeRows(rows);
  }

  /**
   * Encodes prompts given as UTF-8 bytes (as they arrive in records); invalid UTF-8 rejects that
   * prompt only.
   */
  public EncodedPrompts encodeUtf8(List<byte[]> prompts) {
    List<TokenizedOrRejected> rows = new ArrayList<>(prompts.size());
    for (byte[] prompt : prompts) {
      try {
        rows.add(tokenizeOne(decodeUtf8(prompt)));
      } catch (InvalidPromptException e) {
        rows.add(new TokenizedOrRejected(null, new PromptOutcome.Rejected(e.getMessage())));
      }
    }
    return encodeRows(rows);
  }

  private record TokenizedOrRejected(TokenizedPrompt tokens, PromptOutcome.Rejected rejected) {}

  private TokenizedOrRejected tokenizeOne(String prompt) {
    try {
      TokenizedPrompt tokens = tokenizer.tokenize(prompt, options.maxTokens());
      for (int i = 0; i < tokens.tokens(); i++) {
        if (tokens.ids_T()[i] < 0 || tokens.ids_T()[i] >= model.config().vocabSize()) {
          throw new InvalidPromptException(
              "token id "
                  + tokens.ids_T()[i]
                  + " is outside the text encoder's vocabulary of "
                  + model.config().vocabSize()
                  + " (tokenizer and model do not match)");
        }
      }
      return new TokenizedOrRejected(tokens, null);
    } catch (InvalidPromptException e) {
      return new TokenizedOrRejected(null, new PromptOutcome.Rejected(e.getMessage()));
    }
  }

  private EncodedPrompts encodeRows(List<TokenizedOrRejected> rows) {
    List<PromptOutcome> outcomes = new ArrayList<>(rows.size());
    List<long[]> accepted = new ArrayList<>();
    for (TokenizedOrRejected row : rows) {
      if (row.rejected() != null) {
        outcomes.add(row.rejected());
        continue;
      }
      TokenizedPrompt t = row.tokens();
      outcomes.add(
          new PromptOutcome.Encoded(
              accepted.size(), t.tokens(), t.droppedTokens(), t.unknownWords()));
      accepted.add(t.ids_T());
    }
    NDManager result = manager.newSubManager();
    try {
      PromptEncoder.Context context = encoder.encode(accepted.toArray(long[][]::new), result);
      return new EncodedPrompts(
          List.copyOf(outcomes),
          context.context_BTD(),
          context.mask_BT(),
          context.positions_BT(),
          result);
    } catch (RuntimeException e) {
      result.close();
      throw e;
    }
  }

  static String decodeUtf8(byte[] bytes) {
    if (bytes == null) {
      throw new InvalidPromptException("prompt is missing (null)");
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isUnderflow()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw new InvalidPromptException(
          "prompt is not valid UTF-8: malformed byte sequence at byte offset " + in.position());
    }
    return out.flip().toString();
  }

  @Override
  public void close() {
    encoder.close();
    manager.close();
    tokenizer.close();
  }
}
