package org.hartbatch.worker.render;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hartbatch.hart.pipeline.BuiltinModel;
import org.hartbatch.hart.pipeline.GeneratedImage;
import org.hartbatch.hart.pipeline.GenerationRequest;
import org.hartbatch.hart.pipeline.GenerationResult;
import org.hartbatch.hart.pipeline.HartPipeline;
import org.hartbatch.hart.pipeline.PipelineOptions;
import org.hartbatch.hart.sampling.SamplingParams;
import org.hartbatch.protocol.events.ErrorCode;

/**
 * Renders with the HART pipeline of the {@code hart} library: a built-in model ({@code
 * builtin:<name>}) or a checkpoint directory.
 */
public final class HartRenderer implements Renderer {

  /** The built-in model a worker serves unless configured otherwise. */
  public static final String DEFAULT_MODEL = "builtin:tiny";

  private final String model;
  private final Optional<Path> textEncoderDir;
  private final String modelName;
  private final Optional<String> revision;
  private final int maxBatch;
  private HartPipeline pipeline;
  private ModelInfo served;

  /**
   * @param model {@code builtin:<name>} or a checkpoint directory
   * @param textEncoderDir Qwen2 directory, empty for the checkpoint's {@code text_encoder}
   * @param modelName the model name jobs ask for
   * @param revision the revision reported in events; empty: the checkpoint directory's name, or
   *     {@code builtin-<name>}
   * @param maxBatch the worker's largest batch
   */
  public HartRenderer(
      String model,
      Optional<Path> textEncoderDir,
      String modelName,
      Optional<String> revision,
      int maxBatch) {
    this.model = model;
    this.textEncoderDir = textEncoderDir;
    this.modelName = modelName;
    this.revision = revision;
    this.maxBatch = maxBatch;
  }

  @Override
  public void load() throws Exception {
    PipelineOptions options = PipelineOptions.defaults().withMaxBatch(maxBatch);
    if (textEncoderDir.isPresent()) {
      options = options.withTextEncoderDir(textEncoderDir.get());
    }
    pipeline = HartPipeline.open(model, options);
    int size = pipeline.info().imageSize();
    served = new ModelInfo(modelName, revision.orElseGet(this::defaultRevision), size, size);
  }

  private String defaultRevision() {
    return model.startsWith(BuiltinModel.SPEC_PREFIX)
        ? model.replace(':', '-')
        : Path.of(model).toAbsolutePath().normalize().getFileName().toString();
  }

  @Override
  public ModelInfo model() {
    return served;
  }

  @Override
  public List<RenderResult> render(List<RenderRequest> rows) throws RenderException {
    List<GenerationRequest> requests = new ArrayList<>(rows.size());
    for (RenderRequest row : rows) {
      requests.add(
          new GenerationRequest(
              row.prompt(),
              row.seed(),
              new SamplingParams(
                  row.guidanceScale(),
                  row.topK() == null ? 0 : row.topK(),
                  row.topP() == null ? 0 : row.topP(),
                  row.moreSmooth())));
    }
    List<GenerationResult> results;
    try {
      results = pipeline.generate(requests);
    } catch (RuntimeException e) {
      throw new RenderException(ErrorCode.RENDER_FAILED, "HART failed: " + e.getMessage(), e);
    }
    List<RenderResult> out = new ArrayList<>(results.size());
    for (GenerationResult result : results) {
      out.add(toResult(result));
    }
    return out;
  }

  private static RenderResult toResult(GenerationResult result) {
    if (!result.succeeded()) {
      return new RenderResult.Failed(ErrorCode.PROMPT_REJECTED, result.error());
    }
    GeneratedImage image = result.image();
    for (float value : image.rgb_CHW()) {
      if (!Float.isFinite(value)) {
        return new RenderResult.Failed(
            ErrorCode.RENDER_FAILED, "the model produced non-finite pixel values");
      }
    }
    return new RenderResult.Image(image, result.droppedPromptTokens(), result.unknownWords());
  }

  @Override
  public void close() {
    if (pipeline != null) {
      pipeline.close();
    }
  }
}
