package org.hartbatch.worker.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.hartbatch.worker.render.HartRenderer;

/** The {@code hartbatch.worker.*} keys; each is explained in {@code application.properties}. */
@ConfigMapping(prefix = "hartbatch.worker")
public interface WorkerConfig {

  @WithDefault("hartbatch-render-workers")
  String groupId();

  Optional<String> instanceId();

  @WithDefault("false")
  boolean staticMembership();

  @WithDefault("16")
  int maxBatch();

  @WithDefault("200ms")
  Duration maxWait();

  @WithDefault("1")
  int queuedBatches();

  @WithDefault("2")
  int uploadingBatches();

  @WithDefault("60s")
  Duration expectedBatchTime();

  @WithDefault("30s")
  Duration shutdownGrace();

  @WithDefault("1000")
  int reserveAhead();

  @WithDefault("1s")
  Duration storeBackoffMin();

  @WithDefault("30s")
  Duration storeBackoffMax();

  OptionalInt encodeThreads();

  @WithDefault("hart")
  RendererKind renderer();

  Hart hart();

  Synthetic synthetic();

  KafkaClients kafka();

  /** Kafka client properties applied after the worker's own, keyed by their Kafka names. */
  interface KafkaClients {

    Map<String, String> consumer();

    Map<String, String> producer();
  }

  /** Which {@link org.hartbatch.worker.render.Renderer} renders. */
  enum RendererKind {
    HART,
    SYNTHETIC
  }

  /** The HART renderer. */
  interface Hart {

    /** Checkpoint directory ({@code llm/}, {@code tokenizer/}); empty: {@link #builtinModel()}. */
    Optional<Path> modelDir();

    /** The built-in model served when no checkpoint directory is set. */
    @WithDefault(HartRenderer.DEFAULT_MODEL)
    String builtinModel();

    /** Qwen2 text encoder directory; empty: the checkpoint's {@code text_encoder}. */
    Optional<Path> textEncoderDir();

    @WithDefault("hart-0.7b-1024px")
    String modelName();

    Optional<String> revision();
  }

  /** The synthetic renderer, for tests and benchmarks. */
  interface Synthetic {

    @WithDefault("synthetic")
    String model();

    @WithDefault("1")
    String revision();

    @WithDefault("64")
    int width();

    @WithDefault("64")
    int height();

    @WithDefault("0s")
    Duration costPerBatch();

    @WithDefault("0s")
    Duration costPerImage();

    Optional<String> rejectPrompts();
  }
}
