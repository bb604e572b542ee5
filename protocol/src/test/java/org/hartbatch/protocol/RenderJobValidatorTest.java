package org.hartbatch.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RenderJobValidatorTest {

  @Test
  void validJobsHaveNoViolations() {
    assertEquals(List.of(), RenderJobValidator.validate(Jobs.valid().build()));
    assertEquals(List.of(), RenderJobValidator.validate(Jobs.full()));
  }

  @Test
  void nameFormatsAcceptExactlyWhatTheirPatternsMatch() {
    List<String> samples =
        List.of(
            "a",
            "Z9",
            "0",
            "hart-0.7b-1024px",
            "mit-han-lab/hart",
            "/lead",
            "-lead",
            ".lead",
            "_x",
            "a=b",
            "=",
            "a b",
            "a/b/c",
            "ünï",
            "tab\t",
            "",
            "x".repeat(63),
            "x".repeat(64),
            "x".repeat(65),
            "x".repeat(128),
            "x".repeat(129),
            "a.b_c-d");
    for (RenderJobValidator.NameFormat format :
        List.of(
            RenderJobValidator.ID,
            RenderJobValidator.MODEL,
            RenderJobValidator.KEY_SEGMENT,
            RenderJobValidator.METADATA_KEY)) {
      java.util.regex.Pattern regex = java.util.regex.Pattern.compile(format.pattern());
      for (String sample : samples) {
        assertEquals(
            regex.matcher(sample).matches(),
            format.matches(sample),
            format.pattern() + " on '" + sample + "'");
      }
    }
    assertEquals("[A-Za-z0-9][A-Za-z0-9._-]{0,127}", RenderJobValidator.ID.pattern());
    assertEquals("[A-Za-z0-9._=-]+", RenderJobValidator.KEY_SEGMENT.pattern());
  }

  @Test
  void limitsThemselvesAreAccepted() {
    RenderJob job =
        Jobs.valid()
            .jobId("j".repeat(128))
            .prompt("p".repeat(RenderJobValidator.PROMPT_MAX_CHARS))
            .guidanceScale(RenderJobValidator.GUIDANCE_MAX)
            .topK(RenderJobValidator.TOP_K_MAX)
            .topP(1.0)
            .outputPrefix("a/" + "b".repeat(RenderJobValidator.OUTPUT_PREFIX_MAX_CHARS - 2))
            .metadata(manyEntries(RenderJobValidator.METADATA_MAX_ENTRIES))
            .build();
    assertEquals(List.of(), RenderJobValidator.validate(job));
  }

  static Stream<Arguments> brokenRules() {
    return Stream.of(
        broken("schemaVersion", "required", b -> b.schemaVersion(null)),
        broken("schemaVersion", "supported", b -> b.schemaVersion(2)),
        broken("jobId", "required", b -> b.jobId(null)),
        broken("jobId", "format", b -> b.jobId("has space")),
        broken("jobId", "format", b -> b.jobId("j".repeat(129))),
        broken("jobId", "format", b -> b.jobId("-leading-dash")),
        broken("catalogId", "required", b -> b.catalogId(null)),
        broken("catalogId", "format", b -> b.catalogId("a/b")),
        broken("prompt", "required", b -> b.prompt(null)),
        broken("prompt", "not-blank", b -> b.prompt(" \n\t")),
        broken("prompt", "max-length", b -> b.prompt("p".repeat(4097))),
        broken("seed", "required", b -> b.seed(null)),
        broken("guidanceScale", "range", b -> b.guidanceScale(-0.5)),
        broken("guidanceScale", "range", b -> b.guidanceScale(50.01)),
        broken("guidanceScale", "range", b -> b.guidanceScale(Double.NaN)),
        broken("topK", "range", b -> b.topK(0)),
        broken("topK", "range", b -> b.topK(4097)),
        broken("topP", "range", b -> b.topP(0.0)),
        broken("topP", "range", b -> b.topP(1.01)),
        broken("model", "required", b -> b.model(null)),
        broken("model", "format", b -> b.model("hart 0.7b")),
        broken("modelRevision", "format", b -> b.modelRevision("")),
        broken("outputPrefix", "format", b -> b.outputPrefix("/leading")),
        broken("outputPrefix", "format", b -> b.outputPrefix("trailing/")),
        broken("outputPrefix", "format", b -> b.outputPrefix("a//b")),
        broken("outputPrefix", "format", b -> b.outputPrefix("a/../b")),
        broken("outputPrefix", "format", b -> b.outputPrefix("spaces here")),
        broken("outputPrefix", "max-length", b -> b.outputPrefix("x".repeat(257))),
        broken("metadata", "max-entries", b -> b.metadata(manyEntries(33))),
        broken("metadata", "max-bytes", b -> b.metadata(Map.of("big", "é".repeat(2047)))),
        broken("metadata.bad key", "format", b -> b.metadata(Map.of("bad key", "v"))),
        broken("metadata.k", "required", b -> b.metadata(nullValue())),
        broken("submittedAt", "required", b -> b.submittedAt(null)));
  }

  private static Arguments broken(
      String field, String rule, UnaryOperator<RenderJob.Builder> breakIt) {
    return Arguments.of(field, rule, breakIt);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("brokenRules")
  void eachRuleNamesItsFieldAndReason(
      String field, String rule, UnaryOperator<RenderJob.Builder> breakIt) {
    List<Violation> violations = RenderJobValidator.validate(breakIt.apply(Jobs.valid()).build());
    assertEquals(1, violations.size(), violations::toString);
    Violation violation = violations.get(0);
    assertEquals(field, violation.field());
    assertEquals(rule, violation.rule());
    assertTrue(violation.message().length() > 5, violation::message);
  }

  @Test
  void everyBrokenRuleIsReported() {
    RenderJob job =
        Jobs.valid().jobId(null).prompt("").seed(null).topP(3.0).submittedAt(null).build();
    assertEquals(
        List.of("jobId", "prompt", "seed", "topP", "submittedAt"),
        RenderJobValidator.validate(job).stream().map(Violation::field).toList());
  }

  @Test
  void messagesNameTheLimitAndTheValue() {
    Violation v = RenderJobValidator.validate(Jobs.valid().topK(5000).build()).get(0);
    assertEquals("must be between 1 and 4096, was 5000", v.message());
  }

  private static Map<String, String> manyEntries(int n) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < n; i++) {
      map.put("k" + i, "v");
    }
    return map;
  }

  private static Map<String, String> nullValue() {
    Map<String, String> map = new HashMap<>();
    map.put("k", null);
    return map;
  }
}
