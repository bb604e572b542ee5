package org.hartbatch.hart.pipeline;

import org.hartbatch.hart.sampling.SamplingParams;
import org.hartbatch.hart.sampling.SeedStreams;

/** The sampling parameters and random streams of one request row of a batch. */
public record RowSampling(SamplingParams params, SeedStreams streams) {}
