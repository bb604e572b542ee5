package org.hartbatch.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hartbatch.protocol.events.CatalogCompleted;
import org.hartbatch.protocol.events.CatalogSubmitted;
import org.hartbatch.protocol.events.JobFailed;
import org.hartbatch.protocol.events.JobSucceeded;
import org.hartbatch.protocol.events.Timings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schemas shipped in the jar, the examples, the records and docs/protocol.md must tell the
 * same story.
 */
class SchemasTest {

  private static final ObjectMapper MAPPER = ProtocolJson.mapper();
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  /** Schema file, its record, and its examples. */
  private record Contract(String schema, Class<? extends Record> type, List<String> examples) {}

  private static final List<Contract> CONTRACTS =
      List.of(
          new Contract(
              "render-job", RenderJob.class, List.of("render-job.json", "render-job-minimal.json")),
          new Contract("job-succeeded", JobSucceeded.class, List.of("job-succeeded.json")),
          new Contract("job-failed", JobFailed.class, List.of("job-failed.json")),
          new Contract(
              "catalog-submitted", CatalogSubmitted.class, List.of("catalog-submitted.json")),
          new Contract(
              "catalog-completed", CatalogCompleted.class, List.of("catalog-completed.json")));

  private static JsonNode schemaTree(String name) {
    return read("/org/hartbatch/protocol/schemas/" + name + ".schema.json");
  }

  private static JsonSchema schema(String name) {
    return FACTORY.getSchema(schemaTree(name));
  }

  private static JsonNode example(String file) {
    return read("/examples/" + file);
  }

  private static JsonNode read(String resource) {
    try (InputStream in = SchemasTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> names(JsonNode properties) {
    Set<String> names = new java.util.TreeSet<>();
    properties.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Set<String> components(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents())
        .map(RecordComponent::getName)
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  @Test
  void examplesMatchTheirSchemas() {
    for (Contract contract : CONTRACTS) {
      JsonSchema schema = schema(contract.schema());
      for (String file : contract.examples()) {
        assertEquals(Set.of(), schema.validate(example(file)), file);
      }
    }
  }

  @Test
  void schemasListExactlyTheRecordFields() {
    for (Contract contract : CONTRACTS) {
      assertEquals(
          components(contract.type()),
          names(schemaTree(contract.schema()).get("properties")),
          contract.schema());
    }
    assertEquals(
        components(Timings.class),
        names(schemaTree("job-succeeded").at("/properties/timings/properties")));
    assertEquals(
        components(Violation.class),
        names(schemaTree("job-failed").at("/properties/violations/items/properties")));
  }

  @Test
  void examplesAreExactlyWhatTheCodeWrites() throws Exception {
    RenderJob job = RenderJobCodec.decode(MAPPER.writeValueAsBytes(example("render-job.json")));
    assertEquals(example("render-job.json"), MAPPER.readTree(RenderJobCodec.encode(job)));
    RenderJob minimal =
        RenderJobCodec.decode(MAPPER.writeValueAsBytes(example("render-job-minimal.json")));
    assertEquals(RenderJob.DEFAULT_GUIDANCE_SCALE, minimal.guidanceScale());
    for (Contract contract : CONTRACTS.subList(1, CONTRACTS.size())) {
      JsonNode example = example(contract.examples().get(0));
      Object event = MAPPER.treeToValue(example, contract.type());
      assertEquals(example, MAPPER.readTree(MAPPER.writeValueAsBytes(event)), contract.schema());
    }
  }

  static Stream<Arguments> brokenJobs() {
    return Stream.of(
        broken("schemaVersion 2", job -> job.put("schemaVersion", 2)),
        broken("no seed", job -> job.remove("seed")),
        broken("seed as text", job -> job.put("seed", "42")),
        broken("seed past 64 bits", job -> job.put("seed", new java.math.BigInteger("2").pow(63))),
        broken("blank prompt", job -> job.put("prompt", " \t")),
        broken("long prompt", job -> job.put("prompt", "p".repeat(4097))),
        broken("jobId with space", job -> job.put("jobId", "a b")),
        broken("catalogId too long", job -> job.put("catalogId", "c".repeat(129))),
        broken("guidance above range", job -> job.put("guidanceScale", 50.5)),
        broken("negative guidance", job -> job.put("guidanceScale", -1)),
        broken("topK 0", job -> job.put("topK", 0)),
        broken("topK 4097", job -> job.put("topK", 4097)),
        broken("topK fractional", job -> job.put("topK", 2.5)),
        broken("topP 0", job -> job.put("topP", 0)),
        broken("topP above 1", job -> job.put("topP", 1.5)),
        broken("model with space", job -> job.put("model", "hart 0.7b")),
        broken("unknown format", job -> job.put("outputFormat", "GIF")),
        broken("prefix with ..", job -> job.put("outputPrefix", "a/../b")),
        broken("prefix with leading slash", job -> job.put("outputPrefix", "/a")),
        broken("moreSmooth as text", job -> job.put("moreSmooth", "yes")),
        broken("metadata number", job -> job.with("metadata").put("n", 1)),
        broken("metadata bad key", job -> job.with("metadata").put("bad key", "v")),
        broken(
            "metadata too many",
            job -> {
              for (int i = 0; i < 33; i++) {
                job.with("metadata").put("k" + i, "v");
              }
            }),
        broken("submittedAt not a time", job -> job.put("submittedAt", "yesterday")));
  }

  private static Arguments broken(String name, Consumer<ObjectNode> breakIt) {
    return Arguments.of(name, breakIt);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenJobs")
  void schemaAndValidatorRejectTheSameJobs(String name, Consumer<ObjectNode> breakIt)
      throws Exception {
    ObjectNode job = (ObjectNode) example("render-job.json").deepCopy();
    breakIt.accept(job);
    Set<ValidationMessage> schemaErrors = schema("render-job").validate(job);
    assertFalse(schemaErrors.isEmpty(), "the schema accepts: " + name);
    byte[] json = MAPPER.writeValueAsBytes(job);
    assertThrows(InvalidJobException.class, () -> RenderJobCodec.decode(json), name);
  }

  @Test
  void docsShowEveryExampleAndSchema() throws IOException {
    Path docs = Path.of("..", "docs", "protocol.md");
    Matcher blocks =
        Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(docs));
    List<JsonNode> shown = new ArrayList<>();
    while (blocks.find()) {
      shown.add(MAPPER.readTree(blocks.group(1)));
    }
    for (Contract contract : CONTRACTS) {
      assertTrue(
          shown.contains(schemaTree(contract.schema())),
          "docs/protocol.md lacks the current schema " + contract.schema());
      for (String file : contract.examples()) {
        assertTrue(shown.contains(example(file)), "docs/protocol.md lacks the example " + file);
      }
    }
  }
}
