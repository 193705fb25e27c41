package io.meridian.coordinator.rebalance;

import io.meridian.coordinator.placement.Violation;
import java.util.List;

/**
 * What the planner found: steps that can start now (independent: no two touch the same shard or
 * node), conditions it is waiting for, and the violations of the spec's rules they address.
 */
public record RebalancePlan(List<Step> steps, List<String> waiting, List<Violation> violations) {

  public RebalancePlan {
    steps = List.copyOf(steps);
    waiting = List.copyOf(waiting);
    violations = List.copyOf(violations);
  }

  public boolean clean() {
    return violations.isEmpty() && steps.isEmpty();
  }
}
