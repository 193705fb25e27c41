package io.meridian.coordinator.placement;

import java.util.Comparator;
import java.util.Objects;

/**
 * One way a live or planned topology breaks the spec's rules.
 *
 * @param rule    stable kebab-case id, one of those listed on {@link PlacementRules}; alerts and
 *                dashboards key on it, so never rename one
 * @param subject what it concerns: a node's or primary's announced address, a region name, or
 *                {@code slots}
 * @param message one sentence for the operator on call: the evidence and what would fix it
 */
public record Violation(String rule, String subject, String message) {

  /** Rule, then subject, then message: the order {@link PlacementRules#check} returns. */
  public static final Comparator<Violation> ORDER = Comparator.comparing(Violation::rule)
      .thenComparing(Violation::subject)
      .thenComparing(Violation::message);

  public Violation {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return rule + " [" + subject + "]: " + message;
  }
}
