package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.hartbatch.hart.diffusion.TimestepEmbedder;
import org.hartbatch.hart.io.Parameters;

/**
 * The embedding of a stage index, added to every token of that stage (context tokens get level 0).
 * The released model uses the timestep-style MLP ({@code lvl_embed.mlp.*}) on the integer level;
 * older configurations a plain table ({@code lvl_embed.weight}). Rows are computed per call from
 * the bound weights, so training updates reach them.
 */
final class LevelEmbedding {
  private final NDArray table_SC;
  private final TimestepEmbedder embedder;

  LevelEmbedding(HartTransformerConfig config, Parameters p) {
    int c = config.embedDim();
    if (config.useTimestepEmbed()) {
      table_SC = null;
      embedder = new TimestepEmbedder(p.scope("lvl_embed"), c);
    } else {
      table_SC = p.get("lvl_embed.weight", config.stages(), c);
      embedder = null;
    }
  }

  /** {@code lvl[s]}, shape {@code [C]}, computed in {@code manager}. */
  NDArray level(int stage, NDManager manager) {
    if (embedder == null) {
      NDArray row = table_SC.get(stage);
      row.attach(manager);
      return row;
    }
    try (NDArray id = manager.create(new long[] {stage})) {
      return embedder.embed(id).get(0);
    }
  }
}
