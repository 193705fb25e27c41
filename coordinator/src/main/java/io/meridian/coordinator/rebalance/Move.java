package io.meridian.coordinator.rebalance;

import java.util.Optional;

/** One change to the live layout, carried out by the agent beside {@link #node()}. */
public sealed interface Move permits Move.Replicate, Move.Failover {

  /** The node the command is sent for (announced address). */
  String node();

  /**
   * {@code CLUSTER REPLICATE <to's id>} on {@code node}: it follows {@code to} from now on.
   *
   * @param from the primary it follows now, or empty for a primary without slots (a node that came back empty or was added)
   */
  record Replicate(String node, Optional<String> from, String to) implements Move {
  }

  /** Plain {@code CLUSTER FAILOVER} on {@code node}, a replica of {@code primary}: coordinated, no data loss. */
  record Failover(String node, String primary) implements Move {
  }
}
