package io.meridian.coordinator.rebalance;

import io.meridian.coordinator.placement.Topology;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.NodeView;
import io.meridian.coordinator.view.ObservedTopology;
import io.meridian.messages.RedisState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The live cluster as the rebalancer sees it: the {@link Topology} the placement rules judge (the
 * same one {@code /api/v1/check} reads), and the facts about each of its nodes that decide whether
 * a move is safe. Both are keyed by announced address. Immutable.
 */
public record Snapshot(Topology topology, Map<String, NodeFacts> facts) {

  public Snapshot {
    facts = Map.copyOf(facts);
  }

  /** A coordinator's view: only nodes with a fresh report in which they answered, as for the rules. */
  public static Snapshot of(ClusterView view, Instant now, Duration staleAfter,
      Function<String, Optional<String>> regionOf) {
    Topology topology = ObservedTopology.of(view, now, staleAfter, regionOf);
    Map<String, NodeFacts> facts = new LinkedHashMap<>();
    for (NodeView n : view.nodes().values()) {
      NodeStatus status = n.status(now, staleAfter);
      if (status == NodeStatus.STALE || status == NodeStatus.UNREACHABLE) {
        continue;
      }
      RedisState s = n.report().state().orElseThrow();
      facts.put(s.announced().orElse(n.address()), new NodeFacts(n.address(), n.report().sender(),
          s.clusterNodeId().orElse(""), status == NodeStatus.HEALTHY, s.masterLinkUp().orElse(false), s.replOffset()));
    }
    return new Snapshot(topology, facts);
  }

  public Optional<NodeFacts> factsOf(String address) {
    return Optional.ofNullable(facts.get(address));
  }
}
