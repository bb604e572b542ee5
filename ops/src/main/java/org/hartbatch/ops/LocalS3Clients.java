package org.hartbatch.ops;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3BaseClientBuilder;

/** AWS SDK v2 client configuration for the local S3 server (S3Proxy). */
public final class LocalS3Clients {

  private LocalS3Clients() {}

  /**
   * Path-style addressing, the local static credentials and region, and checksums only where the S3
   * API requires them: S3Proxy neither stores nor returns checksums, so computing them on every
   * request buys nothing (it does accept the SDK defaults too).
   */
  public static <B extends S3BaseClientBuilder<B, ?>> B configure(
      B builder, URI endpoint, LocalStackSettings settings) {
    return builder
        .endpointOverride(endpoint)
        .region(Region.of(settings.s3Region()))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(settings.s3AccessKey(), settings.s3SecretKey())))
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
  }
}
