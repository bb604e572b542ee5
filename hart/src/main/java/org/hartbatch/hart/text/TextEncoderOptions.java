package org.hartbatch.hart.text;

/**
 * How prompts are turned into HART's text conditioning.
 *
 * @param maxTokens {@code context_token}: prompt tokens kept and padded to (300 for released HART)
 * @param systemPrompt text prepended for the encoder only; empty for none ({@code
 *     use_llm_system_prompt=False})
 * @param reuseSystemPrompt compute the system prompt's keys/values once instead of every batch
 */
public record TextEncoderOptions(int maxTokens, String systemPrompt, boolean reuseSystemPrompt) {
  public static final int DEFAULT_MAX_TOKENS = 300;

  public TextEncoderOptions {
    if (maxTokens <= 0) {
      throw new IllegalArgumentException("maxTokens must be > 0 but is " + maxTokens);
    }
    if (systemPrompt == null) {
      throw new IllegalArgumentException("systemPrompt must not be null (use \"\" for none)");
    }
  }

  /** The reference's settings: 300 tokens, its system prompt, reused. */
  public static TextEncoderOptions defaults() {
    return new TextEncoderOptions(DEFAULT_MAX_TOKENS, SystemPrompt.REFERENCE, true);
  }

  public TextEncoderOptions withMaxTokens(int tokens) {
    return new TextEncoderOptions(tokens, systemPrompt, reuseSystemPrompt);
  }

  public TextEncoderOptions withSystemPrompt(String text) {
    return new TextEncoderOptions(maxTokens, text, reuseSystemPrompt);
  }

  public TextEncoderOptions withReuseSystemPrompt(boolean reuse) {
    return new TextEncoderOptions(maxTokens, systemPrompt, reuse);
  }
}
