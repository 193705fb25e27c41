package io.meridian.cli.spec;

import io.meridian.coordinator.placement.PlacementPlan;
import io.meridian.runtime.spec.ClusterSpec;

/** The plan in a few lines, for people: each shard with its slots, its primary and its replicas, by region. */
public final class PlanSummary {

  private PlanSummary() {
  }

  public static String describe(ClusterSpec spec, PlacementPlan plan) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("plan: %s topology, %d shards over %d nodes in %d regions%n", spec.topology().label(),
        plan.primaries().size(), spec.nodeCount(), spec.regions().size()));
    int shard = 1;
    for (String primary : plan.primaries()) {
      out.append(String.format("  shard %d  slots %-11s primary %s (%s)", shard++,
          plan.slots().get(primary).from() + "-" + plan.slots().get(primary).to(), primary,
          spec.regionOf(primary).orElse("?")));
      for (String replica : plan.replicasOf(primary)) {
        out.append(String.format(", replica %s (%s)", replica, spec.regionOf(replica).orElse("?")));
      }
      out.append(System.lineSeparator());
    }
    return out.toString().stripTrailing();
  }
}
