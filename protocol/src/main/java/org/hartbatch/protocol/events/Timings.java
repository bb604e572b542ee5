package org.hartbatch.protocol.events;

/**
 * Where the time of one job went, in milliseconds.
 *
 * @param queuedMs from submission until the worker took the job into a batch
 * @param renderMs rendering of the batch the job was in (shared by the whole batch)
 * @param uploadMs encoding and storing of this job's image
 */
public record Timings(long queuedMs, long renderMs, long uploadMs) {}
