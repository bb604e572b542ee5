package org.hartbatch.ops.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.hartbatch.ops.LocalS3Clients;
import org.hartbatch.ops.LocalStackSettings;
import org.hartbatch.ops.testing.nio2blob.SmallBlockInMemoryNio2BlobStore;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * A real S3 API (S3Proxy) running inside this JVM on a loopback port, with path-style addressing
 * and the static local credentials of {@link LocalStackSettings}.
 *
 * <p>{@link #stop()} and {@link #start()} take the server down and bring it back on the same port
 * with the same objects, to test how clients ride out an S3 outage.
 */
public final class LocalS3 implements AutoCloseable {

  private static final LocalStackSettings LOCAL = LocalStackSettings.defaults();
  // No graceful drain: an outage test wants the port closed at once, like a crashed server.
  private static final long STOP_TIMEOUT_MS = 0;

  private final BlobStore blobStore;
  private final AtomicInteger failingWrites = new AtomicInteger();
  private volatile int failingStatus;
  private final String description;
  private int port;
  private S3Proxy server;
  private S3Client client;
  private S3AsyncClient asyncClient;

  private LocalS3(BlobStore blobStore, String description, int port) {
    this.blobStore =
        new ForwardingBlobStore(blobStore) {
          @Override
          public PutObjectResponse putBlob(PutObjectRequest request, InputStream payload) {
            if (failingWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
              throw S3Exceptions.fromStatusCode(failingStatus);
            }
            return super.putBlob(request, payload);
          }
        };
    this.description = description;
    this.port = port;
  }

  /**
   * Starts an in-memory server on a random port with the given buckets. Without buckets write
   * {@code LocalS3.start(new String[0])}: Java reads {@code LocalS3.start()} as the instance
   * method.
   */
  public static LocalS3 start(String... buckets) {
    return launch(new SmallBlockInMemoryNio2BlobStore(), "in-memory", 0, buckets);
  }

  /**
   * Starts a server on a random port that keeps buckets as directories under {@code dataDir}
   * (object metadata in user extended attributes), creating the given buckets.
   */
  public static LocalS3 start(Path dataDir, String... buckets) {
    return startOnPort(0, dataDir, buckets);
  }

  /** Like {@link #start(Path, String...)} on a fixed port; 0 picks a free one. */
  public static LocalS3 startOnPort(int port, Path dataDir, String... buckets) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create S3 data directory " + dataDir, e);
    }
    BlobStore store = new FilesystemNio2BlobStore(dataDir.toAbsolutePath().toString());
    return launch(store, dataDir.toString(), port, buckets);
  }

  private static LocalS3 launch(BlobStore store, String description, int port, String[] buckets) {
    LocalS3 s3 = new LocalS3(store, description, port);
    s3.start();
    try {
      for (String bucket : buckets) {
        s3.createBucket(bucket);
      }
    } catch (RuntimeException e) {
      s3.close();
      throw e;
    }
    return s3;
  }

  /**
   * Starts the server again after {@link #stop()}, on the same port and with the same objects. Does
   * nothing when it is running.
   */
  public synchronized void start() {
    if (server != null) {
      return;
    }
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://" + LocalStackSettings.HOST + ":" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey(), secretKey())
            .ignoreUnknownHeaders(true)
            .stopTimeout(STOP_TIMEOUT_MS)
            .build();
    try {
      proxy.start();
    } catch (Exception e) {
      throw new IllegalStateException(
          "local S3 (" + description + ") failed to start on port " + port, e);
    }
    if (!"STARTED".equals(proxy.getState())) {
      throw new IllegalStateException("local S3 is " + proxy.getState() + " after start");
    }
    port = proxy.getPort();
    server = proxy;
  }

  /** Stops the server; the port refuses connections until {@link #start()}. Objects are kept. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("local S3 did not stop cleanly", e);
    } finally {
      server = null;
    }
  }

  /**
   * Answers the next {@code count} object writes with HTTP {@code status} (e.g. 503) instead of
   * storing them, as a struggling S3 does.
   */
  public void failNextWrites(int count, int status) {
    failingStatus = status;
    failingWrites.set(count);
  }

  public URI endpoint() {
    return URI.create("http://" + LocalStackSettings.HOST + ":" + port);
  }

  public String accessKey() {
    return LOCAL.s3AccessKey();
  }

  public String secretKey() {
    return LOCAL.s3SecretKey();
  }

  public String region() {
    return LOCAL.s3Region();
  }

  /**
   * A synchronous client for this server (path-style, static credentials). It belongs to this
   * instance and is closed with it: do not close it yourself.
   */
  public synchronized S3Client client() {
    if (client == null) {
      client = LocalS3Clients.configure(S3Client.builder(), endpoint(), LOCAL).build();
    }
    return client;
  }

  /**
   * An asynchronous client for this server with automatic multipart uploads. It belongs to this
   * instance and is closed with it: do not close it yourself.
   */
  public synchronized S3AsyncClient asyncClient() {
    if (asyncClient == null) {
      asyncClient =
          LocalS3Clients.configure(S3AsyncClient.builder(), endpoint(), LOCAL)
              .multipartEnabled(true)
              .build();
    }
    return asyncClient;
  }

  /** Creates the bucket unless it exists. */
  public void createBucket(String bucket) {
    try {
      client().createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException alreadyThere) {
      // the bucket is there, which is all the caller asked for
    }
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
    if (asyncClient != null) {
      asyncClient.close();
      asyncClient = null;
    }
    stop();
  }
}
