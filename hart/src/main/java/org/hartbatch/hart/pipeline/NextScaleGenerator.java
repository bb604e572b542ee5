package org.hartbatch.hart.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hartbatch.hart.diffusion.DiffusionSampler;
import org.hartbatch.hart.diffusion.NoiseSource;
import org.hartbatch.hart.diffusion.SeededNoise;
import org.hartbatch.hart.runtime.Scoped;
import org.hartbatch.hart.sampling.RowSampling;
import org.hartbatch.hart.sampling.SampledTokens;
import org.hartbatch.hart.sampling.SeedStreams;
import org.hartbatch.hart.sampling.StageSchedule;
import org.hartbatch.hart.sampling.TokenSampler;
import org.hartbatch.hart.transformer.GuidedContext;
import org.hartbatch.hart.transformer.HartTransformer;
import org.hartbatch.hart.vae.HartVae;
import org.hartbatch.hart.vae.MultiScaleLatent;

/**
 * HART's {@code autoregressive_infer_cfg} for a batch of B requests (2B guided rows): stage by
 * stage, the transformer's logits are guided per row, tokens are drawn by the sampling policy, the
 * latent accumulates their contribution and its downsampled view becomes the next stage's input;
 * the last stage adds the residual diffusion conditioned on the last hidden state and the hard
 * tokens. Every per-request parameter (guidance, top-k/top-p, smoothing, seed) applies to its row.
 */
public final class NextScaleGenerator {
  private final HartTransformer transformer;
  private final DiffusionSampler diffusion;
  private final HartVae vae;

  /**
   * @param diffusion the residual diffusion of the last stage, or null to decode the last stage's
   *     tokens without a residual (an ablation: what the discrete tokens alone draw)
   */
  public NextScaleGenerator(HartTransformer transformer, DiffusionSampler diffusion, HartVae vae) {
    this.transformer = transformer;
    this.diffusion = diffusion;
    this.vae = vae;
  }

  /**
   * Runs every stage and returns the accumulated latent {@code [B, Cv, P, P]} in {@code manager}.
   *
   * @param noise the diffusion noise for the whole batch, or null for each row's own seeded stream
   */
  public NDArray generate(
      GuidedContext context,
      List<RowSampling> rows,
      TokenSampler sampler,
      NoiseSource noise,
      GenerationObserver observer,
      NDManager manager) {
    int batch = context.batch();
    if (rows.size() != batch) {
      throw new IllegalArgumentException(
          rows.size() + " sampling rows for a batch of " + batch + " contexts");
    }
    int stages = transformer.config().stages();
    int[] patchNums = transformer.config().patchSides();
    try (MultiScaleLatent latent = new MultiScaleLatent(vae, patchNums, batch, manager)) {
      HartTransformer.Session session = transformer.newSession(context, manager);
      NDArray x = transformer.contextInput(context);
      for (int s = 0; s < stages; s++) {
        int stage = s;
        NDArray input = x;
        x =
            Scoped.result(
                () ->
                    stage(stage, input, session, context, latent, rows, sampler, noise, observer));
      }
      return latent.fHat().duplicate();
    }
  }

  /** Runs one stage; returns the next stage's input, or null after the last stage. */
  private NDArray stage(
      int s,
      NDArray x,
      HartTransformer.Session session,
      GuidedContext context,
      MultiScaleLatent latent,
      List<RowSampling> rows,
      TokenSampler sampler,
      NoiseSource noise,
      GenerationObserver observer) {
    long start = System.nanoTime();
    StageSchedule schedule = new StageSchedule(s, transformer.config().stages());
    NDArray hidden = session.run(s, x);
    NDArray head = s == 0 ? hidden.get(new NDIndex(":, -1:, :")) : hidden;
    NDArray logits = transformer.logits(head, context);
    long samplingStart = System.nanoTime();
    NDArray guided = guide(logits, rows, schedule);
    SampledTokens sampled = sampler.sample(guided, vae.quantizer().codebook(), schedule, rows);
    NDArray idx_Bn = sampled.indices_Bn();
    NDArray tokens_BnCv = sampled.embeddings_BnCv();
    observer.onTiming("sampling", System.nanoTime() - samplingStart);
    NDArray next = null;
    if (!schedule.isLast()) {
      next = latent.addStage(s, tokens_BnCv);
      observer.onTiming("stage " + s, System.nanoTime() - start);
    } else {
      observer.onTiming("stage " + s, System.nanoTime() - start);
      if (diffusion == null) {
        latent.addLastStage(tokens_BnCv);
      } else {
        long diffusionStart = System.nanoTime();
        NDArray residual = residual(hidden, latent.lookup(idx_Bn), rows, schedule, noise, observer);
        latent.addLastStage(tokens_BnCv.add(residual));
        observer.onTiming("diffusion", System.nanoTime() - diffusionStart);
      }
    }
    observer.onStage(s, x, hidden, logits, guided, idx_Bn, latent.fHat(), next);
    return next == null ? null : transformer.scaleInput(s + 1, MultiScaleLatent.mapToTokens(next));
  }

