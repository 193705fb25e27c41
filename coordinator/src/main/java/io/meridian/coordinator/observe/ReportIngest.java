package io.meridian.coordinator.observe;

import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.NodeView;
import io.meridian.messages.NodeHealthReport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the view from the agents' health reports. Reports are applied in batches: each one
 * queued, and the queue applied to the view (one copy of it) when the event loop gets to it, after
 * the reports that arrived meanwhile; crash evidence the caller applies at once. Used from one
 * context; the view itself (immutable) may be read from anywhere.
 */
public final class ReportIngest {

  private static final Logger LOG = LoggerFactory.getLogger(ReportIngest.class);

  private final Clock clock;
  private final Supplier<Duration> staleAfter;
  private final List<NodeHealthReport> pending = new ArrayList<>();
  private final Set<String> sharedWarned = new HashSet<>();
  private volatile ClusterView view = ClusterView.empty();

  /** @param staleAfter the stale threshold in force (a reload may change it) */
  public ReportIngest(Clock clock, Supplier<Duration> staleAfter) {
    this.clock = clock;
    this.staleAfter = staleAfter;
  }

  public ClusterView view() {
    return view;
  }

  /** Queues a report; true when it starts a batch, which the caller then has {@link #apply()} applied. */
  public boolean add(NodeHealthReport report) {
    warnIfShared(report);
    pending.add(report);
    return pending.size() == 1;
  }

  /** Applies the queued reports to the view. */
  public void apply() {
    if (!pending.isEmpty()) {
      view = view.apply(List.copyOf(pending), clock.instant());
      pending.clear();
    }
  }

  /**
   * Nodes are known by the address their agent probes. Two agents reporting the same address
   * (e.g. each probing its own 127.0.0.1:6379) would be taken for one node: said once per pair.
   */
  private void warnIfShared(NodeHealthReport report) {
    NodeView known = view.nodes().get(report.node());
    if (known != null && !known.report().sender().equals(report.sender())
        && known.status(clock.instant(), staleAfter.get()) != NodeStatus.STALE
        && sharedWarned.add(report.node() + " " + known.report().sender() + " " + report.sender())) {
      LOG.atError().addKeyValue("node", report.node())
          .log("agents {} and {} both report node {}: nodes are known by the address their agent probes, so these "
              + "are taken for one node; give each agent its nodes' own addresses (as announced in the cluster), "
              + "not 127.0.0.1", known.report().sender(), report.sender(), report.node());
    }
  }
}
