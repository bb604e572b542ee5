package org.hartbatch.ops.testing;

/**
 * JUnit 5 extension that injects one in-memory {@link LocalS3} per test class into parameters of
 * that type (constructors, {@code @BeforeAll}, {@code @BeforeEach}, test methods). Create buckets
 * with {@link LocalS3#createBucket(String)}.
 */
public final class LocalS3Extension extends SharedServerExtension<LocalS3> {

  public LocalS3Extension() {
    super(LocalS3.class, () -> LocalS3.start(new String[0]));
  }
}
