package org.hartbatch.store;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.hartbatch.store.StoreException.Kind;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Tells transient store failures from permanent ones and names them for people. */
final class Failures {

  /** Error codes S3 uses for throttling and momentary trouble, whatever the status. */
  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          "SlowDown",
          "Throttling",
          "ThrottlingException",
          "RequestTimeout",
          "InternalError",
          "ServiceUnavailable",
          "ConditionalRequestConflict");

  private Failures() {}

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static int status(Throwable error) {
    return error instanceof AwsServiceException service ? service.statusCode() : -1;
  }

  static boolean isTransient(Throwable error) {
    if (error instanceof AwsServiceException service) {
      int status = service.statusCode();
      String code =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      return status >= 500
          || status == 429
          || status == 408
          || status == 409 && "ConditionalRequestConflict".equals(code)
          || code != null && TRANSIENT_CODES.contains(code);
    }
    if (error instanceof ApiCallAttemptTimeoutException
        || error instanceof ApiCallTimeoutException
        || error instanceof TimeoutException) {
      return true;
    }
    if (error instanceof SdkClientException client) {
      // Refused or reset connections surface as IOExceptions, a pool that cannot connect in time
      // as a TimeoutException.
      return client.retryable()
          || hasCause(client, IOException.class)
          || hasCause(client, TimeoutException.class);
    }
    return error instanceof IOException;
  }

  /** The exception to report for {@code error} after {@code attempts} attempts. */
  static StoreException toStoreException(
      String operation, String endpoint, String bucket, String key, Throwable error, int attempts) {
    if (error instanceof StoreException known) {
      return known;
    }
    String where = "bucket '" + bucket + "'" + (key == null ? "" : ", key '" + key + "'");
    if (isTransient(error)) {
      return new StoreException(
          Kind.UNAVAILABLE,
          bucket,
          key,
          attempts,
          operation
              + " failed on "
              + where
              + ": the store at "
              + endpoint
              + " is unavailable after "
              + attempts
              + " attempt(s): "
              + describe(error),
          error);
    }
    int status = status(error);
    String code = errorCode(error);
    Kind kind;
    String reason;
    if ("NoSuchBucket".equals(code)) {
      kind = Kind.NO_SUCH_BUCKET;
      reason = "the bucket '" + bucket + "' does not exist at " + endpoint;
    } else if (status == 403 || status == 401) {
      kind = Kind.ACCESS_DENIED;
      reason =
          "access denied: check the credentials and their permissions on bucket '" + bucket + "'";
    } else if ("NoSuchKey".equals(code) || status == 404) {
      kind = Kind.NOT_FOUND;
      reason = "no such object";
    } else {
      kind = Kind.REJECTED;
      reason = "the store refused the request";
    }
    return new StoreException(
        kind,
        bucket,
        key,
        attempts,
        operation + " failed on " + where + ": " + reason + " (" + describe(error) + ")",
        error);
  }

  private static String errorCode(Throwable error) {
    return error instanceof AwsServiceException service && service.awsErrorDetails() != null
        ? service.awsErrorDetails().errorCode()
        : null;
  }

  private static String describe(Throwable error) {
    if (error instanceof AwsServiceException service) {
      String code = errorCode(error);
      String message =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorMessage();
      return "HTTP "
          + service.statusCode()
          + (code == null ? "" : " " + code)
          + (message == null ? "" : ": " + message);
    }
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return error.getClass().getSimpleName()
        + ": "
        + error.getMessage()
        + (root == error ? "" : " (caused by " + root + ")");
  }

  private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
