package org.hartbatch.ops.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.hartbatch.ops.SingleNodeKafka;
import org.hartbatch.protocol.topics.TopicLeaders;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) running inside this JVM.
 *
 * <p>It listens on a random port, keeps its logs in a fresh temporary directory and is configured
 * with {@link SingleNodeKafka#settings()}, so transactions, consumer groups and Kafka Streams work
 * with one node. Topics are not created automatically: create them with {@link #createTopic(String,
 * int)}, as a deployment would provision them.
 */
public final class LocalKafka implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaClusterTestKit cluster;
  private final Path dataDir;
  private final String bootstrapServers;

  private LocalKafka(KafkaClusterTestKit cluster, Path dataDir) {
    this.cluster = cluster;
    this.dataDir = dataDir;
    this.bootstrapServers = cluster.bootstrapServers();
  }

  /** Formats and starts a fresh broker; returns once it accepts clients. */
  public static LocalKafka start() {
    Path dataDir = TempDirs.create("hartbatch-kafka-");
    KafkaClusterTestKit cluster = null;
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .setBaseDirectory(dataDir)
              .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
              .build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
      SingleNodeKafka.settings().forEach(builder::setConfigProp);
      cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new LocalKafka(cluster, dataDir);
    } catch (Exception e) {
      closeQuietly(cluster);
      TempDirs.deleteRecursively(dataDir);
      throw new IllegalStateException("local Kafka broker failed to start in " + dataDir, e);
    }
  }

  /** Comma-separated {@code host:port} list for the {@code bootstrap.servers} client setting. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The minimal client configuration (bootstrap servers only) to build producers, consumers. */
  public Map<String, Object> clientConfig() {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
  }

  /**
   * Creates a topic with replication factor 1 and returns once the broker leads every partition, so
   * producers and consumers can use it right away.
   */
  public void createTopic(String name, int partitions) {
    try (Admin admin = Admin.create(clientConfig())) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
      TopicLeaders.await(admin, Map.of(name, partitions), READY_TIMEOUT);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not create topic " + name, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("topic " + name + " has no leader", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    }
  }

  /**
   * Stops the broker and starts it again on the same port with the same data, as a broker restart
   * in production would. Clients see disconnects while it is down; committed data survives.
   */
  public void restart() {
    var broker = cluster.brokers().values().iterator().next();
    broker.shutdown();
    broker.startup();
    try {
      cluster.waitForReadyBrokers();
    } catch (ExecutionException e) {
      throw new IllegalStateException("local Kafka broker did not come back", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while restarting the broker", e);
    }
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("local Kafka broker did not stop cleanly", e);
    } finally {
      TempDirs.deleteRecursively(dataDir);
    }
  }

  private static void closeQuietly(KafkaClusterTestKit cluster) {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception ignored) {
      // the start failure is the error worth reporting
    }
  }
}
