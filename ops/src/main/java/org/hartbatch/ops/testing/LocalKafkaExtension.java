package org.hartbatch.ops.testing;

/**
 * JUnit 5 extension that injects one {@link LocalKafka} per test class into parameters of that type
 * (constructors, {@code @BeforeAll}, {@code @BeforeEach}, test methods).
 *
 * <pre>{@code
 * @ExtendWith(LocalKafkaExtension.class)
 * class MyTest {
 *   @Test
 *   void sends(LocalKafka kafka) { kafka.createTopic("t", 3); ... }
 * }
 * }</pre>
 */
public final class LocalKafkaExtension extends SharedServerExtension<LocalKafka> {

  public LocalKafkaExtension() {
    super(LocalKafka.class, LocalKafka::start);
  }
}
