package org.hartbatch.ops.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.hartbatch.ops.LocalStackSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackTest {

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  private LocalStack stack(int kafkaPort, int s3Port) {
    LocalStackSettings settings =
        LocalStackSettings.from(
            Map.of(
                "HARTBATCH_KAFKA_PORT", Integer.toString(kafkaPort),
                "HARTBATCH_S3_PORT", Integer.toString(s3Port)));
    return new LocalStack(settings, new PrintStream(printed, true, UTF_8));
  }

  @Test
  void prepareWritesASingleNodeBrokerConfigAndAsksForFormattingOnce(@TempDir Path dir)
      throws IOException {
    LocalStack stack = stack(29092, 29000);

    assertEquals(0, stack.prepare(dir));
    Properties server = new Properties();
    server.load(new StringReader(Files.readString(dir.resolve("kafka/server.properties"))));
    assertEquals("PLAINTEXT://127.0.0.1:29092", server.getProperty("advertised.listeners"));
    assertEquals("1", server.getProperty("transaction.state.log.replication.factor"));
    assertEquals(dir.resolve("kafka/data").toAbsolutePath().toString(), server.get("log.dirs"));
    assertTrue(printed.toString(UTF_8).contains("KAFKA_CLUSTER_ID="), printed.toString(UTF_8));

    Files.writeString(dir.resolve("kafka/data/meta.properties"), "formatted");
    printed.reset();
    assertEquals(0, stack.prepare(dir));
    assertTrue(!printed.toString(UTF_8).contains("KAFKA_CLUSTER_ID="), printed.toString(UTF_8));
  }

  @Test
  void awaitFailsAtOnceWhenAServerProcessHasExited(@TempDir Path dir) throws Exception {
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor();

    int status = stack(freePort(), freePort()).await(dir, exited.pid(), exited.pid());

    assertEquals(1, status);
  }

  @Test
  void probeReportsDownServers() throws IOException {
    assertEquals(3, stack(freePort(), freePort()).probe());
    assertTrue(printed.toString(UTF_8).contains("kafka down"), printed.toString(UTF_8));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
