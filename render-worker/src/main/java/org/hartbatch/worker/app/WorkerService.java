package org.hartbatch.worker.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.hartbatch.protocol.topics.Topics;
import org.hartbatch.store.ImageStore;
import org.hartbatch.store.StoreConfig;
import org.hartbatch.worker.pipeline.RenderWorker;
import org.hartbatch.worker.pipeline.WorkerMetrics;
import org.hartbatch.worker.pipeline.WorkerSettings;
import org.hartbatch.worker.pipeline.WorkerStatus;
import org.hartbatch.worker.render.HartRenderer;
import org.hartbatch.worker.render.ModelInfo;
import org.hartbatch.worker.render.Renderer;
import org.hartbatch.worker.render.SyntheticRenderer;
import org.jboss.logging.Logger;

/** Starts the consumer loop with the application and stops it, gracefully, with it. */
@ApplicationScoped
public class WorkerService {

  private static final Logger LOG = Logger.getLogger(WorkerService.class);

  @Inject WorkerConfig config;
  @Inject Config rawConfig;
  @Inject MeterRegistry registry;

  private final WorkerStatus status = new WorkerStatus();
  private ImageStore store;
  private RenderWorker worker;
  private Duration shutdownGrace;
  private Duration livenessTimeout;

  void onStart(@Observes StartupEvent event) {
    WorkerSettings settings = settings();
    shutdownGrace = settings.shutdownGrace();
    livenessTimeout = settings.maxPollInterval();
    store =
        ImageStore.create(StoreConfig.from(key -> rawConfig.getOptionalValue(key, String.class)));
    worker = new RenderWorker(settings, renderer(), store, new WorkerMetrics(registry), status);
    Thread loop = new Thread(worker, "hartbatch-consumer-loop");
    loop.start();
    LOG.infof(
        "render worker %s started: group %s, jobs from %s, max batch %d",
        settings.instanceId(),
        settings.groupId(),
        settings.topics().jobs().name(),
        settings.maxBatch());
  }

  void onStop(@Observes ShutdownEvent event) throws InterruptedException {
    worker.stop();
    if (!worker.awaitFinished(shutdownGrace.plusSeconds(15))) {
      LOG.warn("the consumer loop did not finish in time");
    }
    store.close();
  }

  public WorkerStatus status() {
    return status;
  }

  /** The loop may block this long (waiting for revoked work) and still be healthy. */
  public Duration livenessTimeout() {
    return livenessTimeout;
  }

  private WorkerSettings settings() {
    return new WorkerSettings(
        rawConfig.getValue("kafka.bootstrap.servers", String.class),
        config.groupId(),
        config.instanceId().orElseGet(WorkerService::hostName),
        config.staticMembership(),
        config.maxBatch(),
        config.maxWait(),
        config.queuedBatches(),
        config.uploadingBatches(),
        config.expectedBatchTime(),
        config.shutdownGrace(),
        config.reserveAhead(),
        config.storeBackoffMin(),
        config.storeBackoffMax(),
        config.encodeThreads().orElse(Runtime.getRuntime().availableProcessors()),
        Topics.from(key -> rawConfig.getOptionalValue(key, String.class)),
        config.kafka().consumer(),
        config.kafka().producer());
  }

  private Renderer renderer() {
    return switch (config.renderer()) {
      case HART -> {
        WorkerConfig.Hart hart = config.hart();
        yield new HartRenderer(
            hart.modelDir().map(Path::toString).orElse(hart.builtinModel()),
            hart.textEncoderDir(),
            hart.modelName(),
            hart.revision(),
            config.maxBatch());
      }
      case SYNTHETIC -> {
        WorkerConfig.Synthetic synthetic = config.synthetic();
        yield new SyntheticRenderer(
            new ModelInfo(
                synthetic.model(), synthetic.revision(), synthetic.width(), synthetic.height()),
            synthetic.costPerBatch(),
            synthetic.costPerImage(),
            synthetic.rejectPrompts().map(Pattern::compile));
      }
    };
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(
          "hartbatch.worker.instance-id is not set and the host name is unknown", e);
    }
  }
}
