package io.meridian.coordinator.rebalance;

import java.util.Objects;

/**
 * What the rebalancer needs to know of one live node beyond its place in the topology: how to
 * reach it with a command, and whether it is in sync.
 *
 * @param probeAddress the address its agent probes (commands name this one)
 * @param agent        the agent that watches it
 * @param nodeId       its Redis Cluster node id ({@code CLUSTER REPLICATE} takes a primary's id)
 * @param healthy      answering, {@code cluster_state:ok}, and for a replica its link up
 * @param linkUp       a replica's {@code master_link_status:up}
 * @param offset       its replication offset (primary: {@code master_repl_offset}; replica: {@code slave_repl_offset})
 */
public record NodeFacts(String probeAddress, String agent, String nodeId, boolean healthy, boolean linkUp, long offset) {

  public NodeFacts {
    Objects.requireNonNull(probeAddress, "probeAddress");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(nodeId, "nodeId");
  }

  /** The same node after it started following another primary: its link is not up yet. */
  public NodeFacts syncing() {
    return new NodeFacts(probeAddress, agent, nodeId, false, false, 0);
  }
}
