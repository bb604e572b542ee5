package org.hartbatch.ops.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ops/bin/run-local refuses bad arguments before it starts anything. */
class RunLocalScriptTest {

  @Test
  void missingCatalogIsNamed() throws Exception {
    String output = runExpectingUsageError("no-such-catalog.jsonl");
    assertTrue(output.contains("catalog 'no-such-catalog.jsonl' is not a readable file"), output);
  }

  @Test
  void modelMustBeADirectory(@TempDir Path dir) throws Exception {
    String output = runExpectingUsageError("--model", dir.resolve("absent").toString());
    assertTrue(output.contains("--model"), output);
    assertTrue(output.contains("is not a directory"), output);
  }

  @Test
  void unknownOptionShowsUsage() throws Exception {
    String output = runExpectingUsageError("--fast");
    assertTrue(output.contains("unknown option --fast"), output);
    assertTrue(output.contains("usage: ops/bin/run-local [CATALOG.jsonl] [--model DIR]"), output);
  }

  private static String runExpectingUsageError(String... args) throws Exception {
    String[] command = new String[args.length + 2];
    command[0] = "bash";
    command[1] = "bin/run-local";
    System.arraycopy(args, 0, command, 2, args.length);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, process.exitValue(), output);
    return output;
  }
}
