package org.hartbatch.ingest.progress;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads the progress stores. Each catalog lives on the instance that owns its partition; {@link
 * #ownerOf} tells whether that is this instance, and which other one it is otherwise, so that
 * callers can forward the request there.
 */
@ApplicationScoped
public class ProgressQueries {

  /** Where a catalog's progress can be read. */
  public sealed interface Owner {}

  /** This instance holds the catalog. */
  public record Local() implements Owner {}

  /** Another instance, reachable at {@code host:port}, holds it. */
  public record Remote(String host, int port) implements Owner {}

  /** Nobody can serve it right now (start-up or rebalance). */
  public record Unavailable(String reason) implements Owner {}

  /** A page of job results, and the cursor of the next page ({@code null} after the last). */
  public record ResultPage(List<JobResult> items, String next) {}

  private final KafkaStreams streams;

  /** {@code host:port} other instances reach this one at; empty for a single instance. */
  private final Optional<String> applicationServer;

  @Inject
  public ProgressQueries(
      KafkaStreams streams,
      @ConfigProperty(name = "quarkus.kafka-streams.application-server")
          Optional<String> applicationServer) {
    this.streams = streams;
    this.applicationServer = applicationServer;
  }

  public Owner ownerOf(String catalogId) {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
      return new Unavailable("progress tracking is " + state.name().toLowerCase());
    }
    if (applicationServer.isEmpty()) {
      return new Local();
    }
    KeyQueryMetadata metadata;
    try {
      metadata =
          streams.queryMetadataForKey(
              ProgressTopology.CATALOG_STORE, catalogId, Serdes.String().serializer());
    } catch (InvalidStateStoreException e) {
      return new Unavailable("progress tracking is not running: " + e.getMessage());
    }
    if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      return new Unavailable("the owner of catalog " + catalogId + " is not known yet");
    }
    HostInfo owner = metadata.activeHost();
    HostInfo self = HostInfo.buildFromEndpoint(applicationServer.get());
    return owner.equals(self) ? new Local() : new Remote(owner.host(), owner.port());
  }

  /** The catalog's progress on this instance, empty when it has none. */
  public Optional<CatalogProgress> catalog(String catalogId) {
    return read(
        ProgressTopology.CATALOG_STORE,
        store -> Optional.ofNullable(store.get(catalogId)).map(CatalogProgress.class::cast));
  }

  /** Up to {@code limit} results of the catalog, in job id order, after job id {@code after}. */
  public ResultPage results(String catalogId, String after, int limit) {
    return read(ProgressTopology.JOB_STORE, store -> results(store, catalogId, after, limit));
  }

  private static ResultPage results(
      ReadOnlyKeyValueStore<String, Object> store, String catalogId, String after, int limit) {
    String from =
        after == null
            ? ProgressTopology.jobKey(catalogId, "")
            : ProgressTopology.jobKey(catalogId, after) + '\0';
    List<JobResult> items = new ArrayList<>();
    String next = null;
    try (KeyValueIterator<String, Object> it =
        store.range(from, ProgressTopology.jobKeysEnd(catalogId))) {
      while (it.hasNext()) {
        KeyValue<String, Object> entry = it.next();
        if (items.size() == limit) {
          next = items.get(limit - 1).jobId();
          break;
        }
        items.add((JobResult) entry.value);
      }
    }
    return new ResultPage(items, next);
  }

  /**
   * Runs {@code query} on a store. While Streams starts or rebalances, the store handle and each
   * read on it may throw {@link InvalidStateStoreException}; callers get it as "retry shortly".
   */
  private <T> T read(String name, Function<ReadOnlyKeyValueStore<String, Object>, T> query) {
    try {
      return query.apply(
          streams.store(
              StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore())));
    } catch (InvalidStateStoreException e) {
      throw new ProgressUnavailableException(
          "progress store " + name + " cannot be read now: " + e.getMessage(), e);
    }
  }
}
