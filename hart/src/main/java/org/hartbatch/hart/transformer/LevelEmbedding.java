package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;

/**
 * The embedding of a stage index, added to every token of that stage (context tokens get level 0).
 * The released model uses the timestep-style MLP ({@code lvl_embed.mlp.*}) on the integer level;
 * older configurations a plain table ({@code lvl_embed.weight}). Only the {@code S} distinct rows
 * are ever needed, so both become an {@code [S, C]} table at load time.
 */
public final class LevelEmbedding {
  private static final int FEATURES = 256;

  private final NDArray table_SC;

  private LevelEmbedding(NDArray table_SC) {
    this.table_SC = table_SC;
  }

  static LevelEmbedding load(HartTransformerConfig config, WeightReader reader, NDManager manager)
      throws IOException {
    int c = config.embedDim();
    int s = config.stages();
    if (!config.useTimestepEmbed()) {
      return new LevelEmbedding(reader.read("lvl_embed.weight", manager, s, c));
    }
    Linear first =
        new Linear(
            reader.read("lvl_embed.mlp.0.weight", manager, c, FEATURES),
            reader.read("lvl_embed.mlp.0.bias", manager, c));
    Linear second =
        new Linear(
            reader.read("lvl_embed.mlp.2.weight", manager, c, c),
            reader.read("lvl_embed.mlp.2.bias", manager, c));
    float[] levels = new float[s];
    for (int i = 0; i < s; i++) {
      levels[i] = i;
    }
    try (NDManager scratch = manager.newSubManager()) {
      NDArray table =
          second.apply(Silu.apply(first.apply(TimestepFeatures.of(scratch, levels, FEATURES))));
      table.attach(manager);
      return new LevelEmbedding(table);
    }
  }

  /** {@code lvl[s]}, shape {@code [C]}. */
  public NDArray level(int stage) {
    return table_SC.get(stage);
  }
}
