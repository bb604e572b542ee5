package org.hartbatch.ops.testing.nio2blob;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import org.gaul.s3proxy.nio2blob.AbstractNio2BlobStore;

/**
 * S3Proxy's file-system store on an in-memory file system, like its {@code TransientNio2BlobStore},
 * but with blocks of {@value #BLOCK_SIZE} bytes instead of 8 KiB. The worker's benchmark images are
 * a few hundred bytes: with 8 KiB blocks each stored image held 8 KiB of heap in the test JVM,
 * which the garbage collector copied and the benchmarks counted.
 *
 * <p>The package name matters: S3Proxy tells its backends apart by class name and serves
 * conditional writes ({@code If-None-Match: *}) only for classes in a {@code .nio2blob.} package.
 */
public final class SmallBlockInMemoryNio2BlobStore extends AbstractNio2BlobStore {

  public static final int BLOCK_SIZE = 512;

  public SmallBlockInMemoryNio2BlobStore() {
    super(
        Jimfs.newFileSystem(
                Configuration.unix().toBuilder()
                    .setAttributeViews("posix", "user")
                    .setWorkingDirectory("/")
                    .setBlockSize(BLOCK_SIZE)
                    .build())
            .getPath("/"));
  }

  @Override
  public boolean supportsVersioning() {
    return true;
  }

  @Override
  public boolean supportsServerSideEncryption() {
    return true;
  }

  @Override
  public boolean supportsBucketEncryption() {
    return true;
  }
}
