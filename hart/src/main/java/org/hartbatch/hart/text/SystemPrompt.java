package org.hartbatch.hart.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The reference's LLM system prompt ({@code hart/utils/constants.py::llm_system_prompt}), which
 * HART prepends to every prompt before the text encoder. It is kept byte for byte in a resource and
 * checked against the SHA-256 the spec records, so an editor's line-ending or whitespace change
 * fails loudly instead of shifting every encoding.
 */
public final class SystemPrompt {
  public static final String SHA256 =
      "424f7aa7b1119f8ed1e329140e5941dfe308183bea0af59041dad5527a9b8f20";

  /** The reference text: 705 ASCII characters ending in {@code "User Prompt:\n"}. */
  public static final String REFERENCE = load();

  private SystemPrompt() {}

  private static String load() {
    try (InputStream in = SystemPrompt.class.getResourceAsStream("llm_system_prompt.txt")) {
      if (in == null) {
        throw new IllegalStateException("resource llm_system_prompt.txt is missing");
      }
      byte[] bytes = in.readAllBytes();
      String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      if (!digest.equals(SHA256)) {
        throw new IllegalStateException(
            "llm_system_prompt.txt has SHA-256 " + digest + ", expected " + SHA256);
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
