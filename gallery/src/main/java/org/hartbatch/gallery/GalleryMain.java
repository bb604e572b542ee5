package org.hartbatch.gallery;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.hartbatch.protocol.topics.Topics;
import org.hartbatch.store.ImageStore;
import org.hartbatch.store.StoreConfig;

/**
 * Runs the {@link GalleryWriter} until the process is stopped. Configuration: system properties or
 * environment variables ({@code hartbatch.store.endpoint} or {@code HARTBATCH_STORE_ENDPOINT}):
 * {@code kafka.bootstrap.servers}, {@code hartbatch.topics.*}, {@code hartbatch.store.*} and {@code
 * hartbatch.gallery.max-entries} (thumbnails per page, default 1000).
 */
public final class GalleryMain {

  private GalleryMain() {}

  public static void main(String[] args) throws InterruptedException {
    Function<String, Optional<String>> config = GalleryMain::setting;
    String maxEntries = config.apply("hartbatch.gallery.max-entries").orElse("1000");
    GalleryWriter writer;
    ImageStore store = ImageStore.create(StoreConfig.from(config));
    try {
      writer =
          new GalleryWriter(
              config.apply("kafka.bootstrap.servers").orElse("localhost:9092"),
              Topics.from(config),
              store,
              parseCount("hartbatch.gallery.max-entries", maxEntries));
    } catch (IllegalArgumentException e) {
      store.close();
      System.err.println("gallery: " + e.getMessage());
      System.exit(2);
      return;
    }
    Thread loop = new Thread(writer, "hartbatch-gallery");
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    writer.close();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  store.close();
                }));
    loop.start();
    loop.join();
  }

  private static int parseCount(String key, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'");
    }
  }

  /** A system property, else the environment variable of the same name in upper snake case. */
  static Optional<String> setting(String key) {
    String property = System.getProperty(key);
    if (property != null) {
      return Optional.of(property);
    }
    String env = key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    return Optional.ofNullable(System.getenv(env));
  }
}
