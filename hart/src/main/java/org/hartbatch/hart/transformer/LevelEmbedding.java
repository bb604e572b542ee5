package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.hartbatch.hart.diffusion.TimestepEmbedder;
import org.hartbatch.hart.io.Parameters;

/**
 * The embedding of a stage index, added to every token of that stage (context tokens get level 0).
 * The released model uses the timestep-style MLP ({@code lvl_embed.mlp.*}) on the integer level;
 * older configurations a plain table ({@code lvl_embed.weight}). Only the {@code S} distinct rows
 * are ever needed, so both become an {@code [S, C]} table when bound.
 */
final class LevelEmbedding {
  private final NDArray table_SC;

  LevelEmbedding(HartTransformerConfig config, Parameters p) {
    int c = config.embedDim();
    int s = config.stages();
    if (!config.useTimestepEmbed()) {
      table_SC = p.get("lvl_embed.weight", s, c);
      return;
    }
    TimestepEmbedder embedder = new TimestepEmbedder(p.scope("lvl_embed"), c);
    NDManager manager = p.manager();
    long[] levels = new long[s];
    for (int i = 0; i < s; i++) {
      levels[i] = i;
    }
    try (NDArray ids = manager.create(levels)) {
      table_SC = embedder.embed(ids);
    }
  }

  /** {@code lvl[s]}, shape {@code [C]}. */
  NDArray level(int stage) {
    return table_SC.get(stage);
  }
}
