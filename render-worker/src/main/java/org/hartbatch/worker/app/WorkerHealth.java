package org.hartbatch.worker.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.hartbatch.worker.pipeline.WorkerStatus;

/** Health of the render worker: live while its consumer loop goes round, ready once it serves. */
public final class WorkerHealth {

  private WorkerHealth() {}

  /** Live: the consumer loop runs and has gone round recently. */
  @Liveness
  @ApplicationScoped
  public static class LoopAlive implements HealthCheck {

    @Inject WorkerService service;

    @Override
    public HealthCheckResponse call() {
      WorkerStatus status = service.status();
      return HealthCheckResponse.named("consumer-loop")
          .status(status.loopAlive(service.livenessTimeout().toNanos()))
          .withData("failure", String.valueOf(status.failure()))
          .build();
    }
  }

  /** Ready: the model is loaded and the worker owns partitions of the jobs topic. */
  @Readiness
  @ApplicationScoped
  public static class Serving implements HealthCheck {

    @Inject WorkerService service;

    @Override
    public HealthCheckResponse call() {
      WorkerStatus status = service.status();
      return HealthCheckResponse.named("render-worker")
          .status(status.modelLoaded() && status.assignedPartitions() > 0)
          .withData("modelLoaded", status.modelLoaded())
          .withData("assignedPartitions", status.assignedPartitions())
          .build();
    }
  }
}
