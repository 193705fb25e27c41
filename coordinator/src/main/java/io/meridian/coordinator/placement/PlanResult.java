package io.meridian.coordinator.placement;

import java.util.Objects;

/**
 * What {@link PlacementPlanner#plan} answers: a plan, or a refusal that says which rule the
 * spec cannot meet and what would fix it. An unsatisfiable spec is refused once, never retried.
 */
public sealed interface PlanResult permits PlanResult.Planned, PlanResult.Refused {

  /** A layout that meets every rule of the spec. */
  record Planned(PlacementPlan plan) implements PlanResult {
    public Planned {
      Objects.requireNonNull(plan, "plan");
    }
  }

  /**
   * The spec cannot be met.
   *
   * @param rule   a {@link PlacementRules} id when one matches, else {@code spec-regions} or
   *               {@code spec-nodes}
   * @param reason one sentence: what fails, with the counts, and what would fix it
   */
  record Refused(String rule, String reason) implements PlanResult {
    public Refused {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
