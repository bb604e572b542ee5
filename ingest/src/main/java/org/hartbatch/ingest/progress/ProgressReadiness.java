package org.hartbatch.ingest.progress;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the progress topology is running: before that (and during a rebalance) progress
 * reads and the duplicate check of submissions cannot be answered.
 */
@Readiness
@ApplicationScoped
public class ProgressReadiness implements HealthCheck {

  @Inject KafkaStreams streams;

  @Override
  public HealthCheckResponse call() {
    KafkaStreams.State state = streams.state();
    return HealthCheckResponse.named("progress tracking")
        .status(state == KafkaStreams.State.RUNNING)
        .withData("state", state.name())
        .build();
  }
}
