package org.hartbatch.worker.pipeline;

/** What all jobs of one batch must share; everything else varies per row. */
public record BatchKey(String model, String modelRevision, int width, int height) {}
