package io.meridian.coordinator.view;

/** How a coordinator judges one node from its latest report. */
public enum NodeStatus {
  /** Fresh report, node answered, cluster state ok and (replicas) link to the primary up. */
  HEALTHY,
  /** Fresh report, node answered, but something is wrong (cluster state fail, replica link down). */
  DEGRADED,
  /** Fresh report: the agent could not get an answer (refused, timeout, auth, error). */
  UNREACHABLE,
  /** No report for longer than {@code staleAfter}: we do not know. The node may still serve. */
  STALE
}
