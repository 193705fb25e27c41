package io.meridian.agent.report;

import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.RedisState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which probe results go on the bus. A node's report is published at once when what it says
 * changed (reachable or not and why, role, primary, link, slots, flags, epoch, peers' troubles,
 * owned settings, announced address), and otherwise once per heartbeat ({@code probe.reportEvery}).
 *
 * <p>Why: every coordinator handles every report, so reporting each 250 ms probe round made the
 * coordinators' inbound traffic grow with nodes × 4 per second (docs/decisions/010). A failure is still on the bus within one probe round, because it is a change. What
 * moves all the time (replication offset, last I/O, memory, clients, latency) rides along with
 * the next report, at most one heartbeat old; offsets stop moving when a primary dies, so a
 * replica's last report before a failover decision carries its final offset. Pure: time is passed in.
 */
public final class ReportGate {

  private record Sent(Object condition, long atMillis) {
  }

  private final long everyMillis;
  private final long intervalMillis;
  private final Map<String, Sent> last = new HashMap<>();

  /**
   * @param every    the longest an unchanged node goes unreported; at most {@code interval} = every round
   * @param interval the probe interval: an unchanged report goes out in the last round before
   *                 {@code every} has passed, so that gaps never exceed it
   */
  public ReportGate(Duration every, Duration interval) {
    this.everyMillis = every.toMillis();
    this.intervalMillis = interval.toMillis();
  }

  /** Whether to publish this report now; when so, it becomes the node's last published one. */
  public boolean admit(NodeHealthReport report, long nowMillis) {
    Object condition = condition(report);
    Sent before = last.get(report.node());
    if (before != null && before.condition().equals(condition) 
        && nowMillis - before.atMillis() + intervalMillis <= everyMillis) {
      return false;
    }
    last.put(report.node(), new Sent(condition, nowMillis));
    return true;
  }

  /** A node no longer watched: its next report, if it is watched again, goes out at once. */
  public void forget(String node) {
    last.remove(node);
  }

  /** What a report says that matters at once: everything but the figures that move every round. */
  static Object condition(NodeHealthReport report) {
    if (report.failure().isPresent()) {
      return List.of("unreachable", report.failure().get().kind());
    }
    RedisState s = report.state().orElseThrow();
    return List.of(report.writesHeld(), new RedisState(s.role(), s.primary(), s.masterLinkUp(), Optional.empty(), 0, s.connectedReplicas(),
        s.clusterEnabled(), s.clusterState(), s.clusterNodeId(), s.clusterCurrentEpoch(), s.knownNodes(), s.slots(),
        s.slotCount(), s.flags(), s.peerTroubles(), 0, s.maxMemoryBytes(), 0, s.announced(), s.settings(),
        s.clusterMyEpoch()));
  }
}
