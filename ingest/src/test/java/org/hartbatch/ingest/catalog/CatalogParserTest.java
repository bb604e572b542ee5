package org.hartbatch.ingest.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hartbatch.protocol.JobIds;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.Violation;
import org.junit.jupiter.api.Test;

class CatalogParserTest {

  private static final CatalogDefaults DEFAULTS =
      Catalogs.defaults("cat-1", Instant.parse("2026-01-01T00:00:00Z"));

  /** Records what the parser reports. */
  private static final class Outcome implements LineSink {
    final Map<Long, RenderJob> jobs = new TreeMap<>();
    final Map<Long, List<Violation>> rejected = new TreeMap<>();

    @Override
    public void accept(long lineNumber, RenderJob job) {
      jobs.put(lineNumber, job);
    }

    @Override
    public void reject(long lineNumber, List<Violation> violations) {
      rejected.put(lineNumber, violations);
    }

    Violation only(long line) {
      List<Violation> violations = rejected.get(line);
      assertEquals(1, violations.size(), () -> "violations of line " + line + ": " + violations);
      return violations.get(0);
    }
  }

  private static Outcome parse(CatalogFormat format, String text) throws Exception {
    return parse(format, DEFAULTS, text, 1024, 1000);
  }

  private static Outcome parse(
      CatalogFormat format, CatalogDefaults defaults, String text, int maxLineBytes, long maxLines)
      throws Exception {
    Outcome outcome = new Outcome();
    new CatalogParser(format, defaults, maxLineBytes, maxLines)
        .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), outcome);
    return outcome;
  }

  @Test
  void jsonLinesBecomeJobsWithDeterministicIdsAndSeeds() throws Exception {
    Outcome outcome =
        parse(
            CatalogFormat.JSONL,
            "{\"prompt\":\"a red fox\"}\n"
                + "\n"
                + "{\"prompt\":\"a blue bird\",\"seed\":7,\"cfg\":6.5,\"topK\":100,\"id\":\"b\"}\r\n"
                + "{\"prompt\":\"rain\",\"metadata\":{\"tag\":\"x\"},\"moreSmooth\":false}");
    assertEquals(List.of(1L, 3L, 4L), new ArrayList<>(outcome.jobs.keySet()));
    assertTrue(outcome.rejected.isEmpty());

    RenderJob fox = outcome.jobs.get(1L);
    assertEquals(JobIds.forLine("cat-1", 1), fox.jobId());
    assertEquals(JobIds.seedForLine("cat-1", 1), fox.seed());
    assertEquals(RenderJob.DEFAULT_GUIDANCE_SCALE, fox.guidanceScale());
    assertEquals("hart-0.7b-1024px", fox.model());
    assertEquals("1", fox.metadata().get(CatalogLineMetadata.LINE));

    RenderJob bird = outcome.jobs.get(3L);
    assertEquals(JobIds.forKey("cat-1", "b"), bird.jobId());
    assertEquals(7L, bird.seed());
    assertEquals(6.5, bird.guidanceScale());
    assertEquals(100, bird.topK());
    assertEquals("b", bird.metadata().get(CatalogLineMetadata.CLIENT_ID));

    RenderJob rain = outcome.jobs.get(4L);
    assertEquals("x", rain.metadata().get("tag"));
    assertEquals(false, rain.moreSmooth());
  }

  @Test
  void malformedJsonIsRejectedWithItsLineAndTheRestIsRead() throws Exception {
    Outcome outcome =
        parse(
            CatalogFormat.JSONL,
            "{\"prompt\":\"ok\"}\n{\"prompt\": \"broken\n[1,2]\n{\"prompt\":\"x\"} trailing\n"
                + "{\"prompt\":\"a\",\"prompt\":\"b\"}\n{\"prompt\":\"ok too\"}\n");
    assertEquals(List.of(1L, 6L), new ArrayList<>(outcome.jobs.keySet()));
    for (long line = 2; line <= 5; line++) {
      Violation v = outcome.only(line);
      assertEquals("$", v.field());
      assertEquals("json", v.rule());
    }
    assertTrue(outcome.only(2).message().startsWith("not valid JSON"), outcome.only(2).message());
    assertTrue(outcome.only(3).message().contains("JSON object"));
  }

  @Test
  void missingPromptWrongTypesAndUnknownFieldsNameTheField() throws Exception {
    Outcome outcome =
        parse(
            CatalogFormat.JSONL,
            "{\"seed\":1}\n"
                + "{\"prompt\":\"   \"}\n"
                + "{\"prompt\":42}\n"
                + "{\"prompt\":\"p\",\"seed\":\"abc\"}\n"
                + "{\"prompt\":\"p\",\"guidance\":3}\n"
                + "{\"prompt\":\"p\",\"metadata\":{\"n\":1}}\n");
    assertEquals(new Violation("prompt", "required", "is required"), outcome.only(1));
    assertEquals("not-blank", outcome.only(2).rule());
    assertEquals("prompt", outcome.only(3).field());
    assertEquals("type", outcome.only(3).rule());
    assertTrue(outcome.only(3).message().contains("must be a string, was 42"));
    assertEquals("seed", outcome.only(4).field());
    assertTrue(outcome.only(4).message().contains("64-bit integer"));
    assertEquals("guidance", outcome.only(5).field());
    assertEquals("unknown", outcome.only(5).rule());
    assertEquals("metadata.n", outcome.only(6).field());
  }

  @Test
  void outOfRangeValuesAreRejectedUnderTheNameTheLineUsed() throws Exception {
    Outcome outcome =
        parse(
            CatalogFormat.JSONL,
            "{\"prompt\":\"p\",\"cfg\":99}\n"
                + "{\"prompt\":\"p\",\"guidanceScale\":-1}\n"
                + "{\"prompt\":\"p\",\"topK\":0}\n"
                + "{\"prompt\":\"p\",\"topP\":1.5}\n"
                + "{\"prompt\":\"p\",\"seed\":99999999999999999999}\n"
                + "{\"prompt\":\"p\",\"cfg\":99,\"topK\":5000}\n");
    assertEquals("cfg", outcome.only(1).field());
    assertEquals("range", outcome.only(1).rule());
    assertTrue(outcome.only(1).message().contains("between 0.0 and 50.0, was 99.0"));
    assertEquals("guidanceScale", outcome.only(2).field());
    assertEquals("topK", outcome.only(3).field());
    assertEquals("topP", outcome.only(4).field());
    assertEquals("seed", outcome.only(5).field());
    assertEquals(2, outcome.rejected.get(6L).size());
    assertTrue(outcome.jobs.isEmpty());
  }

  @Test
  void duplicateIdsWithinACatalogAreRejected() throws Exception {
    Outcome outcome =
        parse(
            CatalogFormat.JSONL,
            "{\"prompt\":\"p\",\"id\":\"a\"}\n{\"prompt\":\"q\",\"id\":\"a\"}\n{\"prompt\":\"r\",\"id\":\"\"}\n");
    assertEquals(List.of(1L), new ArrayList<>(outcome.jobs.keySet()));
    assertEquals("unique", outcome.only(2).rule());
    assertTrue(outcome.only(2).message().contains("line 1"));
    assertEquals("id", outcome.only(3).field());
  }

  @Test
  void longLinesAndLinesPastTheLimitAreRejectedWithoutBeingRead() throws Exception {
    String longPrompt = "x".repeat(200);
    Outcome outcome =
        parse(
            CatalogFormat.JSONL,
            DEFAULTS,
            "{\"prompt\":\""
                + longPrompt
                + "\"}\n{\"prompt\":\"a\"}\n{\"prompt\":\"b\"}\n{\"prompt\":\"c\"}\n",
            100,
            3);
    assertEquals("max-length", outcome.only(1).rule());
    assertEquals(List.of(2L, 3L), new ArrayList<>(outcome.jobs.keySet()));
    assertEquals("max-lines", outcome.only(4).rule());
  }

  @Test
  void fixedSeedPolicyGivesEveryLineWithoutSeedTheSameSeed() throws Exception {
    CatalogDefaults fixed =
        new CatalogDefaults(
            "cat-2", "m", null, 3.0, null, SeedPolicy.FIXED, 42L, null, null, Instant.EPOCH);
    Outcome outcome =
        parse(
            CatalogFormat.JSONL,
            fixed,
            "{\"prompt\":\"a\"}\n{\"prompt\":\"b\",\"seed\":5}\n",
            1024,
            10);
    assertEquals(42L, outcome.jobs.get(1L).seed());
    assertEquals(5L, outcome.jobs.get(2L).seed());
    assertEquals(3.0, outcome.jobs.get(1L).guidanceScale());
    assertNotEquals(outcome.jobs.get(1L).jobId(), outcome.jobs.get(2L).jobId());
  }

  @Test
  void csvWithQuotesMultilineFieldsAndMetadataColumns() throws Exception {
    Outcome outcome =
        parse(
            CatalogFormat.CSV,
            "\uFEFFprompt,seed,cfg,meta.tag\n"
                + "\"a fox, red\",1,5,animals\n"
                + "\"say \"\"hi\"\"\",,,\n"
                + "\"two\nlines\",3,,\n"
                + "plain,notanumber,,\n"
                + "too,many,fields,here,!\n"
                + ",4,,\n");
    assertEquals(List.of(2L, 3L, 4L), new ArrayList<>(outcome.jobs.keySet()));
    assertEquals("a fox, red", outcome.jobs.get(2L).prompt());
    assertEquals(1L, outcome.jobs.get(2L).seed());
    assertEquals(5.0, outcome.jobs.get(2L).guidanceScale());
    assertEquals("animals", outcome.jobs.get(2L).metadata().get("tag"));
    assertEquals("say \"hi\"", outcome.jobs.get(3L).prompt());
    assertEquals(JobIds.seedForLine("cat-1", 3), outcome.jobs.get(3L).seed());
    assertEquals("two\nlines", outcome.jobs.get(4L).prompt());
    assertEquals("seed", outcome.only(6).field());
    assertTrue(outcome.only(6).message().contains("'notanumber'"));
    assertEquals("columns", outcome.only(7).rule());
    assertEquals(new Violation("prompt", "required", "is required"), outcome.only(8));
  }

  @Test
  void csvHeaderProblemsRejectTheWholeCatalog() {
    CatalogFormatException unknown =
        assertThrows(
            CatalogFormatException.class, () -> parse(CatalogFormat.CSV, "prompt,colour\na,b\n"));
    assertTrue(unknown.getMessage().contains("[colour]"), unknown.getMessage());
    CatalogFormatException noPrompt =
        assertThrows(CatalogFormatException.class, () -> parse(CatalogFormat.CSV, "seed\n1\n"));
    assertTrue(noPrompt.getMessage().contains("no 'prompt' column"));
    assertThrows(CatalogFormatException.class, () -> parse(CatalogFormat.CSV, ""));
    assertThrows(CatalogFormatException.class, () -> parse(CatalogFormat.CSV, "prompt,prompt\n"));
  }
}
