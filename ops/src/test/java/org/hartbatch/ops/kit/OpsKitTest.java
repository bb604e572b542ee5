package org.hartbatch.ops.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hartbatch.protocol.topics.TopicSpec;
import org.hartbatch.protocol.topics.Topics;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Keeps the operations kit (ops/k8s, ops/grafana, docs/operations.md) in step with the code: the
 * manifests parse, every topic of the protocol has its Strimzi KafkaTopic with the protocol's
 * partitions and retention, scaling and shutdown settings agree with each other, the dashboard is
 * valid, and the configuration keys the operations guide documents exist in the services.
 */
class OpsKitTest {

  private static final Path ROOT = repositoryRoot();
  private static final Path K8S = ROOT.resolve("ops/k8s");
  private static final Path DASHBOARD = ROOT.resolve("ops/grafana/render-worker-dashboard.json");
  private static final Path OPERATIONS = ROOT.resolve("docs/operations.md");
  private static final String KEYS_TABLE_MARKER = "ops-kit-check:";
  private static final String WORKER_METER_PREFIX = "hartbatch.worker.";
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

  /** How long the worker waits for its loop after the shutdown grace (WorkerService.onStop). */
  private static final Duration WORKER_LOOP_EXIT_WAIT = Duration.ofSeconds(15);

  @Test
  void everyManifestParsesAsKubernetesObjects() throws IOException {
    Map<Path, List<Map<String, Object>>> manifests = manifests();
    assertFalse(manifests.isEmpty(), "no manifests under " + K8S);
    manifests.forEach(
        (file, objects) -> {
          assertFalse(objects.isEmpty(), file + " holds no object");
          for (Map<String, Object> object : objects) {
            assertNotNull(object.get("apiVersion"), file + ": an object lacks apiVersion");
            assertNotNull(object.get("kind"), file + ": an object lacks kind");
            if (!"Kustomization".equals(object.get("kind"))) {
              Map<String, Object> metadata = map(object, "metadata");
              assertNotNull(
                  metadata.get("name"), file + ": a " + object.get("kind") + " lacks a name");
              assertTrue(
                  CLUSTER_SCOPED.contains(object.get("kind")) || metadata.get("namespace") != null,
                  file + ": " + metadata.get("name") + " names no namespace (the base sets none)");
            }
          }
        });
  }

  @Test
  void kustomizationListsExistingFiles() throws IOException {
    Map<String, Object> kustomization = single(K8S.resolve("kustomization.yaml"));
    List<Object> resources = list(kustomization, "resources");
    assertFalse(resources.isEmpty());
    for (Object resource : resources) {
      assertTrue(
          Files.isRegularFile(K8S.resolve(resource.toString())),
          "kustomization.yaml lists " + resource + ", which does not exist");
    }
  }

  @Test
  void everyProtocolTopicHasAKafkaTopicWithItsSettings() throws IOException {
    Map<String, Map<String, Object>> kafkaTopics = new LinkedHashMap<>();
    for (Map<String, Object> object : objectsOfKind("KafkaTopic")) {
      Map<String, Object> spec = map(object, "spec");
      kafkaTopics.put((String) spec.get("topicName"), spec);
    }
    for (TopicSpec topic : Topics.defaults().all()) {
      Map<String, Object> spec = kafkaTopics.get(topic.name());
      assertNotNull(spec, "no KafkaTopic for " + topic.name() + " in " + K8S);
      assertEquals(
          topic.partitions(), spec.get("partitions"), topic.name() + ": partitions differ");
      Map<String, Object> config = map(spec, "config");
      topic
          .configs()
          .forEach(
              (key, value) ->
                  assertEquals(
                      value,
                      String.valueOf(config.get(key)),
                      topic.name() + ": config " + key + " differs from the protocol's"));
    }
    Set<String> protocolNames =
        Topics.defaults().all().stream().map(TopicSpec::name).collect(Collectors.toSet());
    assertEquals(protocolNames, kafkaTopics.keySet(), "KafkaTopics that the protocol lacks");
  }

  @Test
  void workersNeverOutnumberJobPartitions() throws IOException {
    String jobs = Topics.defaults().jobs().name();
    int partitions =
        objectsOfKind("KafkaTopic").stream()
            .map(object -> map(object, "spec"))
            .filter(spec -> jobs.equals(spec.get("topicName")))
            .mapToInt(spec -> (Integer) spec.get("partitions"))
            .findFirst()
            .orElseThrow();
    Map<String, Object> scaled = only(objectsOfKind("ScaledObject"));
    Map<String, Object> spec = map(scaled, "spec");
    assertTrue(
        (Integer) spec.get("maxReplicaCount") <= partitions,
        "KEDA may start more workers than " + jobs + " has partitions (" + partitions + ")");
    Map<String, Object> trigger = map(only(list(spec, "triggers")), "metadata");
    assertEquals(jobs, trigger.get("topic"), "KEDA watches the lag of another topic");
    assertEquals(
        "render-worker", map(spec, "scaleTargetRef").get("name"), "KEDA scales another target");
    assertEquals(
        workerProperty("hartbatch.worker.group-id"),
        trigger.get("consumerGroup"),
        "KEDA watches the lag of another consumer group than the workers'");
  }

