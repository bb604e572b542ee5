package org.hartbatch.hart.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HartCliTest {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  private record Run(int exitCode, String err) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new HartCli());
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    return new Run(cli.execute(args), err.toString());
  }

  @Test
  void aJobsFileRendersEveryGoodLineAndReportsTheBadOnes(@TempDir Path dir) throws Exception {
    Path jobs = dir.resolve("jobs.jsonl");
    Files.writeString(
        jobs,
        String.join(
            "\n",
            "{\"prompt\": \"a red boat\", \"seed\": 5, \"name\": \"boat\"}",
            "{\"prompt\": 42}",
            "not json",
            "",
            "{\"prompt\": \"a green zyzzyva tree\", \"cfg\": 3, \"more_smooth\": false}"),
        StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    Run run =
        run(
            "render",
            "--model",
            "builtin:tiny",
            "--jobs",
            jobs.toString(),
            "--out-dir",
            out.toString(),
            "--batch",
            "2");
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.err().contains("line 2: field 'prompt'"), run.err());
    assertTrue(run.err().contains("line 3:"), run.err());
    assertTrue(run.err().contains("[2/2]"), run.err());
    assertTrue(
        run.err()
            .contains(
                "line 5: words the model does not know (it saw its unknown token instead): zyzzyva"),
        run.err());
    byte[] boat = Files.readAllBytes(out.resolve("boat.png"));
    assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(boat, 8));
    assertTrue(
        new String(boat, StandardCharsets.ISO_8859_1).contains("random weights"),
        "the image says it comes from random weights");
    assertTrue(Files.exists(out.resolve("000005.png")));
  }

  @Test
  void promptAndJobsCannotBeCombined(@TempDir Path dir) {
    Run run =
        run(
            "render",
            "--prompt",
            "x",
            "--out",
            dir.resolve("a.png").toString(),
            "--jobs",
            "j.jsonl",
            "--out-dir",
            dir.toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("mutually exclusive"), run.err());
    assertFalse(Files.exists(dir.resolve("a.png")));
  }
}
