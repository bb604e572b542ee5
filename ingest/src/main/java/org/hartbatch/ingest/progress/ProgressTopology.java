package org.hartbatch.ingest.progress;

import io.quarkus.kafka.client.serialization.ObjectMapperSerde;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.hartbatch.protocol.ProtocolJson;
import org.hartbatch.protocol.events.CatalogSubmitted;
import org.hartbatch.protocol.events.EventSerde;
import org.hartbatch.protocol.events.HartbatchEvent;
import org.hartbatch.protocol.topics.Topics;

/**
 * Progress tracking: catalog manifests and job outcomes, both keyed by catalog id, feed one
 * processor that keeps per-catalog counters and per-job results and emits {@code
 * catalog.completed}. The catalogs topic is re-partitioned to the events topic's partition count so
 * that one task sees everything of a catalog.
 */
@ApplicationScoped
public class ProgressTopology {

  public static final String CATALOG_STORE = "catalog-progress";
  public static final String JOB_STORE = "job-results";

  /** Job results are keyed {@code <catalog id>/<job id>}: a catalog's results are one range. */
  static String jobKey(String catalogId, String jobId) {
    return catalogId + '/' + jobId;
  }

  /** First key after every job key of {@code catalogId} ({@code '0'} follows {@code '/'}). */
  static String jobKeysEnd(String catalogId) {
    return catalogId + '0';
  }

  @Produces
  public Topology topology(Topics topics) {
    Serde<HartbatchEvent> events = new EventSerde();
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CATALOG_STORE),
            Serdes.String(),
            json(CatalogProgress.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(JOB_STORE), Serdes.String(), json(JobResult.class)));

    KStream<String, HartbatchEvent> outcomes =
        builder.stream(topics.events().name(), Consumed.with(Serdes.String(), events));
    KStream<String, HartbatchEvent> submissions =
        builder.stream(topics.catalogs().name(), Consumed.with(Serdes.String(), events))
            .filter((catalogId, event) -> event instanceof CatalogSubmitted)
            .mapValues(event -> (CatalogSubmitted) event)
            .repartition(
                Repartitioned.with(Serdes.String(), json(CatalogSubmitted.class))
                    .withName("catalog-submissions")
                    .withNumberOfPartitions(topics.events().partitions()))
            .mapValues(submitted -> (HartbatchEvent) submitted);

    outcomes
        .merge(submissions)
        .process(ProgressProcessor::new, CATALOG_STORE, JOB_STORE)
        .to(topics.events().name(), Produced.with(Serdes.String(), events));
    return builder.build();
  }

  private static <T> Serde<T> json(Class<T> type) {
    return new ObjectMapperSerde<>(type, ProtocolJson.mapper());
  }
}
