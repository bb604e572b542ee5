package org.hartbatch.hart.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Encoding throughput (prompts/s) of a mid-size random Qwen2 at batch 1, 16 and 64, with and
 * without the system-prompt prefix reuse. Not a test; run it with the command in
 * docs/benchmarks.md. Both variants run interleaved in one process so their ratio is fair.
 */
public final class TextEncoderBenchmark {
  private static final Qwen2Config MID = new Qwen2Config(32000, 512, 4, 8, 2, 1408, 1e6, 1e-6);
  private static final String[] PROMPTS = {
    "a small fluffy white cat curled up in a round shape sleeping on a warm sunny windowsill",
    "a bustling city street scene at dusk with glowing street lamps and a double decker bus",
    "an astronaut sitting in a diner eating fries cinematic analog film",
    "chinese architecture ancient style mountain bird lotus pond big tree",
  };

  private TextEncoderBenchmark() {}

  public static void main(String[] args) {
    int[] batches = {1, 16, 64};
    int[] repeats = {3, 1, 1};
    TextEncoderOptions options = TextEncoderOptions.defaults();
    try (TextEncoder reuse = TextEncoders.random(MID, 1, options);
        TextEncoder full = TextEncoders.random(MID, 1, options.withReuseSystemPrompt(false))) {
      System.out.printf(
          "Qwen2 hidden %d, %d layers, %d heads / %d kv heads, intermediate %d, vocab %d;"
              + " T=%d, system prompt %d tokens%n",
          MID.hiddenSize(),
          MID.numHiddenLayers(),
          MID.numAttentionHeads(),
          MID.numKeyValueHeads(),
          MID.intermediateSize(),
          MID.vocabSize(),
          options.maxTokens(),
          reuse.systemPromptTokens());
      time(reuse, prompts(1));
      time(full, prompts(1));
      System.out.println("batch | full pass prompts/s | with reuse prompts/s | speed-up");
      for (int i = 0; i < batches.length; i++) {
        List<String> prompts = prompts(batches[i]);
        double fullSeconds = 0;
        double reuseSeconds = 0;
        for (int r = 0; r < repeats[i]; r++) {
          fullSeconds += time(full, prompts);
          reuseSeconds += time(reuse, prompts);
        }
        double fullRate = batches[i] * repeats[i] / fullSeconds;
        double reuseRate = batches[i] * repeats[i] / reuseSeconds;
        System.out.printf(
            "%5d | %19.2f | %20.2f | %.2fx%n",
            batches[i], fullRate, reuseRate, reuseRate / fullRate);
      }
    }
  }

  private static List<String> prompts(int count) {
    List<String> prompts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      prompts.add(PROMPTS[i % PROMPTS.length]);
    }
    return prompts;
  }

  private static double time(TextEncoder encoder, List<String> prompts) {
    long start = System.nanoTime();
    try (EncodedPrompts encoded = encoder.encode(prompts)) {
      encoded.context_BTD().toFloatArray();
    }
    return (System.nanoTime() - start) / 1e9;
  }
}
