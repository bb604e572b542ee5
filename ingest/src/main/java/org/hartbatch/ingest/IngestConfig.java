package org.hartbatch.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Settings of the ingest service, under {@code hartbatch.ingest}. */
@ConfigMapping(prefix = "hartbatch.ingest")
public interface IngestConfig {

  /** Model of jobs whose line and submission name none. */
  @WithDefault("hart-0.7b-1024px")
  String defaultModel();

  /** Longest accepted catalog line in UTF-8 bytes; longer lines are rejected, not read. */
  @WithDefault("65536")
  int maxLineBytes();

  /** Most lines read from one catalog; lines past it are rejected. */
  @WithDefault("5000000")
  long maxLines();

  /** How many rejected-line reports a submission response lists; the total is always given. */
  @WithDefault("100")
  int maxReportedRejections();

  /** Most results on one page of {@code GET /v1/catalogs/{id}/results}. */
  @WithDefault("1000")
  int maxPageSize();

  /** Create missing topics at start-up (a deployment may provision them instead). */
  @WithDefault("true")
  boolean createTopics();

  Auth auth();

  /** Bearer tokens, comma-separated lists. */
  interface Auth {
    /** Off only for local experiments: every request is then allowed. */
    @WithDefault("true")
    boolean enabled();

    /** Tokens allowed everything: submit catalogs and jobs, read progress and results. */
    Optional<List<String>> tokens();

    /** Tokens allowed to read progress and results only. */
    Optional<List<String>> readTokens();
  }
}
