package io.meridian.coordinator.rebalance;

import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.Topology;
import io.meridian.runtime.spec.ClusterSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a snapshot becomes once moves complete, as Redis would carry them out. Pure. Used by the
 * dry run (the whole sequence to a clean layout) and by the planner's property tests.
 */
public final class Simulation {

  private Simulation() {
  }

  /**
   * The layout after {@code move}. A node that starts to follow another primary is not in sync
   * until {@link #synced}; after a coordinated failover the old primary follows the new one in
   * sync, and so do the shard's other replicas.
   */
  public static Snapshot apply(Snapshot s, Move move) {
    Map<String, NodeRole> nodes = new HashMap<>(s.topology().nodes());
    Map<String, NodeFacts> facts = new HashMap<>(s.facts());
    List<String> owners = new ArrayList<>(s.topology().slotOwners());
    if (move instanceof Move.Replicate r) {
      NodeRole before = nodes.get(r.node());
      nodes.put(r.node(), new NodeRole(r.node(), before.region(), Optional.of(r.to()), 0));
      owners.replaceAll(o -> r.node().equals(o) ? null : o);
      NodeFacts f = facts.get(r.node());
      if (f != null) {
        facts.put(r.node(), f.syncing());
      }
    } else if (move instanceof Move.Failover f) {
      NodeRole primary = nodes.get(f.primary());
      NodeRole replica = nodes.get(f.node());
      nodes.put(f.node(), new NodeRole(f.node(), replica.region(), Optional.empty(), primary.slots()));
      nodes.put(f.primary(), new NodeRole(f.primary(), primary.region(), Optional.of(f.node()), 0));
      nodes.replaceAll((address, role) -> role.primaryOf().filter(f.primary()::equals).isPresent()
          && !address.equals(f.primary()) ? new NodeRole(address, role.region(), Optional.of(f.node()), 0) : role);
      owners.replaceAll(o -> f.primary().equals(o) ? f.node() : o);
      NodeFacts was = facts.get(f.primary());
      NodeFacts now = facts.get(f.node());
      if (was != null && now != null) {
        facts.put(f.node(), new NodeFacts(now.probeAddress(), now.agent(), now.nodeId(), true, false, was.offset()));
        facts.put(f.primary(), new NodeFacts(was.probeAddress(), was.agent(), was.nodeId(), true, true, was.offset()));
      }
    }
    return new Snapshot(new Topology(nodes, owners, s.topology().settings()), facts);
  }

  /** These nodes caught up with their primaries, as they do once replication has run. */
  public static Snapshot synced(Snapshot s, Set<String> nodes) {
    Map<String, NodeFacts> facts = new HashMap<>(s.facts());
    for (String address : nodes) {
      NodeFacts f = facts.get(address);
      NodeRole role = s.topology().nodes().get(address);
      if (f == null || role == null) {
        continue;
      }
      long offset = role.primaryOf().map(facts::get).map(NodeFacts::offset).orElse(f.offset());
      facts.put(address, new NodeFacts(f.probeAddress(), f.agent(), f.nodeId(), true, role.primaryOf().isPresent(),
          offset));
    }
    return new Snapshot(s.topology(), facts);
  }

  /**
   * The whole sequence of steps from {@code start} to a layout with nothing left to do, each
   * round's steps completed and synced before the next is planned; at most {@code maxRounds}.
   */
  public static List<Step> converge(ClusterSpec spec, Snapshot start, RebalancePlanner.Settings settings,
      int maxRounds) {
    List<Step> all = new ArrayList<>();
    Snapshot s = start;
    for (int round = 0; round < maxRounds; round++) {
      RebalancePlan plan = RebalancePlanner.plan(spec, s, settings, Set.of());
      if (plan.steps().isEmpty()) {
        break;
      }
      Set<String> moved = new java.util.HashSet<>();
      for (Step step : plan.steps()) {
        all.add(step);
        s = apply(s, step.move());
        moved.add(step.move().node());
      }
      s = synced(s, moved);
    }
    return all;
  }
}
