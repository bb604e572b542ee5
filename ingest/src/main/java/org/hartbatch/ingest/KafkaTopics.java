package org.hartbatch.ingest;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.microprofile.config.Config;
import org.hartbatch.protocol.topics.Topics;
import org.jboss.logging.Logger;

/** The topics of HART Batch as configured here, created at start-up when they are missing. */
@ApplicationScoped
public class KafkaTopics {

  private static final Logger LOG = Logger.getLogger(KafkaTopics.class);

  @Inject Config config;

  @Inject
  @Identifier("default-kafka-broker")
  Map<String, Object> kafka;

  @Inject IngestConfig ingest;

  @Produces
  @Singleton
  Topics topics() {
    return Topics.from(key -> config.getOptionalValue(key, String.class));
  }

  void createMissing(@Observes StartupEvent start, Topics topics)
      throws InterruptedException, TimeoutException {
    if (!ingest.createTopics()) {
      return;
    }
    try (Admin admin = Admin.create(kafka)) {
      List<String> created = topics.createMissing(admin, Duration.ofSeconds(30));
      if (!created.isEmpty()) {
        LOG.infof("created topics %s", created);
      }
    }
  }
}
