package org.hartbatch.ingest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.ws.rs.core.Response;
import org.hartbatch.ingest.enqueue.EnqueueFailedException;
import org.junit.jupiter.api.Test;

class ErrorMappersTest {

  @Test
  void enqueueFailureIsA503ThatSaysRetryingIsSafe() {
    Response response =
        new ErrorMappers()
            .enqueueFailed(new EnqueueFailedException("2 of 2 jobs could not be written", null));
    assertEquals(503, response.getStatus());
    assertEquals(
        Integer.toString(ErrorMappers.RETRY_AFTER_SECONDS),
        response.getHeaderString("Retry-After"));
    ApiError error = (ApiError) response.getEntity();
    assertEquals("enqueue-failed", error.error());
    assertEquals(
        "2 of 2 jobs could not be written; submitting the same catalog id again is safe",
        error.message());
  }
}
