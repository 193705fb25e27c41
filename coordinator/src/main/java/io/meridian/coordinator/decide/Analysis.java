package io.meridian.coordinator.decide;

/**
 * A named condition of one shard, derived from counted evidence. Only {@link DeadPrimary} is
 * actionable: uncertainty (a timeout, a silent agent) never triggers a promotion by itself.
 */
public sealed interface Analysis permits Analysis.DeadPrimary, Analysis.UnreachableByMajority, Analysis.UnreachablePrimary,
    Analysis.AgentSilent, Analysis.IsolatedPrimary {

  /** The shard, named by its slot ranges as the primary last reported them (e.g. {@code 0-5461}). */
  String shard();

  String description();

  boolean actionable();

  /** The primary's own agent saw connection refused on its host: the process is gone. */
  record DeadPrimary(String shard, String node, String announced, String evidence) implements Analysis {
    @Override
    public String description() {
      return "primary " + announced + " of shard " + shard + " is dead: " + evidence;
    }

    @Override
    public boolean actionable() {
      return true;
    }
  }

  /**
   * Observers in a majority of regions (the node's own agent, the coordinators) have failed to
   * reach the primary for at least the failure timeout: hung, cut off, or its region is gone.
   * {@code holdBy}: the primary's agent, when it still reaches the primary (the cut is between the
   * primary and the others, not between its agent and the leader): it holds the primary's writes
   * before a replica is promoted.
   */
  record UnreachableByMajority(String shard, String node, String announced, String evidence,
      java.util.Optional<String> holdBy) implements Analysis {
    public UnreachableByMajority(String shard, String node, String announced, String evidence) {
      this(shard, node, announced, evidence, java.util.Optional.empty());
    }

    @Override
    public String description() {
      return "primary " + announced + " of shard " + shard + " is unreachable: " + evidence;
    }

    @Override
    public boolean actionable() {
      return true;
    }
  }

  /** The primary does not answer its agent (timeout), without crash evidence. */
  record UnreachablePrimary(String shard, String node, String announced, String evidence) implements Analysis {
    @Override
    public String description() {
      return "primary " + announced + " of shard " + shard + " does not answer (" + evidence
          + "); not acting until observers in a majority of regions agree for the failure timeout";
    }

    @Override
    public boolean actionable() {
      return false;
    }
  }

  /** No report about the primary for longer than staleAfter: its agent is silent, the node may be fine. */
  record AgentSilent(String shard, String node, String announced, String evidence) implements Analysis {
    @Override
    public String description() {
      return "agent of primary " + announced + " (shard " + shard + ") is silent: " + evidence
          + "; not a node failure, not acting";
    }

    @Override
    public boolean actionable() {
      return false;
    }
  }

  /**
   * Observers in a majority of regions have failed to reach the primary for its agent's fence
   * delay, not yet for the failure timeout, while its agent still reaches it: its clients may be
   * writing what no replica receives. Its agent holds its writes now, as it would fence them itself
   * if it were cut off; a promotion waits for the failure timeout, and the hold is released if
   * observers reach it again first.
   */
  record IsolatedPrimary(String shard, String node, String announced, String agent, boolean held, String evidence)
      implements Analysis {
    @Override
    public String description() {
      return "primary " + announced + " of shard " + shard + " is cut off from the other regions: " + evidence;
    }

    @Override
    public boolean actionable() {
      return false;
    }
  }
}
