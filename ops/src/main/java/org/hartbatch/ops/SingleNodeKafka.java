package org.hartbatch.ops;

import java.util.Map;

/** Broker settings that make a one-node Kafka behave: used by the test broker and the local one. */
public final class SingleNodeKafka {

  private SingleNodeKafka() {}

  /**
   * Internal topics with one replica (otherwise transactions time out in InitProducerId and
   * consumer groups never form), no rebalance delay, no topic auto-creation (topics are
   * provisioned, as in a deployment), and a short broker session so a restarted broker may register
   * again after seconds instead of nine.
   */
  public static Map<String, String> settings() {
    return Map.ofEntries(
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "3"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("transaction.state.log.num.partitions", "3"),
        Map.entry("share.coordinator.state.topic.replication.factor", "1"),
        Map.entry("share.coordinator.state.topic.min.isr", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        Map.entry("auto.create.topics.enable", "false"),
        Map.entry("broker.session.timeout.ms", "4000"),
        Map.entry("broker.heartbeat.interval.ms", "500"));
  }
}
