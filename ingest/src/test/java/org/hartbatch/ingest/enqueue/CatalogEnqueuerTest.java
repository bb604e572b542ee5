package org.hartbatch.ingest.enqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.hartbatch.ingest.catalog.CatalogDefaults;
import org.hartbatch.ingest.catalog.CatalogFormat;
import org.hartbatch.ingest.catalog.Catalogs;
import org.hartbatch.protocol.topics.Topics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CatalogEnqueuerTest {

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void jobsKafkaDoesNotTakeFailTheSubmissionWithTheirCount(boolean allOrNothing) throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Map<String, Object> unreachable =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            "localhost:" + closedPort,
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            500);
    try (JobProducer producer = new JobProducer(unreachable, Topics.defaults())) {
      CatalogEnqueuer enqueuer =
          new CatalogEnqueuer(producer, new CatalogEnqueuer.Limits(65536, 1000, 10));
      CatalogDefaults defaults = Catalogs.defaults("unreachable", Instant.now());
      byte[] catalog = "{\"prompt\":\"a\"}\n{\"prompt\":\"b\"}\n".getBytes(StandardCharsets.UTF_8);
      EnqueueFailedException failure =
          assertThrows(
              EnqueueFailedException.class,
              () ->
                  enqueuer.enqueue(
                      new ByteArrayInputStream(catalog),
                      CatalogFormat.JSONL,
                      defaults,
                      allOrNothing));
      assertEquals("2 of 2 jobs could not be written to Kafka", failure.getMessage());
    }
  }
}
