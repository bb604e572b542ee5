package org.hartbatch.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.store.PutResult.Outcome;
import org.hartbatch.store.StoreException.Kind;
import org.junit.jupiter.api.Test;

/** The store while its S3 server goes away and comes back. */
class ImageStoreOutageTest {

  @Test
  void writesRideOutAServerRestart() throws Exception {
    try (LocalS3 s3 = LocalS3.start("images");
        ImageStore store = store(s3, new RetryPolicy(30, ms(50), ms(400)))) {
      byte[] png = ImageStoreTest.image(20);
      s3.stop();
      CompletableFuture<PutResult> put = store.putImage(ImageStoreTest.job("outage"), "rev", png);
      Thread.sleep(1_500); // the server stays down across several attempts
      assertTrue(!put.isDone(), "the write waits for the server instead of failing");
      s3.start();
      PutResult result = put.get(60, TimeUnit.SECONDS);
      assertEquals(Outcome.CREATED, result.outcome());
      assertTrue(result.attempts() > 1, "attempts: " + result.attempts());
      assertArrayEquals(png, store.get(result.key()).get(60, TimeUnit.SECONDS).bytes());
    }
  }

  @Test
  void aServerThatStaysDownGivesARetriableErrorAfterTheBound() throws Exception {
    try (LocalS3 s3 = LocalS3.start("images");
        ImageStore store = store(s3, new RetryPolicy(4, ms(10), ms(40)))) {
      s3.stop();
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  store
                      .putImage(ImageStoreTest.job("down"), "rev", ImageStoreTest.image(21))
                      .get(60, TimeUnit.SECONDS));
      StoreException failure = (StoreException) e.getCause();
      assertEquals(Kind.UNAVAILABLE, failure.kind());
      assertTrue(failure.retriable());
      assertEquals(4, failure.attempts());
      assertTrue(
          failure.getMessage().contains("unavailable after 4 attempt(s)"), failure.getMessage());
    }
  }

  private static ImageStore store(LocalS3 s3, RetryPolicy retry) {
    return ImageStore.create(ImageStoreTest.config(s3).toBuilder().retry(retry).build());
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
