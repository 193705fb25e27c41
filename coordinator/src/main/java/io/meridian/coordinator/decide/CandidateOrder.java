package io.meridian.coordinator.decide;

import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import java.util.Comparator;
import java.util.Optional;

/**
 * Which replica replaces a primary, best first: one order for the leader's automatic failover,
 * the operator's {@code meridian failover} and the rebalancer's switchover. A replica in the
 * preferred region comes first (reliability: where the primaries belong), then the one with the
 * most data (highest replication offset), then the spec's {@code priority} (higher first), then
 * the address, so that every coordinator and the CLI pick the same one. A {@code nofailover}
 * node is never a candidate. Pure.
 */
public final class CandidateOrder {

  /** What the order looks at of a replica. */
  public record Candidate(String address, String region, long offset, int priority) {
  }

  private CandidateOrder() {
  }

  /** A replica known by its announced address, with its priority from the spec (the default without one). */
  public static Candidate of(String announced, String region, long offset, Optional<ClusterSpec> spec) {
    return new Candidate(announced, region, offset, spec.flatMap(s -> s.node(announced)).map(NodeSpec::priority)
        .orElse(NodeSpec.DEFAULT_PRIORITY));
  }

  /** False for a node the spec marks {@code nofailover}; true for any other, also one the spec does not name. */
  public static boolean mayPromote(Optional<ClusterSpec> spec, String announced) {
    return spec.flatMap(s -> s.node(announced)).map(ns -> !ns.noFailover()).orElse(true);
  }

  /** Best first. */
  public static Comparator<Candidate> best(Optional<String> preferredRegion) {
    return Comparator.comparing((Candidate c) -> preferredRegion.map(r -> !r.equals(c.region())).orElse(false))
        .thenComparingLong(c -> -c.offset())
        .thenComparingInt(c -> -c.priority())
        .thenComparing(Candidate::address);
  }
}
