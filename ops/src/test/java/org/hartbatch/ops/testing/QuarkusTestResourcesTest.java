package org.hartbatch.ops.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The test resources as Quarkus drives them: init, start, use the returned config, stop. */
class QuarkusTestResourcesTest {

  @Test
  void kafkaResourceCreatesTopicsAndAFreshStreamsStateDir() throws Exception {
    var resource = new KafkaTestResource();
    resource.init(Map.of("topics", "jobs:3, events"));
    Map<String, String> config = resource.start();
    Path stateDir = Path.of(config.get("kafka-streams.state.dir"));
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", config.get("kafka.bootstrap.servers")))) {
      var topics = admin.describeTopics(List.of("jobs", "events")).allTopicNames().get();
      assertEquals(3, topics.get("jobs").partitions().size());
      assertEquals(1, topics.get("events").partitions().size());
      assertTrue(Files.isDirectory(stateDir));
    } finally {
      resource.stop();
    }
    assertFalse(Files.exists(stateDir));
  }

  @Test
  void topicsArgumentNamesTheBadEntry() {
    var notNumber =
        assertThrows(
            IllegalArgumentException.class, () -> KafkaTestResource.parseTopics("jobs:four"));
    assertTrue(notNumber.getMessage().contains("jobs:four"), notNumber.getMessage());
    var zero =
        assertThrows(IllegalArgumentException.class, () -> KafkaTestResource.parseTopics("a:0"));
    assertTrue(zero.getMessage().contains("at least 1 partition"), zero.getMessage());
    var noName =
        assertThrows(IllegalArgumentException.class, () -> KafkaTestResource.parseTopics(":2"));
    assertTrue(noName.getMessage().contains("no topic name"), noName.getMessage());
  }

  @Test
  void topicKafkaRefusesNamesTheTopic() {
    var resource = new KafkaTestResource();
    resource.init(Map.of("topics", "bad/name:1"));
    var error = assertThrows(IllegalStateException.class, resource::start);
    assertTrue(error.getMessage().contains("bad/name"), error.getMessage());
    resource.stop();
  }

  @Test
  void s3ResourceCreatesTheBucketAndDescribesTheStore() {
    var resource = new S3TestResource();
    resource.init(Map.of("bucket", "renders"));
    Map<String, String> config = resource.start();
    try (S3Client client =
        S3Client.builder()
            .endpointOverride(URI.create(config.get("hartbatch.store.endpoint")))
            .region(Region.of(config.get("hartbatch.store.region")))
            .credentialsProvider(
                () ->
                    AwsBasicCredentials.create(
                        config.get("hartbatch.store.access-key-id"),
                        config.get("hartbatch.store.secret-access-key")))
            .forcePathStyle(Boolean.parseBoolean(config.get("hartbatch.store.path-style")))
            .build()) {
      assertEquals("renders", config.get("hartbatch.store.bucket"));
      client.headBucket(b -> b.bucket("renders"));
    } finally {
      resource.stop();
    }
  }

  @Test
  void s3ResourceDefaultsToTheImageBucket() {
    var resource = new S3TestResource();
    resource.init(Map.of());
    try {
      assertEquals("hartbatch-images", resource.start().get("hartbatch.store.bucket"));
    } finally {
      resource.stop();
    }
  }
}
