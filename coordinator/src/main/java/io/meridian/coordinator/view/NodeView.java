package io.meridian.coordinator.view;

import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.RedisState;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The latest report of one node and when this coordinator received it, plus what the node last
 * said about itself (a crashed primary says nothing, but failover needs to know it was one).
 *
 * @param receivedAt  on the coordinator's clock (ages are measured on one clock, never across hosts)
 * @param lastState   the most recent state the node reported, possibly from an earlier report
 * @param lastStateAt when the report carrying {@code lastState} was received
 * @param failingSince when the agent's reports started saying the node does not answer (empty while it answers)
 * @param heardSince   since when the node's reports have come without a gap longer than {@link #CONTACT_GAP}:
 *                     after a cut of the agent's region heals, the time its reports came back
 */
public record NodeView(NodeHealthReport report, Instant receivedAt, java.util.Optional<RedisState> lastState,
    Instant lastStateAt, java.util.Optional<Instant> failingSince, Instant heardSince) {

  /**
   * A longer silence between two reports of a node means its agent was cut off: agents report a
   * node at least every {@code probe.reportEvery} (1 s by default), and a change within a probe round.
   */
  public static final Duration CONTACT_GAP = Duration.ofMillis(1500);

  public NodeView {
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(lastState, "lastState");
    Objects.requireNonNull(lastStateAt, "lastStateAt");
    Objects.requireNonNull(failingSince, "failingSince");
    Objects.requireNonNull(heardSince, "heardSince");
  }

  public NodeView(NodeHealthReport report, Instant receivedAt) {
    this(report, receivedAt, report.state(), receivedAt,
        report.reachable() ? java.util.Optional.empty() : java.util.Optional.of(receivedAt), receivedAt);
  }

  /** The announced address, as the cluster and other nodes' reports name this node. */
  public String announced() {
    return lastState.flatMap(RedisState::announced).orElse(report.node());
  }

  public String address() {
    return report.node();
  }

  public String region() {
    return report.region();
  }

  public Duration age(Instant now) {
    Duration age = Duration.between(receivedAt, now);
    return age.isNegative() ? Duration.ZERO : age;
  }

  public NodeStatus status(Instant now, Duration staleAfter) {
    if (age(now).compareTo(staleAfter) > 0) {
      return NodeStatus.STALE;
    }
    if (report.state().isEmpty()) {
      return NodeStatus.UNREACHABLE;
    }
    RedisState s = report.state().get();
    if (s.clusterEnabled() && !s.clusterState().orElse("").equals("ok")) {
      return NodeStatus.DEGRADED;
    }
    if (s.role() == RedisState.Role.REPLICA && !s.masterLinkUp().orElse(false)) {
      return NodeStatus.DEGRADED;
    }
    return NodeStatus.HEALTHY;
  }

  /** One sentence for the operator: why the node has its status, with the evidence. */
  public String reason(Instant now, Duration staleAfter) {
    NodeStatus status = status(now, staleAfter);
    return switch (status) {
      case STALE -> "no report from agent " + report.sender() + " for " + age(now).toMillis() + " ms (stale after "
          + staleAfter.toMillis() + " ms); the node itself may still be serving";
      case UNREACHABLE -> report.failure().orElseThrow().detail();
      case DEGRADED -> {
        RedisState s = report.state().orElseThrow();
        if (s.clusterEnabled() && !s.clusterState().orElse("").equals("ok")) {
          yield "node answers but reports cluster_state:" + s.clusterState().orElse("unknown");
        }
        yield "replica's link to its primary " + s.primary().orElse("?") + " is down";
      }
      case HEALTHY -> "answering, cluster_state:ok" + (report.state().orElseThrow().role() == RedisState.Role.REPLICA
          ? ", link to primary up" : "");
    };
  }
}
