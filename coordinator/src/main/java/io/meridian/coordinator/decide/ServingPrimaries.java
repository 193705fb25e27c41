package io.meridian.coordinator.decide;

import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.NodeView;
import io.meridian.messages.RedisState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fresh, answering primaries of a view, indexed by the slot ranges each reports owning: which
 * node serves a shard, for every shard in one pass over the nodes. Asking a scan of all nodes per
 * shard made the coordinators' once-a-second shard metrics quadratic. Built once per decision:
 * the failover planner asks it for every primary on every cycle, and building it per question (a
 * sort of every node each time) made the leader's cycle quadratic too (docs/decisions/011).
 * Immutable.
 */
public final class ServingPrimaries {

  private final Map<List<String>, NodeView> byExactSlots;
  private final List<NodeView> inViewOrder;

  private ServingPrimaries(Map<List<String>, NodeView> byExactSlots, List<NodeView> inViewOrder) {
    this.byExactSlots = byExactSlots;
    this.inViewOrder = inViewOrder;
  }

  private static final java.util.Comparator<NodeView> SERVES_FIRST = java.util.Comparator
      .comparing((NodeView n) -> n.report().writesHeld())
      .thenComparing(n -> -n.report().state().map(RedisState::clusterMyEpoch).orElse(0L))
      .thenComparing(n -> -n.report().state().map(RedisState::clusterCurrentEpoch).orElse(0L))
      .thenComparing(NodeView::address);

  public static ServingPrimaries of(ClusterView view, Instant now, Duration staleAfter) {
    Map<List<String>, NodeView> exact = new HashMap<>();
    // Two primaries claim the same slots while a replaced one has not heard of its successor (a cut
    // that spares the bus, or the moment a cut heals): the one whose writes are not held serves,
    // then the one Redis keeps, with the higher config epoch.
    List<NodeView> primaries = view.nodes().values().stream().filter(n -> n.report().state()
        .map(s -> s.role() == RedisState.Role.PRIMARY).orElse(false) && n.status(now, staleAfter) != NodeStatus.STALE)
        .sorted(SERVES_FIRST).toList();
    for (NodeView n : primaries) {
      exact.putIfAbsent(n.report().state().orElseThrow().slots(), n);
    }
    return new ServingPrimaries(exact, primaries);
  }

  /**
   * The primary that owns exactly these slot ranges, else the first (in serving order) that owns
   * them among others (it took over more than this shard).
   */
  public Optional<NodeView> serving(List<String> slots) {
    NodeView exact = byExactSlots.get(slots);
    if (exact != null) {
      return Optional.of(exact);
    }
    return inViewOrder.stream().filter(o -> o.report().state().orElseThrow().slots().containsAll(slots)).findFirst();
  }
}
