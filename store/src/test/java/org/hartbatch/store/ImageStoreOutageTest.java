package org.hartbatch.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.store.PutResult.Outcome;
import org.hartbatch.store.StoreConfig.PutClient;
import org.hartbatch.store.StoreException.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The store while its S3 server goes away, fails or hangs, with either way of writing. */
class ImageStoreOutageTest {

  @ParameterizedTest
  @EnumSource(PutClient.class)
  void writesRideOutAServerRestart(PutClient client) throws Exception {
    try (LocalS3 s3 = LocalS3.start("images");
        ImageStore store = store(s3, client, new RetryPolicy(30, ms(50), ms(400)))) {
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

  @ParameterizedTest
  @EnumSource(PutClient.class)
  void aServerThatStaysDownGivesARetriableErrorAfterTheBound(PutClient client) throws Exception {
    try (LocalS3 s3 = LocalS3.start("images");
        ImageStore store = store(s3, client, new RetryPolicy(4, ms(10), ms(40)))) {
      s3.stop();
      StoreException failure =
          failure(store.putImage(ImageStoreTest.job("down"), "rev", ImageStoreTest.image(21)));
      assertEquals(Kind.UNAVAILABLE, failure.kind());
      assertTrue(failure.retriable());
      assertEquals(4, failure.attempts());
      assertTrue(
          failure.getMessage().contains("unavailable after 4 attempt(s)"), failure.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(PutClient.class)
  void serverErrorsAreRetriedUntilTheWriteIsStored(PutClient client) throws Exception {
    try (LocalS3 s3 = LocalS3.start("images");
        ImageStore store = store(s3, client, new RetryPolicy(5, ms(10), ms(40)))) {
      byte[] png = ImageStoreTest.image(22);
      s3.failNextWrites(2, 503);
      PutResult result =
          store.putImage(ImageStoreTest.job("flaky"), "rev", png).get(60, TimeUnit.SECONDS);
      assertEquals(Outcome.CREATED, result.outcome());
      assertEquals(3, result.attempts());
      assertArrayEquals(png, store.get(result.key()).get(60, TimeUnit.SECONDS).bytes());
    }
  }

  @ParameterizedTest
  @EnumSource(PutClient.class)
  void serverErrorsBeyondTheBoundAreARetriableError(PutClient client) throws Exception {
    try (LocalS3 s3 = LocalS3.start("images");
        ImageStore store = store(s3, client, new RetryPolicy(3, ms(10), ms(40)))) {
      s3.failNextWrites(100, 503);
      StoreException failure =
          failure(store.putImage(ImageStoreTest.job("failing"), "rev", ImageStoreTest.image(23)));
      assertEquals(Kind.UNAVAILABLE, failure.kind());
      assertTrue(failure.retriable());
      assertEquals(3, failure.attempts());
      assertTrue(failure.getMessage().contains("HTTP 503"), failure.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(PutClient.class)
  void aServerThatNeverAnswersTimesOutEachAttempt(PutClient client) throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LocalS3 s3 = LocalS3.start("images")) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                while (true) {
                  try {
                    accepted.add(silent.accept()); // reads nothing, answers nothing
                  } catch (java.io.IOException closed) {
                    return;
                  }
                }
              });
      acceptor.start();
      StoreConfig config =
          ImageStoreTest.config(s3).toBuilder()
              .endpoint(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
              .putClient(client)
              .retry(new RetryPolicy(2, ms(10), ms(20)))
              .attemptTimeout(ms(300))
              .build();
      try (ImageStore store = ImageStore.create(config)) {
        StoreException failure =
            failure(store.putImage(ImageStoreTest.job("hang"), "rev", ImageStoreTest.image(24)));
        assertEquals(Kind.UNAVAILABLE, failure.kind());
        assertEquals(2, failure.attempts());
      } finally {
        silent.close();
        acceptor.join();
        for (Socket socket : accepted) {
          socket.close();
        }
      }
    }
  }

  private static StoreException failure(CompletableFuture<?> future) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> future.get(60, TimeUnit.SECONDS));
    return (StoreException) e.getCause();
  }

  private static ImageStore store(LocalS3 s3, PutClient client, RetryPolicy retry) {
    return ImageStore.create(
        ImageStoreTest.config(s3).toBuilder().putClient(client).retry(retry).build());
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