  /** {@code (1+t) cond - t uncond} with each row's own {@code t = cfg * ratio}. */
  private static NDArray guide(NDArray logits_GnV, List<RowSampling> rows, StageSchedule stage) {
    int batch = rows.size();
    float[] keep = new float[batch];
    float[] subtract = new float[batch];
    for (int b = 0; b < batch; b++) {
      double t = stage.guidance(rows.get(b).params().cfg());
      keep[b] = (float) (1 + t);
      subtract[b] = (float) t;
    }
    NDManager m = logits_GnV.getManager();
    NDArray cond = logits_GnV.get(new NDIndex("{}:{}", 0, batch));
    NDArray uncond = logits_GnV.get(new NDIndex("{}:", batch));
    return cond.mul(m.create(keep, new Shape(batch, 1, 1)))
        .sub(uncond.mul(m.create(subtract, new Shape(batch, 1, 1))));
  }

  /**
   * The residual of the last stage {@code [B, n, Cv]}. Rows are grouped by guidance scale, since
   * the sampler mixes both halves with one scale; each group is its own guided batch.
   */
  private NDArray residual(
      NDArray hidden_GnC,
      NDArray hardTokens_BnCv,
      List<RowSampling> rows,
      StageSchedule stage,
      NoiseSource noise,
      GenerationObserver observer) {
    int batch = rows.size();
    long n = hidden_GnC.getShape().get(1);
    long c = hidden_GnC.getShape().get(2);
    NDArray condition_GnC = transformer.diffusionCondition(hidden_GnC, hardTokens_BnCv);
    Map<Double, List<Integer>> groups = new LinkedHashMap<>();
    for (int b = 0; b < batch; b++) {
      groups
          .computeIfAbsent(stage.guidance(rows.get(b).params().cfg()), k -> new ArrayList<>())
          .add(b);
    }
    if (noise != null && groups.size() > 1) {
      throw new IllegalArgumentException(
          "recorded diffusion noise needs one guidance scale per batch");
    }
    NDArray[] perRow = new NDArray[batch];
    for (Map.Entry<Double, List<Integer>> group : groups.entrySet()) {
      List<Integer> members = group.getValue();
      NDArray z_NC = groupCondition(condition_GnC, members, batch).reshape(-1, c);
      NoiseSource groupNoise = noise != null ? noise : seededNoise(rows, members, n);
      NDArray sampled = diffusion.sample(z_NC, group.getKey(), groupNoise);
      if (groups.size() == 1) {
        observer.onResidual(z_NC, sampled);
      }
      NDArray kept = sampled.get(new NDIndex(":{}", members.size() * n));
      NDArray kept_BnCv = kept.reshape(members.size(), n, -1);
      for (int i = 0; i < members.size(); i++) {
        perRow[members.get(i)] = kept_BnCv.get(i);
      }
    }
    return NDArrays.stack(new NDList(perRow));
  }

  /** {@code [cond rows of members ; uncond rows of members]} of the guided condition. */
  private static NDArray groupCondition(NDArray condition_GnC, List<Integer> members, int batch) {
    if (members.size() == batch) {
      return condition_GnC;
    }
    NDList parts = new NDList();
    for (int half = 0; half < 2; half++) {
      for (int b : members) {
        parts.add(condition_GnC.get(new NDIndex("{}:{}", half * batch + b, half * batch + b + 1)));
      }
    }
    return NDArrays.concat(parts);
  }

  private static NoiseSource seededNoise(List<RowSampling> rows, List<Integer> members, long n) {
    long[] seeds = new long[members.size()];
    for (int i = 0; i < seeds.length; i++) {
      seeds[i] = rows.get(members.get(i)).streams().derivedSeed(SeedStreams.Purpose.DIFFUSION, 0);
    }
    return new SeededNoise(seeds, n);
  }
}
