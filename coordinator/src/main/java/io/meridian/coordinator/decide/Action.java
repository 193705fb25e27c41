package io.meridian.coordinator.decide;

/** What the leader does about a shard. Every action is carried by a {@link Decision} with its reason. */
public sealed interface Action permits Action.Promote, Action.Recovered, Action.Wait, Action.Alert, Action.Hold,
    Action.Release {

  String shard();

  /** As metrics and the control loop's summary name it: promote, recovered, alert, hold, release or wait. */
  default String name() {
    if (this instanceof Promote) {
      return "promote";
    } else if (this instanceof Recovered) {
      return "recovered";
    } else if (this instanceof Alert) {
      return "alert";
    } else if (this instanceof Hold) {
      return "hold";
    } else if (this instanceof Release) {
      return "release";
    }
    return "wait";
  }

  /**
   * Promote {@code node} (reached through {@code agent}) in place of the failed primary.
   *
   * @param cause     the analysis that calls for it: {@code dead_primary}, {@code region_lost} or {@code unreachable_by_majority}
   * @param escalated true when the same candidate's FORCE in progress is turned into a TAKEOVER
   *                  (not a new attempt: the candidate has not failed)
   * @param holdFirst  the failed primary's agent, when it still reaches the primary that observers in
   *                   a majority of regions cannot: it must hold the primary's writes (and say so)
   *                   before the promotion is sent
   * @param failedNode the failed primary's address as its agent watches it
   */
  record Promote(String shard, String failedPrimary, String node, String announced, String agent, Mode mode,
      long offset, String cause, boolean escalated, java.util.Optional<String> holdFirst, String failedNode)
      implements Action {
  }

  /**
   * Have {@code agent} hold the writes of {@code node} (announced {@code announced}): a replaced
   * primary that still claims its shard's slots while another primary serves them.
   */
  record Hold(String shard, String node, String announced, String agent) implements Action {
  }

  /**
   * Have {@code agent} release its hold on {@code node}: it is its shard's only primary and no
   * failover of the shard is under way (the trouble passed before a promotion).
   */
  record Release(String shard, String node, String announced, String agent) implements Action {
  }

  /** A promotion took effect: {@code node} (announced {@code announced}) serves the shard now. */
  record Recovered(String shard, String node, String announced) implements Action {
  }

  /**
   * Nothing to do now: a promotion is in progress, or the evidence is not enough ({@code trouble});
   * or an old primary is back as a replica of its replacement (not trouble: the shard is settled).
   */
  record Wait(String shard, boolean trouble) implements Action {
    /** A wait on a shard in trouble (a failure not acted on yet, a promotion under way). */
    public Wait(String shard) {
      this(shard, true);
    }
  }

  /** Needs a person: no candidate, or a condition Meridian does not act on. */
  record Alert(String shard) implements Action {
  }

  /** {@code CLUSTER FAILOVER FORCE} while a majority of primaries is reachable, {@code TAKEOVER} only when not. */
  enum Mode { FORCE, TAKEOVER }
}
