package org.hartbatch.ops.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.hartbatch.ops.LocalStackSettings;

/**
 * Quarkus test resource that starts an in-memory {@link LocalS3} with one bucket and returns the
 * {@code hartbatch.store.*} settings (the keys of the store module's {@code StoreConfig}) that
 * point the image store at it.
 *
 * <p>Init arg {@code bucket}: the bucket to create, default {@code hartbatch-images}.
 */
public final class S3TestResource implements QuarkusTestResourceLifecycleManager {

  private String bucket = LocalStackSettings.defaults().s3Bucket();
  private LocalS3 s3;

  @Override
  public void init(Map<String, String> initArgs) {
    bucket = initArgs.getOrDefault("bucket", bucket);
  }

  @Override
  public Map<String, String> start() {
    s3 = LocalS3.start(bucket);
    return Map.of(
        "hartbatch.store.endpoint", s3.endpoint().toString(),
        "hartbatch.store.region", s3.region(),
        "hartbatch.store.access-key-id", s3.accessKey(),
        "hartbatch.store.secret-access-key", s3.secretKey(),
        "hartbatch.store.path-style", "true",
        "hartbatch.store.bucket", bucket);
  }

  @Override
  public void stop() {
    if (s3 != null) {
      s3.close();
    }
  }
}
