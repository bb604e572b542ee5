package org.hartbatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.hartbatch.protocol.events.ErrorCode;
import org.hartbatch.store.StoreException.Kind;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class FailuresTest {

  private static S3Exception s3(int status, String code) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage("from S3").build())
            .build();
  }

  private static StoreException report(Throwable error) {
    return Failures.toStoreException("put", "http://127.0.0.1:9", "images", "c/j.png", error, 3);
  }

  @Test
  void serverErrorsThrottlingAndConnectionTroubleAreTransient() {
    assertTrue(Failures.isTransient(s3(500, "InternalError")));
    assertTrue(Failures.isTransient(s3(503, "SlowDown")));
    assertTrue(Failures.isTransient(s3(429, null)));
    assertTrue(Failures.isTransient(s3(400, "RequestTimeout")));
    assertTrue(Failures.isTransient(s3(409, "ConditionalRequestConflict")));
    assertTrue(
        Failures.isTransient(
            SdkClientException.create("Unable to execute HTTP request", new ConnectException())));
    assertTrue(Failures.isTransient(ApiCallAttemptTimeoutException.create(1_000)));
    assertTrue(
        Failures.isTransient(
            SdkClientException.create(
                "Acquire operation took longer than the configured maximum time",
                new TimeoutException())));
  }

  @Test
  void clientMistakesArePermanent() {
    assertFalse(Failures.isTransient(s3(403, "InvalidAccessKeyId")));
    assertFalse(Failures.isTransient(s3(403, "SignatureDoesNotMatch")));
    assertFalse(Failures.isTransient(s3(404, "NoSuchBucket")));
    assertFalse(Failures.isTransient(s3(400, "InvalidArgument")));
    assertFalse(Failures.isTransient(s3(409, "BucketAlreadyExists")));
    assertFalse(Failures.isTransient(new IllegalArgumentException()));
  }

  @Test
  void reportsNameKindBucketKeyAndCause() {
    StoreException unavailable = report(s3(503, "SlowDown"));
    assertEquals(Kind.UNAVAILABLE, unavailable.kind());
    assertTrue(unavailable.retriable());
    assertEquals(3, unavailable.attempts());
    assertEquals(
        "put failed on bucket 'images', key 'c/j.png': the store at http://127.0.0.1:9 is"
            + " unavailable after 3 attempt(s): HTTP 503 SlowDown: from S3",
        unavailable.getMessage());

    StoreException denied = report(s3(403, "InvalidAccessKeyId"));
    assertEquals(Kind.ACCESS_DENIED, denied.kind());
    assertFalse(denied.retriable());
    assertTrue(denied.getMessage().contains("check the credentials"), denied.getMessage());

    StoreException noBucket = report(s3(404, "NoSuchBucket"));
    assertEquals(Kind.NO_SUCH_BUCKET, noBucket.kind());
    assertTrue(
        noBucket.getMessage().contains("the bucket 'images' does not exist"),
        noBucket.getMessage());

    assertEquals(Kind.NOT_FOUND, report(s3(404, "NoSuchKey")).kind());
    assertEquals(Kind.REJECTED, report(s3(400, "InvalidArgument")).kind());
  }

  @Test
  void alreadyClassifiedFailuresPassThroughAndWrappersAreRemoved() {
    StoreException conflict = new StoreException(Kind.CONFLICT, "b", "k", 1, "conflict", null);
    assertSame(conflict, report(conflict));
    assertSame(conflict, Failures.unwrap(new CompletionException(conflict)));
  }

  @Test
  void failuresMapToTheErrorCodesOfJobFailedEvents() {
    assertEquals(ErrorCode.STORE_UNAVAILABLE, report(s3(503, "SlowDown")).errorCode());
    assertEquals(ErrorCode.STORE_REJECTED, report(s3(403, "AccessDenied")).errorCode());
    assertEquals(ErrorCode.STORE_REJECTED, report(s3(404, "NoSuchBucket")).errorCode());
    assertEquals(
        ErrorCode.STORE_CONFLICT,
        new StoreException(Kind.CONFLICT, "b", "k", 1, "conflict", null).errorCode());
  }
}