  @Test
  void workerGetsAGpuTheModelReadOnlyAndTimeToFinishItsBatch() throws IOException {
    Map<String, Object> pod = podSpec(deployment("render-worker"));
    Map<String, Object> container = only(list(pod, "containers"));
    Map<String, Object> resources = map(container, "resources");
    assertEquals(1, map(resources, "limits").get("nvidia.com/gpu"));

    Duration grace = Duration.parse("PT" + workerProperty("hartbatch.worker.shutdown-grace"));
    int terminationSeconds = (Integer) pod.get("terminationGracePeriodSeconds");
    assertTrue(
        terminationSeconds > grace.plus(WORKER_LOOP_EXIT_WAIT).toSeconds(),
        "terminationGracePeriodSeconds "
            + terminationSeconds
            + " would kill the worker before its shutdown grace of "
            + grace.toSeconds()
            + " s and its wait for the loop ("
            + WORKER_LOOP_EXIT_WAIT.toSeconds()
            + " s) are over");

    String modelDir = workerProperty("hartbatch.worker.hart.model-dir");
    Map<String, Object> modelMount =
        list(container, "volumeMounts").stream()
            .map(OpsKitTest::asMap)
            .filter(mount -> modelDir.startsWith(mount.get("mountPath") + "/"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no volume is mounted above " + modelDir));
    assertEquals(true, modelMount.get("readOnly"), "the model volume must be mounted read-only");

    for (Map<String, Object> probe :
        List.of(map(container, "livenessProbe"), map(container, "readinessProbe"))) {
      assertTrue(
          map(probe, "httpGet").get("path").toString().startsWith("/q/health/"),
          "probes use Quarkus health");
    }
  }

  @Test
  void dashboardIsValidJsonWithAQueryInEveryPanel() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    assertTrue(dashboard.path("uid").isTextual());
    JsonNode panels = dashboard.path("panels");
    assertTrue(panels.isArray() && panels.size() > 0, "dashboard has no panels");
    Set<Integer> ids = new TreeSet<>();
    for (JsonNode panel : panels) {
      String title = panel.path("title").asText();
      assertTrue(ids.add(panel.path("id").asInt()), "panel id repeated: " + title);
      assertTrue(panel.path("targets").size() > 0, "panel without query: " + title);
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        assertFalse(expr.isBlank(), "empty query in panel " + title);
        assertEquals(
            count(expr, '('), count(expr, ')'), "unbalanced parentheses in " + title + ": " + expr);
        assertEquals(
            count(expr, '{'), count(expr, '}'), "unbalanced braces in " + title + ": " + expr);
      }
    }
  }

