package org.hartbatch.hart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hartbatch.hart.pipeline.GenerationRequest;
import org.hartbatch.hart.pipeline.GenerationResult;
import org.hartbatch.hart.pipeline.HartPipeline;
import org.hartbatch.hart.pipeline.PipelineOptions;
import org.hartbatch.hart.pipeline.PngImages;
import org.hartbatch.hart.sampling.SamplingParams;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hart render}: one prompt to one PNG, or a JSONL file of jobs to a directory of PNGs, with
 * a progress line on stderr.
 */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = {
      "Render one prompt (--prompt, --out) or a JSONL file of jobs (--jobs, --out-dir).",
      "A job line is an object with \"prompt\" and optionally \"seed\", \"cfg\", \"top_k\",",
      "\"top_p\", \"more_smooth\" and \"name\" (the PNG's file name without extension)."
    })
final class RenderCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      defaultValue = "builtin:tiny",
      description = "builtin:tiny (random weights, images are noise) or a checkpoint directory")
  String model;

  @Option(names = "--text-encoder", description = "Qwen2 text encoder directory of a checkpoint")
  Path textEncoder;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @ArgGroup(exclusive = false)
    Single single;

    @ArgGroup(exclusive = false)
    Batch batch;
  }

  static final class Single {
    @Option(names = "--prompt", required = true, description = "the text prompt")
    String prompt;

    @Option(names = "--out", required = true, description = "PNG file to write")
    Path out;
  }

  static final class Batch {
    @Option(names = "--jobs", required = true, description = "JSONL file, one job per line")
    Path jobs;

    @Option(names = "--out-dir", required = true, description = "directory for the PNGs")
    Path outDir;
  }

  @Option(names = "--seed", defaultValue = "1", description = "seed (default of job lines)")
  long seed;

  @Option(names = "--cfg", defaultValue = "4.5", description = "guidance scale")
  double cfg;

  @Option(names = "--top-k", defaultValue = "0", description = "0 = the reference's schedule")
  int topK;

  @Option(names = "--top-p", defaultValue = "0", description = "nucleus mass, 0 = off")
  double topP;

  @Option(
      names = "--more-smooth",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Gumbel-softmax token embeddings (the reference's default)")
  boolean moreSmooth;

  @Option(names = "--batch", defaultValue = "16", description = "requests rendered together")
  int batch;

  /** A job with the PNG it goes to, or the reason its line was refused. */
  private record Job(GenerationRequest request, Path out, String error, int line) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    List<Job> jobs = input.single != null ? List.of(singleJob()) : readJobs(err);
    PipelineOptions options =
        PipelineOptions.defaults().withMaxBatch(batch).withTextEncoderDir(textEncoder);
    int failed = (int) jobs.stream().filter(j -> j.error != null).count();
    List<Job> runnable = jobs.stream().filter(j -> j.error == null).toList();
    try (HartPipeline hart = HartPipeline.open(model, options)) {
      HartPipeline.ModelInfo info = hart.info();
      err.println("model: " + info.description() + ", " + info.imageSize() + " px");
      Progress progress = new Progress(runnable.size(), err);
      for (int start = 0; start < runnable.size(); start += batch) {
        List<Job> chunk = runnable.subList(start, Math.min(runnable.size(), start + batch));
        List<GenerationResult> results = hart.generate(chunk.stream().map(Job::request).toList());
        long pngNanos = 0;
        for (int i = 0; i < chunk.size(); i++) {
          GenerationResult result = results.get(i);
          Job job = chunk.get(i);
          if (!result.succeeded()) {
            failed++;
            err.println("line " + job.line + ": " + result.error());
            continue;
          }
          if (result.droppedPromptTokens() > 0) {
            err.println(
                "line "
                    + job.line
                    + ": prompt truncated, "
                    + result.droppedPromptTokens()
                    + " tokens dropped");
          }
          if (!result.unknownWords().isEmpty()) {
            err.println(
                "line "
                    + job.line
                    + ": words the model does not know (it saw its unknown token instead): "
                    + String.join(" ", result.unknownWords()));
          }
          long t0 = System.nanoTime();
          byte[] png = PngImages.encode(result.image(), metadata(info, job.request));
          pngNanos += System.nanoTime() - t0;
          Files.createDirectories(job.out.toAbsolutePath().getParent());
          Files.write(job.out, png);
        }
        progress.batchDone(chunk.size(), results.get(0).timingsNanos(), pngNanos);
      }
      progress.finish();
    }
    return failed == 0 ? 0 : 1;
  }

  private Job singleJob() {
    return new Job(
        new GenerationRequest(input.single.prompt, seed, defaults()), input.single.out, null, 1);
  }

  private SamplingParams defaults() {
    return new SamplingParams(cfg, topK, topP, moreSmooth);
  }

  private List<Job> readJobs(PrintWriter err) throws IOException {
    List<String> lines = Files.readAllLines(input.batch.jobs, StandardCharsets.UTF_8);
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      int number = i + 1;
      try {
        jobs.add(parseJob(JSON.readTree(line), number));
      } catch (IOException | IllegalArgumentException e) {
        err.println("line " + number + ": " + e.getMessage());
        jobs.add(new Job(null, null, e.getMessage(), number));
      }
    }
    return jobs;
  }

  private Job parseJob(JsonNode node, int line) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("a job must be a JSON object");
    }
    JsonNode prompt = node.path("prompt");
    if (!prompt.isTextual()) {
      throw new IllegalArgumentException("field 'prompt' is missing or not a string");
    }
    String name = text(node, "name", String.format("%06d", line));
    if (!name.matches("[A-Za-z0-9._-]{1,128}") || name.startsWith(".")) {
      throw new IllegalArgumentException(
          "field 'name' must be 1-128 letters, digits, '.', '_' or '-' and not start with '.'");
    }
    SamplingParams params =
        new SamplingParams(
            number(node, "cfg", cfg),
            (int) number(node, "top_k", topK),
            number(node, "top_p", topP),
            node.has("more_smooth") ? bool(node, "more_smooth") : moreSmooth);
    long jobSeed = node.has("seed") ? integer(node, "seed") : seed;
    return new Job(
        new GenerationRequest(prompt.asText(), jobSeed, params),
        input.batch.outDir.resolve(name + ".png"),
        null,
        line);
  }

  private static String text(JsonNode node, String field, String fallback) {
    if (!node.has(field)) {
      return fallback;
    }
    if (!node.get(field).isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' must be a string");
    }
    return node.get(field).asText();
  }

  private static double number(JsonNode node, String field, double fallback) {
    if (!node.has(field)) {
      return fallback;
    }
    if (!node.get(field).isNumber()) {
      throw new IllegalArgumentException("field '" + field + "' must be a number");
    }
    return node.get(field).asDouble();
  }

  private static long integer(JsonNode node, String field) {
    if (!node.get(field).canConvertToLong() || !node.get(field).isIntegralNumber()) {
      throw new IllegalArgumentException("field '" + field + "' must be an integer");
    }
    return node.get(field).asLong();
  }

  private static boolean bool(JsonNode node, String field) {
    if (!node.get(field).isBoolean()) {
      throw new IllegalArgumentException("field '" + field + "' must be true or false");
    }
    return node.get(field).asBoolean();
  }

  private static Map<String, String> metadata(HartPipeline.ModelInfo info, GenerationRequest r) {
    Map<String, String> text = new LinkedHashMap<>();
    text.put("Software", "HART Batch");
    text.put("Model", info.description());
    if (info.randomWeights()) {
      text.put("Warning", "generated with random weights: this image is noise");
    }
    text.put("Seed", Long.toString(r.seed()));
    text.put("Description", r.prompt().replaceAll("[^\\x20-\\x7E]", "?"));
    return text;
  }

  /** One status line on stderr per batch: done/total, images per second, phase split. */
  private static final class Progress {
    private final int total;
    private final PrintWriter err;
    private final long start = System.nanoTime();
    private int done;

    Progress(int total, PrintWriter err) {
      this.total = total;
      this.err = err;
    }

    void batchDone(int images, Map<String, Long> timings, long pngNanos) {
      done += images;
      double seconds = (System.nanoTime() - start) / 1e9;
      double rate = done / seconds;
      StringBuilder split = new StringBuilder();
      timings.forEach(
          (phase, nanos) -> split.append(String.format(" %s %.2fs", phase, nanos / 1e9)));
      split.append(String.format(" png %.2fs", pngNanos / 1e9));
      err.printf(
          "[%d/%d] %.2f img/s, eta %.0fs |%s%n",
          done, total, rate, rate > 0 ? (total - done) / rate : 0.0, split);
    }

    void finish() {
      err.printf("%d images in %.1fs%n", done, (System.nanoTime() - start) / 1e9);
    }
  }
}
