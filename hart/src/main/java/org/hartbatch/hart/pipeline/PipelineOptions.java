package org.hartbatch.hart.pipeline;

import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;

/**
 * How a pipeline runs.
 *
 * @param computeType weight and activation type (float32 on CPU; float16 is for CUDA)
 * @param textEncoderDir the Qwen2 text encoder of a checkpoint directory (with its tokenizer); null
 *     means {@code <model>/text_encoder}
 * @param maxBatch requests rendered together; longer lists are split
 */
public record PipelineOptions(DataType computeType, Path textEncoderDir, int maxBatch) {
  public PipelineOptions {
    if (computeType != DataType.FLOAT32 && computeType != DataType.FLOAT16) {
      throw new IllegalArgumentException(
          "computeType must be FLOAT32 or FLOAT16, got " + computeType);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
    }
  }

  public static PipelineOptions defaults() {
    return new PipelineOptions(DataType.FLOAT32, null, 16);
  }

  public PipelineOptions withMaxBatch(int batch) {
    return new PipelineOptions(computeType, textEncoderDir, batch);
  }

  public PipelineOptions withTextEncoderDir(Path dir) {
    return new PipelineOptions(computeType, dir, maxBatch);
  }
}
