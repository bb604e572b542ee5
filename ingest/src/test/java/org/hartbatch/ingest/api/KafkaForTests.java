package org.hartbatch.ingest.api;

import io.quarkus.test.common.QuarkusTestResource;
import org.hartbatch.ops.testing.KafkaTestResource;

/** One real broker for every {@code @QuarkusTest} of this module: they share one application. */
@QuarkusTestResource(KafkaTestResource.class)
final class KafkaForTests {
  private KafkaForTests() {}
}
