package io.meridian.coordinator.rebalance;

import java.util.Objects;
import java.util.Set;

/**
 * A planned move with the sentence that explains it.
 *
 * @param shards the shards it touches, by slot ranges (e.g. {@code 0-5461}): at most one step per shard is in flight
 * @param kind   what it restores
 */
public record Step(Move move, Set<String> shards, Kind kind, String reason) {

  /**
   * Replica moves keep the copies right; failbacks move primaries (automatic or on operator request,
   * by config); a switchover is an operator's planned handover.
   */
  public enum Kind { REPLICA, FAILBACK, SWITCHOVER }

  public Step {
    Objects.requireNonNull(move, "move");
    shards = Set.copyOf(shards);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
  }

  /** The shard named first in the history: the one the move serves. */
  public String shard() {
    return shards.stream().sorted().findFirst().orElse("-");
  }
}
