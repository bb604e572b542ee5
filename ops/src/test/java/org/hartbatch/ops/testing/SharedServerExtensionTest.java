package org.hartbatch.ops.testing;

import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalS3Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedServerExtensionTest {

  private LocalS3 fromBeforeAll;

  @BeforeAll
  void remember(LocalS3 s3) {
    fromBeforeAll = s3;
  }

  @Test
  void testMethodsGetTheBeforeAllInstance(LocalS3 s3) {
    assertSame(fromBeforeAll, s3);
  }

  @Nested
  class Inner {
    @Test
    void nestedClassesShareTheEnclosingInstance(LocalS3 s3) {
      assertSame(fromBeforeAll, s3);
    }
  }
}
