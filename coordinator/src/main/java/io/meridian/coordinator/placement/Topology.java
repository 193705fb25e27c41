package io.meridian.coordinator.placement;

import java.util.List;
import java.util.Map;

/**
 * Who is primary, who follows whom, and who owns which slots: what the planner produces and
 * what {@code check} reads from a live cluster.
 *
 * @param nodes        every node by announced address (nodes not reachable are absent)
 * @param slotOwners   for each of the 16384 slots, the announced address of its owner, or null if unassigned
 * @param settings     per node (announced address), the values of the settings Meridian owns, as
 *                     {@code CONFIG GET} returns them; a node without an entry was not read
 */
public record Topology(Map<String, NodeRole> nodes, List<String> slotOwners, Map<String, Map<String, String>> settings) {

  public static final int SLOTS = 16384;

  public Topology {
    nodes = Map.copyOf(nodes);
    if (slotOwners.size() != SLOTS) {
      throw new IllegalArgumentException("slotOwners must have " + SLOTS + " entries, got " + slotOwners.size());
    }
    slotOwners = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(slotOwners));
    settings = Map.copyOf(settings);
  }
}
