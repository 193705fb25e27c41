package io.meridian.cli.spec;

import io.meridian.agent.admin.BootstrapPlan;
import io.meridian.messages.SlotRange;
import io.meridian.coordinator.placement.PlacementPlan;
import io.meridian.runtime.spec.ClusterSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns the planner's plan for a spec into what bootstrap executes. */
public final class PlanConversion {

  private PlanConversion() {
  }

  public static BootstrapPlan toBootstrapPlan(ClusterSpec spec, PlacementPlan plan) {
    List<BootstrapPlan.Member> members = spec.nodes().stream()
        .map(n -> new BootstrapPlan.Member(n.address(), n.announced(), n.announceBusPort()))
        .toList();
    Map<String, SlotRange> primaries = new LinkedHashMap<>();
    plan.primaries().forEach(p -> primaries.put(p, plan.slots().get(p)));
    return new BootstrapPlan(members, primaries, plan.replicaOf(), spec.ownedConfig());
  }

}
