package io.meridian.coordinator.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.ProbeFailure;
import io.meridian.messages.RedisState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterViewTest {

  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  static final Duration STALE = Duration.ofSeconds(2);

  static RedisState primary(String clusterState) {
    return new RedisState(RedisState.Role.PRIMARY, Optional.empty(), Optional.empty(), Optional.empty(), 100, 1, true,
        Optional.of(clusterState), Optional.of("id-p"), 1, 2, List.of("0-16383"), 16384, List.of("myself", "master"),
        Map.of(), 1000, 0, 2, Optional.of("127.0.0.1:7000"), Map.of());
  }

  static RedisState replica(boolean linkUp) {
    return new RedisState(RedisState.Role.REPLICA, Optional.of("127.0.0.1:7000"), Optional.of(linkUp), Optional.of(0L),
        100, 0, true, Optional.of("ok"), Optional.of("id-r"), 1, 2, List.of(), 0, List.of("myself", "slave"),
        Map.of(), 1000, 0, 2, Optional.of("127.0.0.1:7000"), Map.of());
  }

  static NodeHealthReport report(String node, String region, long observedAt, long seq, RedisState state) {
    return new NodeHealthReport("agent-" + region, "demo", region, node, seq, observedAt, 200, Optional.empty(),
        Optional.of(state));
  }

  static NodeHealthReport refused(String node, String region, long observedAt, long seq) {
    return new NodeHealthReport("agent-" + region, "demo", region, node, seq, observedAt, 200,
        Optional.of(new ProbeFailure(ProbeFailure.Kind.REFUSED, "connection refused by " + node)), Optional.empty());
  }

  @Test
  void givenFreshReportsThenNodesAreHealthyDegradedOrUnreachable() {
    ClusterView view = ClusterView.empty()
        .apply(report("127.0.0.1:7000", "r1", 1, 1, primary("ok")), T0)
        .apply(report("127.0.0.1:7001", "r2", 1, 1, replica(false)), T0)
        .apply(refused("127.0.0.1:7002", "r3", 1, 1), T0);
    Instant now = T0.plusMillis(500);
    assertThat(view.nodes().get("127.0.0.1:7000").status(now, STALE)).isEqualTo(NodeStatus.HEALTHY);
    assertThat(view.nodes().get("127.0.0.1:7001").status(now, STALE)).isEqualTo(NodeStatus.DEGRADED);
    assertThat(view.nodes().get("127.0.0.1:7001").reason(now, STALE))
        .isEqualTo("replica's link to its primary 127.0.0.1:7000 is down");
    assertThat(view.nodes().get("127.0.0.1:7002").status(now, STALE)).isEqualTo(NodeStatus.UNREACHABLE);
    assertThat(view.nodes().get("127.0.0.1:7002").reason(now, STALE)).isEqualTo("connection refused by 127.0.0.1:7002");
    assertThat(view.countByStatus(now, STALE)).containsEntry(NodeStatus.HEALTHY, 1L)
        .containsEntry(NodeStatus.DEGRADED, 1L).containsEntry(NodeStatus.UNREACHABLE, 1L)
        .containsEntry(NodeStatus.STALE, 0L);
  }

  @Test
  void whenReportsStopThenTheNodeIsStaleNotDead() {
    ClusterView view = ClusterView.empty().apply(report("127.0.0.1:7000", "r1", 1, 1, primary("ok")), T0);
    NodeView node = view.nodes().get("127.0.0.1:7000");
    assertThat(node.status(T0.plus(STALE), STALE)).isEqualTo(NodeStatus.HEALTHY);
    assertThat(node.status(T0.plus(STALE).plusMillis(1), STALE)).isEqualTo(NodeStatus.STALE);
    assertThat(node.reason(T0.plusSeconds(5), STALE))
        .isEqualTo("no report from agent agent-r1 for 5000 ms (stale after 2000 ms); the node itself may still be serving");
  }

  @Test
  void clusterStateFailIsDegraded() {
    ClusterView view = ClusterView.empty().apply(report("127.0.0.1:7000", "r1", 1, 1, primary("fail")), T0);
    assertThat(view.nodes().get("127.0.0.1:7000").status(T0, STALE)).isEqualTo(NodeStatus.DEGRADED);
  }

  @Test
  void aLateOlderReportDoesNotOverwriteANewerOne() {
    ClusterView view = ClusterView.empty()
        .apply(refused("127.0.0.1:7000", "r1", 2000, 8), T0)
        .apply(report("127.0.0.1:7000", "r1", 1000, 4, primary("ok")), T0.plusMillis(10));
    assertThat(view.nodes().get("127.0.0.1:7000").report().reachable()).isFalse();
    assertThat(view.nodes().get("127.0.0.1:7000").receivedAt()).isEqualTo(T0);
  }

  @Test
  void aBatchOfReportsGivesTheViewThatApplyingThemOneByOneGives() {
    List<NodeHealthReport> reports = List.of(
        report("127.0.0.1:7000", "r1", 1000, 1, primary("ok")),
        report("127.0.0.1:7001", "r1", 1000, 1, replica(true)),
        refused("127.0.0.1:7000", "r1", 2000, 2),
        report("127.0.0.1:7000", "r1", 1500, 3, primary("ok")),
        refused("127.0.0.1:7000", "r1", 2500, 4));
    ClusterView oneByOne = ClusterView.empty();
    for (NodeHealthReport r : reports) {
      oneByOne = oneByOne.apply(r, T0);
    }
    ClusterView batch = ClusterView.empty().apply(reports, T0);
    assertThat(batch).isEqualTo(oneByOne);
    assertThat(batch.nodes().get("127.0.0.1:7000").report().seq()).isEqualTo(4);
    assertThat(batch.apply(List.of(report("127.0.0.1:7000", "r1", 1000, 9, primary("ok"))), T0)).isSameAs(batch);
  }

  @Test
  void aRestartedAgentIsBelievedAlthoughItsSequenceStartsOver() {
    ClusterView view = ClusterView.empty()
        .apply(refused("127.0.0.1:7000", "r1", 2000, 5000), T0)
        .apply(report("127.0.0.1:7000", "r1", 3000, 1, primary("ok")), T0.plusSeconds(1));
    assertThat(view.nodes().get("127.0.0.1:7000").report().reachable()).isTrue();
  }

  @Test
  void regionsListTheirNodesInAddressOrder() {
    ClusterView view = ClusterView.empty()
        .apply(report("127.0.0.1:7003", "r1", 1, 1, primary("ok")), T0)
        .apply(report("127.0.0.1:7000", "r1", 1, 1, primary("ok")), T0)
        .apply(report("127.0.0.1:7001", "r2", 1, 1, primary("ok")), T0);
    assertThat(view.region("r1")).extracting(NodeView::address).containsExactly("127.0.0.1:7000", "127.0.0.1:7003");
  }
}
