package io.meridian.coordinator.metrics;

import static io.meridian.coordinator.decide.FailoverPlannerTest.A;
import static io.meridian.coordinator.decide.FailoverPlannerTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.decide.FailoverPlannerTest;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.Observations;
import io.meridian.messages.ProbeFailure;
import io.meridian.monitoring.Sample;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Given the planner tests' cluster (A in r1 with replicas D in r2 and F in r3; B in r2 with E in
 * r3; C in r3 alone), the cluster series say what an operator's alerts need.
 */
class ClusterSeriesTest {

  private static final List<String> REGIONS = List.of("r1", "r2", "r3");
  private static final Duration STALE = Duration.ofSeconds(2);

  private static double value(ClusterSeries.Result r, String name, String... labels) {
    Map<String, String> wanted = Sample.of(name, 0, labels).labels();
    return r.samples().stream().filter(s -> s.name().equals(name) && s.labels().equals(wanted)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + wanted + " in " + r.samples())).value();
  }

  @Test
  void aHealthyClusterHasEveryPrimaryUpAndNamesTheShardWithoutAReplicaElsewhere() {
    ClusterSeries.Result r = ClusterSeries.of(FailoverPlannerTest.healthy(), Observations.empty(), REGIONS, T0, STALE,
        Optional.empty());
    assertThat(r.reachableRegions()).containsExactlyInAnyOrder("r1", "r2", "r3");
    assertThat(value(r, "meridian_shards")).isEqualTo(3);
    assertThat(value(r, "meridian_shard_primary_up", "shard", "0-5461")).isEqualTo(1);
    assertThat(value(r, "meridian_shard_replicas", "shard", "0-5461", "location", "other_region")).isEqualTo(2);
    // C (10923-16383) has no replica at all.
    assertThat(value(r, "meridian_shards_without_remote_replica")).isEqualTo(1);
    assertThat(value(r, "meridian_region_nodes", "target_region", "r3", "status", "healthy")).isEqualTo(3);
    assertThat(r.samples()).noneMatch(s -> s.name().equals("meridian_placement_violations"));
  }

  @Test
  void aCrashedPrimaryIsDownForItsShardAndCountedUnreachableInItsRegion() {
    ClusterView view = FailoverPlannerTest.healthy()
        .apply(FailoverPlannerTest.down(A, "r1", ProbeFailure.Kind.REFUSED, 2), T0.plusMillis(500));
    ClusterSeries.Result r = ClusterSeries.of(view, Observations.empty(), REGIONS, T0.plusSeconds(1), STALE,
        Optional.empty());
    assertThat(value(r, "meridian_shard_primary_up", "shard", "0-5461")).isZero();
    assertThat(value(r, "meridian_region_nodes", "target_region", "r1", "status", "unreachable")).isEqualTo(1);
    assertThat(value(r, "meridian_region_reachable", "target_region", "r1")).isEqualTo(1);
  }

  @Test
  void aRegionNotHeardFromForStaleAfterIsUnreachableAndItsNodesStale() {
    ClusterSeries.Result r = ClusterSeries.of(FailoverPlannerTest.healthy(), Observations.empty(), REGIONS,
        T0.plusSeconds(10), STALE, Optional.empty());
    assertThat(r.reachableRegions()).isEmpty();
    assertThat(value(r, "meridian_region_reachable", "target_region", "r2")).isZero();
    assertThat(value(r, "meridian_region_nodes", "target_region", "r2", "status", "stale")).isEqualTo(2);
    // Without coordinator observations a stale node is not known to be up: not an agent-silent case.
    assertThat(value(r, "meridian_node_agent_silent", "node", A, "target_region", "r1")).isZero();
  }
}
