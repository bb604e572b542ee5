package org.hartbatch.ingest.enqueue;

/**
 * One reason a catalog line was not enqueued.
 *
 * @param line 1-based line number in the submitted catalog
 * @param field the offending field as the line names it, {@code $} for the line as a whole
 * @param rule short stable rule name, e.g. {@code required}, {@code range}, {@code json}
 * @param reason what is wrong, for people
 */
public record RejectedLine(long line, String field, String rule, String reason) {}
