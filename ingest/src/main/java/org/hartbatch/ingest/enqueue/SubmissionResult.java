package org.hartbatch.ingest.enqueue;

import java.util.List;

/**
 * The outcome of a catalog submission.
 *
 * @param catalogId the catalog, to ask for progress and results
 * @param accepted jobs enqueued (for a repeated submission: jobs enqueued by the first one)
 * @param rejected lines not enqueued
 * @param rejections the reasons, for the first lines rejected only
 * @param rejectionsTruncated whether more reasons exist than are listed
 * @param duplicate the catalog was submitted before: nothing was enqueued again
 * @param enqueued whether this submission enqueued jobs
 */
public record SubmissionResult(
    String catalogId,
    long accepted,
    long rejected,
    List<RejectedLine> rejections,
    boolean rejectionsTruncated,
    boolean duplicate,
    boolean enqueued) {}
