package org.hartbatch.worker.pipeline;

import java.util.concurrent.Executor;
import org.hartbatch.store.ImageStore;
import org.hartbatch.store.StoreConfig;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;

/** The image store as the worker uses it. */
public final class WorkerStore {

  /**
   * Runs what follows a store call on the S3 client's I/O thread that completed it, instead of
   * handing it to the client's completion pool: per image that is one thread hand-off less, and
   * what the pipeline does there (build the job's event, schedule a retry) is short and never
   * blocks.
   */
  private static final Executor COMPLETE_IN_PLACE = Runnable::run;

  private WorkerStore() {}

  public static ImageStore open(StoreConfig config) {
    return ImageStore.create(
        config,
        client ->
            client.asyncConfiguration(
                async ->
                    async.advancedOption(
                        SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR,
                        COMPLETE_IN_PLACE)));
  }
}
