package io.meridian.coordinator.rebalance;

import io.meridian.coordinator.placement.Topology;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.NodeView;
import io.meridian.coordinator.view.ObservedTopology;
import io.meridian.messages.RedisState;
import java.time.Duration;
import java.time.Instant;
import io.meridian.messages.SlotRange;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The live cluster as the rebalancer sees it: the {@link Topology} the placement rules judge (the
 * same one {@code /api/v1/check} reads), and the facts about each of its nodes that decide whether
 * a move is safe. Both are keyed by announced address. Immutable.
 */
public record Snapshot(Topology topology, Map<String, NodeFacts> facts, Set<String> contested) {

  /**
   * @param contested primaries whose slots another answering node claims too (a node that came
   *                  back still believing it owns slots that moved): no step touches them until
   *                  the cluster agrees again
   */
  public Snapshot {
    facts = Map.copyOf(facts);
    contested = Set.copyOf(contested);
  }

  public Snapshot(Topology topology, Map<String, NodeFacts> facts) {
    this(topology, facts, Set.of());
  }

  /** A coordinator's view: only nodes with a fresh report in which they answered, as for the rules. */
  public static Snapshot of(ClusterView view, Instant now, Duration staleAfter,
      Function<String, Optional<String>> regionOf) {
    Topology topology = ObservedTopology.of(view, now, staleAfter, regionOf);
    Map<String, NodeFacts> facts = new LinkedHashMap<>();
    String[] claimed = new String[Topology.SLOTS];
    Set<String> contested = new HashSet<>();
    for (NodeView n : view.nodes().values()) {
      NodeStatus status = n.status(now, staleAfter);
      if (status == NodeStatus.STALE || status == NodeStatus.UNREACHABLE) {
        continue;
      }
      RedisState s = n.report().state().orElseThrow();
      String address = s.announced().orElse(n.address());
      if (s.role() == RedisState.Role.PRIMARY) {
        for (SlotRange range : s.slots().stream().map(SlotRange::parse).toList()) {
          for (int slot = range.from(); slot <= range.to(); slot++) {
            if (claimed[slot] != null && !claimed[slot].equals(address)) {
              contested.add(claimed[slot]);
              contested.add(address);
            }
            claimed[slot] = address;
          }
        }
      }
      facts.put(address, new NodeFacts(n.address(), n.report().sender(),
          s.clusterNodeId().orElse(""), status == NodeStatus.HEALTHY, s.masterLinkUp().orElse(false), s.replOffset()));
    }
    return new Snapshot(topology, facts, contested);
  }

  public Optional<NodeFacts> factsOf(String address) {
    return Optional.ofNullable(facts.get(address));
  }
}
