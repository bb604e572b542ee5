package org.hartbatch.hart.text;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Text encoders built in memory, for the built-in tiny model, tests and benchmarks: the bundled
 * word-level tokenizer (about 500 lower-cased English words, {@code [UNK]} for the rest, pad {@code
 * <|endoftext|>} = id 0) and a Qwen2 with seeded random weights.
 */
public final class TextEncoders {
  /** A 2-layer Qwen2 with hidden size 64 whose vocabulary covers the bundled tokenizer. */
  public static final Qwen2Config TINY_CONFIG = new Qwen2Config(512, 64, 2, 4, 2, 128, 1e6, 1e-6);

  private static final String TINY_TOKENIZER = "tiny/";

  private TextEncoders() {}

  /** {@link #TINY_CONFIG} with the reference's options (300 tokens, system prompt, reuse). */
  public static TextEncoder randomTiny(long seed) {
    return random(TINY_CONFIG, seed, TextEncoderOptions.defaults());
  }

  /** {@link #TINY_CONFIG} with {@code maxTokens} prompt tokens and otherwise reference options. */
  public static TextEncoder randomTiny(long seed, int maxTokens) {
    return random(TINY_CONFIG, seed, TextEncoderOptions.defaults().withMaxTokens(maxTokens));
  }

  /** A random-weight encoder of any size with the bundled tokenizer, on the default device. */
  public static TextEncoder random(Qwen2Config config, long seed, TextEncoderOptions options) {
    return random(config, seed, options, null);
  }

  /**
   * A random-weight encoder of any size with the bundled tokenizer on {@code device} (null: the
   * engine's default device).
   */
  public static TextEncoder random(
      Qwen2Config config, long seed, TextEncoderOptions options, Device device) {
    PromptTokenizer tokenizer = tinyTokenizer();
    NDManager manager = NDManager.newBaseManager(device);
    try {
      Qwen2Model model =
          Qwen2Model.fromTensors(config, Qwen2Checkpoint.random(config, seed, manager));
      return new TextEncoder(manager, tokenizer, model, options);
    } catch (RuntimeException e) {
      manager.close();
      tokenizer.close();
      throw e;
    }
  }

  /** The bundled word-level tokenizer. */
  public static PromptTokenizer tinyTokenizer() {
    try {
      return PromptTokenizer.fromJson(
          resource(TINY_TOKENIZER + "tokenizer.json"),
          resource(TINY_TOKENIZER + "tokenizer_config.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = TextEncoders.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("bundled resource " + name + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
