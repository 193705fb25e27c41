package io.meridian.coordinator.view;

import io.meridian.messages.NodeHealthReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one coordinator has observed of the cluster: the latest report of every node it has heard
 * of. Immutable; {@link #apply} returns a new view. Nodes are never forgotten, only become stale.
 */
public record ClusterView(Map<String, NodeView> nodes) {

  public ClusterView {
    nodes = Map.copyOf(nodes);
  }

  public static ClusterView empty() {
    return new ClusterView(Map.of());
  }

  /** The highest leader term any node's agent says it has seen (0 when none says). */
  public long highestTermSeen() {
    return nodes.values().stream().mapToLong(v -> v.report().termSeen()).max().orElse(0);
  }

  /**
   * The view with {@code report} taken into account. A report older than the one held (by the
   * agent's clock and sequence) is ignored: the bus may deliver a late duplicate, and an agent
   * restart resets the sequence but not the clock.
   */
  public ClusterView apply(NodeHealthReport report, Instant receivedAt) {
    return apply(List.of(report), receivedAt);
  }

  /**
   * The view with {@code reports} taken into account in order, as {@link #apply(NodeHealthReport,
   * Instant)} would one by one, but copying the map once: at a thousand nodes reporting four
   * times a second, a copy per report was most of a coordinator's CPU.
   */
  public ClusterView apply(List<NodeHealthReport> reports, Instant receivedAt) {
    Map<String, NodeView> next = null;
    for (NodeHealthReport report : reports) {
      NodeView current = (next == null ? nodes : next).get(report.node());
      if (current != null && !isNewer(report, current.report())) {
        continue;
      }
      if (next == null) {
        next = new HashMap<>(nodes);
      }
      boolean fresh = report.state().isPresent() || current == null;
      // Unreachable since the probe that found it so was sent (the report says how long that took:
      // a timeout takes probe.timeout to notice), not since the report came. Not since its last
      // answering report either: an agent reports an unchanged node only once per reportEvery, so
      // that report may be a second older than the node's last answer.
      java.util.Optional<Instant> failingSince = report.reachable() ? java.util.Optional.empty()
          : current != null && current.failingSince().isPresent() ? current.failingSince()
          : java.util.Optional.of(latest(receivedAt.minusNanos(report.latencyMicros() * 1000),
              current == null ? Instant.MIN : current.receivedAt()));
      Instant heardSince = current != null
          && Duration.between(current.receivedAt(), receivedAt).compareTo(NodeView.CONTACT_GAP) <= 0
          ? current.heardSince() : receivedAt;
      next.put(report.node(), new NodeView(report, receivedAt, fresh ? report.state() : current.lastState(),
          fresh ? receivedAt : current.lastStateAt(), failingSince, heardSince));
    }
    return next == null ? this : new ClusterView(next);
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static boolean isNewer(NodeHealthReport candidate, NodeHealthReport held) {
    if (candidate.observedAt() != held.observedAt()) {
      return candidate.observedAt() > held.observedAt();
    }
    return candidate.seq() > held.seq() || !candidate.sender().equals(held.sender());
  }

  /** Nodes of one region, ordered by address. */
  public List<NodeView> region(String region) {
    return nodes.values().stream()
        .filter(n -> n.region().equals(region))
        .sorted(Comparator.comparing(NodeView::address))
        .toList();
  }

  public Map<NodeStatus, Long> countByStatus(Instant now, Duration staleAfter) {
    Map<NodeStatus, Long> counts = new EnumMap<>(NodeStatus.class);
    for (NodeStatus s : NodeStatus.values()) {
      counts.put(s, 0L);
    }
    nodes.values().forEach(n -> counts.merge(n.status(now, staleAfter), 1L, Long::sum));
    return counts;
  }
}
