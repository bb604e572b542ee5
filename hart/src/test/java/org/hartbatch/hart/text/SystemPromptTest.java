package org.hartbatch.hart.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SystemPromptTest {
  @Test
  void isTheReferenceTextByteForByte() {
    byte[] bytes = SystemPrompt.REFERENCE.getBytes(StandardCharsets.UTF_8);
    assertEquals(705, bytes.length);
    assertEquals(9, SystemPrompt.REFERENCE.chars().filter(c -> c == '\n').count());
    assertTrue(
        SystemPrompt.REFERENCE.startsWith("Given a user prompt, generate an \"Enhanced prompt\""));
    assertTrue(SystemPrompt.REFERENCE.endsWith("User Prompt:\n"));
  }
}
