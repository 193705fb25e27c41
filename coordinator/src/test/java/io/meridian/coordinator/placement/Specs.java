package io.meridian.coordinator.placement;

import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.RedisSettings;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import io.meridian.runtime.config.RedisAuth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small specs for placement tests: region i (from 1) is named below, its node j is 10.i.0.j:6379. */
final class Specs {

  static final List<String> REGION_NAMES = List.of("us-east", "eu-west", "ap-south", "sa-east", "af-south");

  private Specs() {
  }

  static ClusterSpec performance(int replicasPerPrimary, int... nodesPerRegion) {
    return spec(TopologyKind.PERFORMANCE, replicasPerPrimary, regions(nodesPerRegion));
  }

  static ClusterSpec reliability(int... nodesPerRegion) {
    return spec(TopologyKind.RELIABILITY, nodesPerRegion.length - 1, regions(nodesPerRegion));
  }

  static ClusterSpec spec(TopologyKind kind, int replicasPerPrimary, List<RegionSpec> regions) {
    return new ClusterSpec("test", kind, regions, replicasPerPrimary, RedisSettings.defaults(), RedisAuth.none());
  }

  static List<RegionSpec> regions(int... nodesPerRegion) {
    List<RegionSpec> regions = new ArrayList<>();
    for (int i = 0; i < nodesPerRegion.length; i++) {
      List<NodeSpec> nodes = new ArrayList<>();
      for (int j = 1; j <= nodesPerRegion[i]; j++) {
        nodes.add(node(i + 1, j));
      }
      regions.add(new RegionSpec(REGION_NAMES.get(i), nodes));
    }
    return regions;
  }

  static NodeSpec node(int region, int index) {
    return NodeSpec.of(address(region, index));
  }

  static NodeSpec node(int region, int index, boolean noFailover, int priority) {
    return new NodeSpec(address(region, index), Optional.empty(), Optional.empty(), noFailover, priority);
  }

  static String address(int region, int index) {
    return "10." + region + ".0." + index + ":6379";
  }

  /**
   * A plan as an operator reads it, one line per shard in plan order:
   * {@code "10.1.0.1:6379 us-east 0-5461 <- 10.2.0.2:6379 eu-west, 10.3.0.2:6379 ap-south"}.
   */
  static List<String> layout(ClusterSpec spec, PlacementPlan plan) {
    return plan.primaries().stream().map(primary -> primary + " " + spec.regionOf(primary).orElseThrow() + " "
        + plan.slots().get(primary) + " <- " + String.join(", ", plan.replicasOf(primary).stream()
            .map(replica -> replica + " " + spec.regionOf(replica).orElseThrow()).toList())).toList();
  }

  static PlacementPlan planned(ClusterSpec spec) {
    PlanResult result = PlacementPlanner.plan(spec);
    if (result instanceof PlanResult.Planned planned) {
      return planned.plan();
    }
    throw new AssertionError("expected a plan, got " + result);
  }
}