  @Test
  void dashboardQueriesTheWorkersMeters() throws IOException {
    Path sources = ROOT.resolve("render-worker/src/main/java");
    assumeTrue(Files.isDirectory(sources), "the render-worker module has not landed yet");
    Set<String> literals = new TreeSet<>();
    Pattern literal = Pattern.compile("\"([a-z0-9_.]+)\"");
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher matcher = literal.matcher(Files.readString(file));
        while (matcher.find()) {
          literals.add(matcher.group(1));
        }
      }
    }
    Matcher used =
        Pattern.compile(
                "hartbatch_worker_([a-z_]+?)(_seconds)?(_bucket|_sum|_count|_total|_max)?\\b")
            .matcher(Files.readString(DASHBOARD));
    Set<String> unknown = new TreeSet<>();
    while (used.find()) {
      String rest = used.group(1).replace('_', '.');
      boolean named = literals.contains(WORKER_METER_PREFIX + rest);
      boolean composed = literals.contains(WORKER_METER_PREFIX) && literals.contains(rest);
      if (!named && !composed) {
        unknown.add(used.group());
      }
    }
    assertTrue(
        unknown.isEmpty(), "the dashboard queries meters the worker does not have: " + unknown);
  }

  @Test
  void documentedKeysExistInTheServicesConfiguration() throws IOException {
    Map<String, List<String>> keys = documentedKeys();
    assertFalse(keys.isEmpty(), "no keys table found in " + OPERATIONS);
    List<String> missing = new ArrayList<>();
    Set<String> checkedServices = new TreeSet<>();
    for (Map.Entry<String, List<String>> entry : keys.entrySet()) {
      for (String service : entry.getValue()) {
        Path properties =
            ROOT.resolve(service).resolve("src/main/resources/application.properties");
        if (!Files.isRegularFile(properties)) {
          // the service has not been built yet; its keys are checked once it exists
          continue;
        }
        checkedServices.add(service);
        if (!definedKeys(properties).contains(entry.getKey())) {
          missing.add(entry.getKey() + " (" + service + ")");
        }
      }
    }
    assertTrue(
        missing.isEmpty(),
        "docs/operations.md documents keys that the services' application.properties lack: "
            + missing
            + " (checked: "
            + checkedServices
            + ")");
  }

  /** Key → the service modules it belongs to, from the table after the marker comment. */
  private static Map<String, List<String>> documentedKeys() throws IOException {
    List<String> lines = Files.readAllLines(OPERATIONS);
    int start = 0;
    while (start < lines.size() && !lines.get(start).contains(KEYS_TABLE_MARKER)) {
      start++;
    }
    Pattern row = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|\\s*([^|]+)\\|");
    Map<String, List<String>> keys = new LinkedHashMap<>();
    boolean inTable = false;
    for (int i = start; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher matcher = row.matcher(line);
      if (matcher.find()) {
        inTable = true;
        keys.put(matcher.group(1), services(matcher.group(2)));
      } else if (inTable && !line.startsWith("|")) {
        break;
      }
    }
    return keys;
  }

  private static List<String> services(String cell) throws IOException {
    String trimmed = cell.trim();
    if (!trimmed.equals("all")) {
      return Stream.of(trimmed.split(",")).map(String::trim).toList();
    }
    try (Stream<Path> modules = Files.list(ROOT)) {
      return modules
          .filter(
              dir -> Files.isRegularFile(dir.resolve("src/main/resources/application.properties")))
          .map(dir -> dir.getFileName().toString())
          .sorted()
          .toList();
    }
  }

  /**
   * Keys a properties file sets or documents as a commented-out assignment ({@code #key=value}),
   * with Quarkus profile prefixes ({@code %dev.}) removed.
   */
  private static Set<String> definedKeys(Path file) throws IOException {
    Set<String> keys = new TreeSet<>();
    Pattern assignment = Pattern.compile("^#?\\s*(%[\\w-]+\\.)?([\\w.%-]+)\\s*=");
    for (String line : Files.readAllLines(file)) {
      Matcher matcher = assignment.matcher(line.strip());
      if (matcher.find()) {
        keys.add(matcher.group(2));
      }
    }
    return keys;
  }

  private static String workerProperty(String key) throws IOException {
    Map<String, Object> configMap =
        objectsOfKind("ConfigMap").stream()
            .filter(object -> "render-worker-config".equals(map(object, "metadata").get("name")))
            .findFirst()
            .orElseThrow();
    Properties properties = new Properties();
    properties.load(
        new StringReader((String) map(configMap, "data").get("application.properties")));
    String value = properties.getProperty(key);
    assertNotNull(value, "render-worker-config lacks " + key);
    return value;
  }

  private static Map<String, Object> deployment(String name) throws IOException {
    return objectsOfKind("Deployment").stream()
        .filter(object -> name.equals(map(object, "metadata").get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment " + name));
  }

  private static Map<String, Object> podSpec(Map<String, Object> deployment) {
    return map(map(map(deployment, "spec"), "template"), "spec");
  }

  private static List<Map<String, Object>> objectsOfKind(String kind) throws IOException {
    return manifests().values().stream()
        .flatMap(List::stream)
        .filter(object -> kind.equals(object.get("kind")))
        .toList();
  }

  private static Map<Path, List<Map<String, Object>>> manifests() throws IOException {
    Map<Path, List<Map<String, Object>>> manifests = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : yaml().loadAll(Files.readString(file))) {
          if (document != null) {
            if (!(document instanceof Map)) {
              fail(file + ": a document is not a mapping");
            }
            objects.add(asMap(document));
          }
        }
        manifests.put(file, objects);
      }
    }
    return manifests;
  }

  private static Map<String, Object> single(Path file) throws IOException {
    return asMap(yaml().load(Files.readString(file)));
  }

  private static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    assertTrue(value instanceof Map, "expected a mapping, got " + value);
    return (Map<String, Object>) value;
  }

  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    return asMap(parent.get(key));
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertTrue(value instanceof List, key + " is not a list: " + value);
    return (List<Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static <T> T only(List<?> values) {
    assertEquals(1, values.size(), "expected exactly one, got " + values);
    return (T) values.get(0);
  }

  private static long count(String text, char c) {
    return text.chars().filter(ch -> ch == c).count();
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("ops/k8s/kustomization.yaml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "run inside the repository: ops/k8s not found above the working directory");
    }
    return dir;
  }
}
