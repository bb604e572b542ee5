package org.hartbatch.hart.text;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Encoding throughput of a mid-size random Qwen2 at batch 1, 16 and 64, with and without the
 * system-prompt prefix reuse. Not a test; run it with the command in docs/benchmarks.md. Both
 * variants run interleaved in one process so their ratio is fair. Besides wall-clock prompts/s it
 * reports the process CPU time per prompt, which stays meaningful on a machine shared with other
 * jobs.
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
      System.out.println(
          "| batch | full pass prompts/s | reuse prompts/s | wall speed-up"
              + " | full pass CPU s/prompt | reuse CPU s/prompt | CPU speed-up |");
      for (int i = 0; i < batches.length; i++) {
        List<String> prompts = prompts(batches[i]);
        Cost fullCost = new Cost(0, 0);
        Cost reuseCost = new Cost(0, 0);
        for (int r = 0; r < repeats[i]; r++) {
          fullCost = fullCost.plus(time(full, prompts));
          reuseCost = reuseCost.plus(time(reuse, prompts));
        }
        int count = batches[i] * repeats[i];
        System.out.printf(
            "| %d | %.2f | %.2f | %.2fx | %.3f | %.3f | %.2fx |%n",
            batches[i],
            count / fullCost.wallSeconds(),
            count / reuseCost.wallSeconds(),
            fullCost.wallSeconds() / reuseCost.wallSeconds(),
            fullCost.cpuSeconds() / count,
            reuseCost.cpuSeconds() / count,
            fullCost.cpuSeconds() / reuseCost.cpuSeconds());
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

  private record Cost(double wallSeconds, double cpuSeconds) {
    Cost plus(Cost other) {
      return new Cost(wallSeconds + other.wallSeconds, cpuSeconds + other.cpuSeconds);
    }
  }

  private static Cost time(TextEncoder encoder, List<String> prompts) {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    long start = System.nanoTime();
    try (EncodedPrompts encoded = encoder.encode(prompts)) {
      encoded.context_BTD().toFloatArray();
    }
    return new Cost((System.nanoTime() - start) / 1e9, (os.getProcessCpuTime() - cpuStart) / 1e9);
  }
}
