package org.hartbatch.ingest.cli;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * Downloads result images from S3 into a directory, named after the last segment of their key.
 * Credentials come from the AWS default chain (e.g. {@code AWS_ACCESS_KEY_ID}).
 */
final class ImageDownloader implements AutoCloseable {

  private final Path directory;
  private final S3Client s3;

  ImageDownloader(Path directory, URI endpoint, String region) throws java.io.IOException {
    this.directory = Files.createDirectories(directory);
    // named, not discovered: with several HTTP clients on the class path the SDK refuses to pick
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(region))
            .httpClientBuilder(UrlConnectionHttpClient.builder());
    if (endpoint != null) {
      builder.endpointOverride(endpoint).forcePathStyle(true);
    }
    this.s3 = builder.build();
  }

  /** Downloads one image unless a file of that name exists; reports a failure and returns false. */
  boolean fetch(String bucket, String key, PrintStream err) {
    Path target = directory.resolve(key.substring(key.lastIndexOf('/') + 1));
    if (Files.exists(target)) {
      return true;
    }
    Path partial = target.resolveSibling(target.getFileName() + ".part");
    try {
      Files.deleteIfExists(partial);
      s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build(), partial);
      Files.move(partial, target);
      return true;
    } catch (SdkException | java.io.IOException e) {
      err.println("hartbatch: cannot download s3://" + bucket + "/" + key + ": " + e.getMessage());
      return false;
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}
