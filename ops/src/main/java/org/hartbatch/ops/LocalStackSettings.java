package org.hartbatch.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * Addresses and local-only credentials of the local stack, read from {@code local-stack.properties}
 * next to this class, each overridable by an environment variable.
 *
 * @param kafkaPort broker port for clients, {@code HARTBATCH_KAFKA_PORT}
 * @param kafkaControllerPort KRaft controller port, {@code HARTBATCH_KAFKA_CONTROLLER_PORT}
 * @param s3Port S3 endpoint port, {@code HARTBATCH_S3_PORT}
 * @param s3AccessKey static access key accepted by the local S3 server
 * @param s3SecretKey static secret key accepted by the local S3 server
 * @param s3Region region the clients sign for
 * @param s3Bucket bucket for rendered images, {@code HARTBATCH_S3_BUCKET}
 */
public record LocalStackSettings(
    int kafkaPort,
    int kafkaControllerPort,
    int s3Port,
    String s3AccessKey,
    String s3SecretKey,
    String s3Region,
    String s3Bucket) {

  /** The host every local server binds to: nothing is reachable from outside this machine. */
  public static final String HOST = "127.0.0.1";

  /** Settings from the bundled defaults, without environment overrides. */
  public static LocalStackSettings defaults() {
    return from(Map.of());
  }

  /** Settings from the bundled defaults with this process's environment overrides applied. */
  public static LocalStackSettings fromEnvironment() {
    return from(System.getenv());
  }

  /** Settings from the bundled defaults with overrides taken from {@code env}. */
  public static LocalStackSettings from(Map<String, String> env) {
    Properties file = load();
    return new LocalStackSettings(
        port(file, env, "kafka.port", "HARTBATCH_KAFKA_PORT"),
        port(file, env, "kafka.controller.port", "HARTBATCH_KAFKA_CONTROLLER_PORT"),
        port(file, env, "s3.port", "HARTBATCH_S3_PORT"),
        file.getProperty("s3.access-key"),
        file.getProperty("s3.secret-key"),
        file.getProperty("s3.region"),
        env.getOrDefault("HARTBATCH_S3_BUCKET", file.getProperty("s3.bucket")));
  }

  public String kafkaBootstrapServers() {
    return HOST + ":" + kafkaPort;
  }

  public String s3Endpoint() {
    return "http://" + HOST + ":" + s3Port;
  }

  private static int port(Properties file, Map<String, String> env, String key, String envName) {
    String value = env.getOrDefault(envName, file.getProperty(key));
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            envName + "=" + value + ": a port must be between 1 and 65535");
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(envName + "=" + value + ": not a port number", e);
    }
  }

  private static Properties load() {
    Properties properties = new Properties();
    try (InputStream in = LocalStackSettings.class.getResourceAsStream("local-stack.properties")) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read local-stack.properties", e);
    }
    return properties;
  }
}
