package org.hartbatch.hart.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.runtime.Ops;

/**
 * The residual-diffusion network ({@code diffloss.net}): predicts {@code [ε | v]} ({@code [N,
 * 2Cv]}) for noisy tokens {@code x} at timestep {@code t} under the transformer condition {@code
 * c}.
 *
 * <p>The conditioning {@code y = time_embed(t) + cond_embed(c)} is exposed separately so that a
 * sampler can embed the condition once and the (row-independent) timestep once per step.
 */
public final class SimpleMlpAdaLn {
  /** Where the network's parameters live inside the transformer checkpoint. */
  public static final String PREFIX = "diffloss.net.";

  private final DiffusionConfig config;
  private final TimestepEmbedder timeEmbed;
  private final NDArray condWeight;
  private final NDArray condBias;
  private final NDArray inputWeight;
  private final NDArray inputBias;
  private final List<AdaLnResBlock> blocks = new ArrayList<>();
  private final FinalLayer finalLayer;

  /** Binds the network to parameters scoped at {@code diffloss.net}. */
  public SimpleMlpAdaLn(DiffusionConfig config, Parameters p) {
    this.config = config;
    int w = config.width();
    timeEmbed = new TimestepEmbedder(p.scope("time_embed"), w);
    condWeight = p.get("cond_embed.weight", w, config.conditionChannels());
    condBias = p.get("cond_embed.bias", w);
    inputWeight = p.get("input_proj.weight", w, config.tokenChannels());
    inputBias = p.get("input_proj.bias", w);
    for (int j = 0; j < config.depth(); j++) {
      blocks.add(new AdaLnResBlock(p.scope("res_blocks." + j), w));
    }
    finalLayer = new FinalLayer(p.scope("final_layer"), w, 2 * config.tokenChannels());
  }

  /**
   * Loads the network from a transformer checkpoint (keys {@code diffloss.net.*}); every missing,
   * mis-shaped or unexpected tensor under that prefix is reported in one error.
   */
  public static SimpleMlpAdaLn load(
      WeightSource transformerWeights, DiffusionConfig config, NDManager manager, DataType type) {
    Parameters p =
        new Parameters(transformerWeights.withPrefix(PREFIX), manager, type, name -> false);
    SimpleMlpAdaLn net = new SimpleMlpAdaLn(config, p);
    p.finish();
    return net;
  }

  public DiffusionConfig config() {
    return config;
  }

  public TimestepEmbedder timeEmbed() {
    return timeEmbed;
  }

  /** {@code cond_embed(c)}, {@code [N, W]}. */
  public NDArray embedCondition(NDArray c_NC) {
    return Ops.linear(c_NC, condWeight, condBias);
  }

  /** {@code [ε | v]} for every row from its own conditioning {@code y_NW} (broadcastable rows). */
  public NDArray forward(NDArray x_NCv, NDArray y_NW) {
    NDArray x = Ops.linear(x_NCv, inputWeight, inputBias);
    try (NDArray siluY = Ops.silu(y_NW)) {
      for (AdaLnResBlock block : blocks) {
        NDArray next = block.forward(x, siluY);
        x.close();
        x = next;
      }
      return finalLayer.forward(x, siluY);
    } finally {
      x.close();
    }
  }

  /** The plain forward pass {@code net(x, t, c)}. */
  public NDArray forward(NDArray x_NCv, NDArray t_N, NDArray c_NC) {
    try (NDArray te = timeEmbed.embed(t_N);
        NDArray ce = embedCondition(c_NC);
        NDArray y = te.add(ce)) {
      return forward(x_NCv, y);
    }
  }

  /** The reference's {@code forward_with_cfg(x, t, c, cfg)}. */
  public NDArray forwardWithCfg(NDArray x_NCv, NDArray t_N, NDArray c_NC, double cfg) {
    try (NDArray te = timeEmbed.embed(t_N);
        NDArray ce = embedCondition(c_NC);
        NDArray y = te.add(ce)) {
      return forwardWithCfg(x_NCv, y, cfg);
    }
  }

  /**
   * Guided pass over {@code N = 2M} rows {@code [cond ; uncond]}: the network sees the conditional
   * half of {@code x} twice; ε is mixed as {@code (1 + cfg)·ε_c − cfg·ε_u} and copied to both
   * halves, while each row keeps the variance values of its own pass.
   */
  public NDArray forwardWithCfg(NDArray x_NCv, NDArray y_NW, double cfg) {
    long rows = x_NCv.getShape().get(0);
    if (rows % 2 != 0) {
      throw new IllegalArgumentException("guided diffusion needs an even row count, got " + rows);
    }
    long half = rows / 2;
    int cv = config.tokenChannels();
    try (NDArray xCond = x_NCv.get(new NDIndex("0:{}", half));
        NDArray doubled = xCond.concat(xCond, 0);
        NDArray out = forward(doubled, y_NW);
        NDArray eps = out.get(new NDIndex(":, 0:{}", cv));
        NDArray rest = out.get(new NDIndex(":, {}:", cv));
        NDList halves = eps.split(2, 0);
        NDArray guided = guide(halves.get(0), halves.get(1), cfg);
        NDArray both = guided.concat(guided, 0)) {
      return both.concat(rest, 1);
    }
  }

  private static NDArray guide(NDArray epsCond, NDArray epsUncond, double cfg) {
    try (NDArray boosted = epsCond.mul((float) (1 + cfg));
        NDArray pulled = epsUncond.mul((float) cfg)) {
      return boosted.sub(pulled);
    }
  }
}
