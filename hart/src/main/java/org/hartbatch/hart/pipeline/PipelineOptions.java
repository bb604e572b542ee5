package org.hartbatch.hart.pipeline;

import java.nio.file.Path;
import org.hartbatch.hart.runtime.RuntimeConfig;

/**
 * How a pipeline runs.
 *
 * @param runtime device and precision (fp32 on CPU; fp16 is for CUDA)
 * @param textEncoderDir the Qwen2 text encoder of a checkpoint directory (with its tokenizer); null
 *     means {@code <model>/text_encoder}
 * @param maxBatch requests rendered together; longer lists are split
 * @param residualDiffusion add the diffusion residual to the last stage (HART); false decodes the
 *     discrete tokens alone, for comparisons
 */
public record PipelineOptions(
    RuntimeConfig runtime, Path textEncoderDir, int maxBatch, boolean residualDiffusion) {
  public PipelineOptions {
    if (runtime == null) {
      throw new IllegalArgumentException("runtime must not be null");
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
    }
  }

  /**
   * The runtime of the system properties {@code hart.device}/{@code hart.precision}, batch 16, with
   * the residual diffusion.
   */
  public static PipelineOptions defaults() {
    return new PipelineOptions(RuntimeConfig.fromSystemProperties(), null, 16, true);
  }

  public PipelineOptions withMaxBatch(int batch) {
    return new PipelineOptions(runtime, textEncoderDir, batch, residualDiffusion);
  }

  public PipelineOptions withTextEncoderDir(Path dir) {
    return new PipelineOptions(runtime, dir, maxBatch, residualDiffusion);
  }

  public PipelineOptions withRuntime(RuntimeConfig config) {
    return new PipelineOptions(config, textEncoderDir, maxBatch, residualDiffusion);
  }

  public PipelineOptions withResidualDiffusion(boolean enabled) {
    return new PipelineOptions(runtime, textEncoderDir, maxBatch, enabled);
  }
}
