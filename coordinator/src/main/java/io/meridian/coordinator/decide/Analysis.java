package io.meridian.coordinator.decide;

/**
 * A named condition of one shard, derived from counted evidence: a closed set, one kind for every
 * shard of the view in every cycle (docs/concepts/failure-detection.md has a row for each). Only
 * a {@link Failure} is acted on by a promotion: uncertainty (a timeout, a silent agent) never
 * triggers one by itself.
 */
public sealed interface Analysis permits Analysis.NoProblem, Analysis.Failure, Analysis.UnreachablePrimary,
    Analysis.AgentSilent, Analysis.IsolatedPrimary {

  /** The shard, named by its slot ranges as the primary last reported them (e.g. {@code 0-5461}). */
  String shard();

  String description();

  /** The kind's stable name: a metric label ({@code meridian_failovers_total{kind}}) and the docs' row. */
  String kind();

  default boolean actionable() {
    return this instanceof Failure;
  }

  /** The kinds that call for a promotion: the primary is gone, as far as a majority can tell. */
  sealed interface Failure extends Analysis permits DeadPrimary, RegionLost, UnreachableByMajority {

    /** The failed primary's address as its agent watches it. */
    String node();

    /** The failed primary's address as the cluster announces it. */
    String announced();

    /** The agent that holds the primary's writes before the promotion, when one still reaches it. */
    default java.util.Optional<String> holdBy() {
      return java.util.Optional.empty();
    }
  }

  /** A fresh, answering primary serves the shard (perhaps not the one that last claimed it): nothing to do. */
  record NoProblem(String shard, String node, String announced) implements Analysis {
    @Override
    public String description() {
      return "shard " + shard + " is served by primary " + announced;
    }

    @Override
    public String kind() {
      return "no_problem";
    }
  }

  /** The primary's own agent saw connection refused on its host: the process is gone. */
  record DeadPrimary(String shard, String node, String announced, String evidence) implements Failure {
    @Override
    public String description() {
      return "primary " + announced + " of shard " + shard + " is dead: " + evidence;
    }

    @Override
    public String kind() {
      return "dead_primary";
    }
  }

  /**
   * Nothing of the primary's region is heard (every node of it in the view is stale: no agent there
   * reports) and observers in a majority of regions have failed to reach the primary for at least the
   * failure timeout: the region is gone or cut off, with its agents.
   */
  record RegionLost(String shard, String node, String announced, String region, String evidence) implements Failure {
    @Override
    public String description() {
      return "primary " + announced + " of shard " + shard + " is lost with its region " + region + ": " + evidence;
    }

    @Override
    public String kind() {
      return "region_lost";
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
      java.util.Optional<String> holdBy) implements Failure {
    public UnreachableByMajority(String shard, String node, String announced, String evidence) {
      this(shard, node, announced, evidence, java.util.Optional.empty());
    }

    @Override
    public String description() {
      return "primary " + announced + " of shard " + shard + " is unreachable: " + evidence;
    }

    @Override
    public String kind() {
      return "unreachable_by_majority";
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
    public String kind() {
      return "unreachable_primary";
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
    public String kind() {
      return "agent_silent";
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
    public String kind() {
      return "isolated_primary";
    }
  }
}
