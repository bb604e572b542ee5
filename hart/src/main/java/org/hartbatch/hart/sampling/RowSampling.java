package org.hartbatch.hart.sampling;

/** The sampling parameters and random streams of one request row of a batch. */
public record RowSampling(SamplingParams params, SeedStreams streams) {}
