package org.hartbatch.worker.pipeline;

import java.util.List;

/** A batch that went through the pipeline, one outcome per job in the batch's order. */
public record BatchOutcome(Batch batch, List<ItemOutcome> items) {}
