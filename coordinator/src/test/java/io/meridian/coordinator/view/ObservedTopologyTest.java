package io.meridian.coordinator.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.Topology;
import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.RedisState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ObservedTopologyTest {

  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

  static NodeHealthReport report(String probed, String announced, RedisState.Role role, Optional<String> primary,
      List<String> slots, long slotCount, long observedAt) {
    return new NodeHealthReport("agent", "c", "r1", probed, 1, observedAt, 100, Optional.empty(),
        Optional.of(new RedisState(role, primary, primary.map(p -> true), Optional.of(0L), 0, 0, true,
            Optional.of("ok"), Optional.of("id-" + probed), 1, 3, slots, slotCount, List.of("myself"), Map.of(),
            0, 0, 0, Optional.of(announced), Map.of("cluster-node-timeout", "5000"))));
  }

  @Test
  void nodesAreNamedByTheirAnnouncedAddressAndOnlyFreshAnsweringOnesCount() {
    ClusterView view = ClusterView.empty()
        .apply(report("10.0.0.1:6379", "203.0.113.1:6379", RedisState.Role.PRIMARY, Optional.empty(),
            List.of("0-99", "200"), 101, 1), T0)
        .apply(report("10.0.0.2:6379", "203.0.113.2:6379", RedisState.Role.REPLICA, Optional.of("203.0.113.1:6379"),
            List.of(), 0, 1), T0)
        .apply(report("10.0.0.3:6379", "203.0.113.3:6379", RedisState.Role.PRIMARY, Optional.empty(),
            List.of("300-399"), 100, 1), T0.minusSeconds(10));
    Topology t = ObservedTopology.of(view, T0.plusMillis(100), Duration.ofSeconds(2),
        a -> a.equals("203.0.113.2:6379") ? Optional.of("us") : Optional.empty());
    assertThat(t.nodes()).containsOnlyKeys("203.0.113.1:6379", "203.0.113.2:6379");
    assertThat(t.nodes().get("203.0.113.2:6379"))
        .isEqualTo(new NodeRole("203.0.113.2:6379", "us", Optional.of("203.0.113.1:6379"), 0));
    assertThat(t.nodes().get("203.0.113.1:6379").region()).isEqualTo("r1");
    assertThat(t.slotOwners().get(0)).isEqualTo("203.0.113.1:6379");
    assertThat(t.slotOwners().get(200)).isEqualTo("203.0.113.1:6379");
    assertThat(t.slotOwners().get(150)).isNull();
    assertThat(t.slotOwners().get(300)).as("a stale node's slots are not counted").isNull();
    assertThat(t.settings().get("203.0.113.1:6379")).containsEntry("cluster-node-timeout", "5000");
  }
}
