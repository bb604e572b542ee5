package org.hartbatch.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hartbatch.ingest.catalog.CatalogFormat;
import org.hartbatch.protocol.Sha256;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hartbatch}: submit catalogs to the ingest service, follow them, fetch their results.
 *
 * <p>Exit codes: {@value #OK} everything succeeded; {@value #ERROR} the request failed (network,
 * authentication, nothing accepted, an image not downloaded); {@value #USAGE} wrong command line;
 * {@value #PARTIAL} some lines were rejected or some jobs failed.
 */
@Command(
    name = "hartbatch",
    mixinStandardHelpOptions = true,
    version = "hartbatch 0.1.0",
    description = "Render prompt catalogs with HART Batch.",
    subcommands = {
      HartbatchCli.Submit.class,
      HartbatchCli.Status.class,
      HartbatchCli.Results.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:error (network, authentication, nothing accepted, image not downloaded)",
      "2:usage error",
      "3:partial failure (rejected lines or failed jobs)"
    })
public final class HartbatchCli {

  static final int OK = 0;
  static final int ERROR = 1;
  static final int USAGE = 2;
  static final int PARTIAL = 3;

  @Option(
      names = "--url",
      description = "Ingest service URL (env HARTBATCH_URL, default ${DEFAULT-VALUE})",
      defaultValue = "${env:HARTBATCH_URL:-http://localhost:8080}")
  URI url;

  @Option(
      names = "--token",
      description = "Bearer token (env HARTBATCH_TOKEN)",
      defaultValue = "${env:HARTBATCH_TOKEN}")
  String token;

  private final PrintStream out;
  private final PrintStream err;

  HartbatchCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  IngestClient client() {
    return new IngestClient(url, token);
  }

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs a command line, printing to {@code out} and {@code err}; returns the exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return new CommandLine(new HartbatchCli(out, err))
        .setOut(new java.io.PrintWriter(out, true))
        .setErr(new java.io.PrintWriter(err, true))
        .setExecutionExceptionHandler(
            (e, commandLine, parseResult) -> {
              commandLine.getErr().println("hartbatch: " + e.getMessage());
              return ERROR;
            })
        .execute(args);
  }

  @Command(name = "submit", description = "Submit a catalog file (.jsonl or .csv).")
  static final class Submit implements Callable<Integer> {
    @ParentCommand HartbatchCli cli;

    @Parameters(index = "0", description = "The catalog file")
    Path file;

    @Option(names = "--catalog-id", description = "Catalog id; default: derived from the content")
    String catalogId;

    @Option(names = "--format", description = "jsonl or csv; default: from the file name")
    String format;

    @Option(names = "--model", description = "Model of lines that name none")
    String model;

    @Option(names = "--cfg", description = "Guidance scale of lines that set none")
    Double cfg;

    @Option(names = "--seed", description = "One seed for every line without one")
    Long seed;

    @Option(names = "--all-or-nothing", description = "Enqueue nothing if any line is rejected")
    boolean allOrNothing;

    @Option(names = "--wait", description = "Follow progress until the catalog completes")
    boolean await;

    @Option(
        names = "--poll",
        description = "Seconds between progress reads (default ${DEFAULT-VALUE})",
        defaultValue = "2")
    double pollSeconds;

    @Override
    public Integer call() throws Exception {
      CatalogFormat catalogFormat =
          format != null
              ? CatalogFormat.ofFileName("catalog." + format)
              : CatalogFormat.ofFileName(file.getFileName().toString());
      if (catalogFormat == null) {
        cli.err.println("hartbatch: cannot tell the format of " + file + "; pass --format");
        return USAGE;
      }
      if (!Files.isReadable(file)) {
        cli.err.println("hartbatch: cannot read " + file);
        return ERROR;
      }
      Map<String, String> query = new LinkedHashMap<>();
      query.put("catalogId", catalogId);
      query.put("model", model);
      query.put("cfg", cfg == null ? null : cfg.toString());
      query.put("seed", seed == null ? null : seed.toString());
      query.put("allOrNothing", allOrNothing ? "true" : null);
      // the same file content is the same catalog: re-running the command enqueues nothing twice
      String idempotencyKey = catalogId == null ? "sha256:" + sha256(file) : null;
      IngestClient client = cli.client();
      IngestClient.Reply reply =
          client.submit(file, catalogFormat.mediaType(), idempotencyKey, query);
      JsonNode body = reply.body();
      if (!reply.ok() && reply.status() != 422) {
        cli.err.println("hartbatch: submission failed: " + reply.explanation());
        return ERROR;
      }
      String id = body.path("catalogId").asText();
      long accepted = body.path("accepted").asLong();
      long rejected = body.path("rejected").asLong();
      cli.out.printf(
          "catalog %s: %d jobs %s, %d lines rejected%n",
          id,
          accepted,
          body.path("duplicate").asBoolean() ? "already submitted" : "enqueued",
          rejected);
      for (JsonNode r : body.path("rejections")) {
        cli.out.printf(
            "  line %d: %s: %s%n",
            r.path("line").asLong(), r.path("field").asText(), r.path("reason").asText());
      }
      if (body.path("rejectionsTruncated").asBoolean()) {
        cli.out.println("  ... (only the first rejections are listed)");
      }
      if (accepted == 0) {
        return ERROR;
      }
      int outcome = rejected > 0 ? PARTIAL : OK;
      if (!await) {
        return outcome;
      }
      int finished = follow(cli, client, id, Duration.ofMillis((long) (pollSeconds * 1000)));
      return finished == OK ? outcome : finished;
    }
  }

  @Command(name = "status", description = "Show the progress of a catalog.")
  static final class Status implements Callable<Integer> {
    @ParentCommand HartbatchCli cli;

    @Parameters(index = "0", description = "Catalog id")
    String catalogId;

    @Option(names = "--wait", description = "Follow progress until the catalog completes")
    boolean await;

    @Override
    public Integer call() throws Exception {
      IngestClient client = cli.client();
      if (await) {
        return follow(cli, client, catalogId, Duration.ofSeconds(2));
      }
      IngestClient.Reply reply = client.get("/v1/catalogs/" + catalogId, Map.of());
      if (!reply.ok()) {
        cli.err.println("hartbatch: " + reply.explanation());
        return ERROR;
      }
      JsonNode s = reply.body();
      cli.out.printf("catalog %s: %s%n", catalogId, s.path("state").asText());
      cli.out.println(ProgressBar.render(s));
      return s.path("failed").asLong() > 0 ? PARTIAL : OK;
    }
  }

  @Command(
      name = "results",
      description = "List the finished jobs of a catalog, and optionally download the images.")
  static final class Results implements Callable<Integer> {
    @ParentCommand HartbatchCli cli;

    @Parameters(index = "0", description = "Catalog id")
    String catalogId;

    @Option(names = "--download", description = "Directory to download the images into")
    Path download;

    @Option(
        names = "--s3-endpoint",
        description = "S3 endpoint for downloads (env HARTBATCH_S3_ENDPOINT; default AWS)",
        defaultValue = "${env:HARTBATCH_S3_ENDPOINT}")
    URI s3Endpoint;

    @Option(
        names = "--s3-region",
        description = "S3 region (env AWS_REGION, default ${DEFAULT-VALUE})",
        defaultValue = "${env:AWS_REGION:-us-east-1}")
    String s3Region;

    @Override
    public Integer call() throws Exception {
      IngestClient client = cli.client();
      ImageDownloader downloader =
          download == null ? null : new ImageDownloader(download, s3Endpoint, s3Region);
      long succeeded = 0;
      long failed = 0;
      long downloadErrors = 0;
      String after = null;
      try {
        do {
          Map<String, String> query = new LinkedHashMap<>();
          query.put("limit", "500");
          query.put("after", after);
          IngestClient.Reply reply = client.get("/v1/catalogs/" + catalogId + "/results", query);
          if (!reply.ok()) {
            cli.err.println("hartbatch: " + reply.explanation());
            return ERROR;
          }
          for (JsonNode item : reply.body().path("items")) {
            String jobId = item.path("jobId").asText();
            if ("SUCCEEDED".equals(item.path("status").asText())) {
              succeeded++;
              String bucket = item.path("bucket").asText();
              String key = item.path("key").asText();
              cli.out.printf("%s SUCCEEDED s3://%s/%s%n", jobId, bucket, key);
              if (downloader != null && !downloader.fetch(bucket, key, cli.err)) {
                downloadErrors++;
              }
            } else {
              failed++;
              cli.out.printf(
                  "%s FAILED %s: %s%n",
                  jobId, item.path("errorCode").asText(), item.path("message").asText());
            }
          }
          JsonNode next = reply.body().get("next");
          after = next == null || next.isNull() ? null : next.asText();
        } while (after != null);
      } finally {
        if (downloader != null) {
          downloader.close();
        }
      }
      cli.err.printf(
          "%d succeeded, %d failed%s%n",
          succeeded,
          failed,
          download == null
              ? ""
              : ", images in " + download + " (" + downloadErrors + " download errors)");
      if (downloadErrors > 0) {
        return ERROR;
      }
      return failed > 0 ? PARTIAL : OK;
    }
  }

  /** Polls progress until the catalog completes; the exit code tells whether any job failed. */
  static int follow(HartbatchCli cli, IngestClient client, String catalogId, Duration poll)
      throws IOException, InterruptedException {
    ProgressBar bar = new ProgressBar(cli.err, System.console() != null);
    long unknownSince = System.nanoTime();
    while (true) {
      IngestClient.Reply reply = client.get("/v1/catalogs/" + catalogId, Map.of());
      if (reply.status() == 404 || reply.status() == 503) {
        // a catalog appears a moment after its submission; the service may be rebalancing
        if (System.nanoTime() - unknownSince > Duration.ofMinutes(2).toNanos()) {
          bar.finish();
          cli.err.println("hartbatch: " + reply.explanation());
          return ERROR;
        }
      } else if (!reply.ok()) {
        bar.finish();
        cli.err.println("hartbatch: " + reply.explanation());
        return ERROR;
      } else {
        unknownSince = System.nanoTime();
        bar.show(reply.body());
        if ("COMPLETED".equals(reply.body().path("state").asText())) {
          bar.finish();
          long failed = reply.body().path("failed").asLong();
          cli.out.printf(
              "catalog %s completed: %d succeeded, %d failed%n",
              catalogId, reply.body().path("succeeded").asLong(), failed);
          return failed > 0 ? PARTIAL : OK;
        }
      }
      Thread.sleep(poll.toMillis());
    }
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
