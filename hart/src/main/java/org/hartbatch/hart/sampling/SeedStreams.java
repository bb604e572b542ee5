package org.hartbatch.hart.sampling;

import java.util.SplittableRandom;

/**
 * The random streams of one request, all derived from its seed alone, so that a request draws the
 * same numbers whatever batch it is rendered in and at whatever position. Each (purpose, stage)
 * pair has its own independent stream, so the order in which the loop consumes them does not matter
 * either.
 */
public record SeedStreams(long seed) {

  /** What a stream is used for. */
  public enum Purpose {
    TOKENS,
    GUMBEL,
    DIFFUSION
  }

  public SplittableRandom stream(Purpose purpose, int stage) {
    long key = seed;
    key = mix(key + 0x9E3779B97F4A7C15L * (purpose.ordinal() + 1));
    key = mix(key + 0xBF58476D1CE4E5B9L * (stage + 1));
    return new SplittableRandom(key);
  }

  /** A seed for a consumer that makes its own generator (e.g. the diffusion noise). */
  public long derivedSeed(Purpose purpose, int stage) {
    return stream(purpose, stage).nextLong();
  }

  /** Uniforms in (0, 1]: never 0, so a draw never lands before the first positive probability. */
  public static float[] openUniforms(SplittableRandom random, int count) {
    float[] u = new float[count];
    for (int i = 0; i < count; i++) {
      u[i] = (float) (1.0 - random.nextDouble());
    }
    return u;
  }

  /**
   * Standard Gumbel noise {@code -log(-log U)}, i.e. {@code -log E} with {@code E ~ Exp(1)}, for
   * {@code into[from, from + count)}; entries where {@code needed} is false are left as they are
   * (their uniform is still drawn, so the stream and every other value stay the same).
   */
  public static void fillGumbel(
      SplittableRandom random, float[] into, boolean[] needed, int from, int count) {
    for (int i = from; i < from + count; i++) {
      double u = 1.0 - random.nextDouble();
      if (needed[i]) {
        into[i] = (float) -Math.log(-Math.log(u) + Double.MIN_NORMAL);
      }
    }
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
