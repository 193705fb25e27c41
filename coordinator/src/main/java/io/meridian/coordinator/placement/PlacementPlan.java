package io.meridian.coordinator.placement;

import io.meridian.messages.SlotRange;

import io.meridian.runtime.spec.ClusterSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A layout for the spec's nodes: who is primary, which slots each primary owns, whom each
 * replica follows. Every address is an announced address ({@code NodeSpec.announced()}).
 *
 * @param primaries primaries in plan order; slot ranges follow this order
 * @param slots     primary → its contiguous range; ranges cover 0..16383 in plan order and
 *                  differ in size by at most one
 * @param replicaOf replica → the primary it follows, in the order the planner placed them
 */
public record PlacementPlan(List<String> primaries, Map<String, SlotRange> slots, Map<String, String> replicaOf) {

  public PlacementPlan {
    primaries = List.copyOf(primaries);
    // LinkedHashMap copies keep the planner's order, so a printed plan reads the way it was built.
    slots = Collections.unmodifiableMap(new LinkedHashMap<>(slots));
    replicaOf = Collections.unmodifiableMap(new LinkedHashMap<>(replicaOf));
    if (!new HashSet<>(primaries).equals(slots.keySet()) || primaries.size() != slots.size()) {
      throw new IllegalArgumentException("every primary needs exactly one slot range: " + primaries + " vs " + slots.keySet());
    }
    int next = 0;
    for (String primary : primaries) {
      SlotRange range = slots.get(primary);
      if (range.from() != next) {
        throw new IllegalArgumentException("slot ranges must be contiguous in plan order: " + primary + " starts at "
            + range.from() + ", expected " + next);
      }
      next = range.to() + 1;
    }
    if (next != Topology.SLOTS) {
      throw new IllegalArgumentException("slot ranges end at " + (next - 1) + ", not at " + (Topology.SLOTS - 1));
    }
    for (Map.Entry<String, String> e : replicaOf.entrySet()) {
      if (!slots.containsKey(e.getValue()) || slots.containsKey(e.getKey())) {
        throw new IllegalArgumentException("replica " + e.getKey() + " must follow a planned primary, not " + e.getValue());
      }
    }
  }

  /** A plan whose slots are split evenly over {@code primaries} in their order. */
  public static PlacementPlan of(List<String> primaries, Map<String, String> replicaOf) {
    List<SlotRange> ranges = SlotRange.split(primaries.size());
    Map<String, SlotRange> slots = new LinkedHashMap<>();
    for (int i = 0; i < primaries.size(); i++) {
      slots.put(primaries.get(i), ranges.get(i));
    }
    return new PlacementPlan(primaries, slots, replicaOf);
  }

  /** Replicas of {@code primary}, in the order they were placed. */
  public List<String> replicasOf(String primary) {
    List<String> replicas = new ArrayList<>();
    replicaOf.forEach((replica, p) -> {
      if (p.equals(primary)) {
        replicas.add(replica);
      }
    });
    return List.copyOf(replicas);
  }

  /**
   * The topology this plan would produce, with the spec's settings on every node, so that
   * {@code PlacementRules.check(spec, plan.toTopology(spec))} verifies a plan with the same
   * rules that judge a live cluster.
   *
   * @throws IllegalArgumentException if the plan names a node the spec does not have
   */
  public Topology toTopology(ClusterSpec spec) {
    Map<String, NodeRole> nodes = new LinkedHashMap<>();
    List<String> owners = new ArrayList<>(Collections.nCopies(Topology.SLOTS, (String) null));
    Set<String> seen = new HashSet<>();
    for (String primary : primaries) {
      SlotRange range = slots.get(primary);
      nodes.put(primary, new NodeRole(primary, regionOf(spec, primary), Optional.empty(), range.size()));
      for (int slot = range.from(); slot <= range.to(); slot++) {
        owners.set(slot, primary);
      }
      seen.add(primary);
    }
    replicaOf.forEach((replica, primary) -> {
      nodes.put(replica, new NodeRole(replica, regionOf(spec, replica), Optional.of(primary), 0));
      seen.add(replica);
    });
    Map<String, Map<String, String>> settings = new LinkedHashMap<>();
    Map<String, String> config = spec.ownedConfig();
    seen.forEach(address -> settings.put(address, config));
    return new Topology(nodes, owners, settings);
  }

  private static String regionOf(ClusterSpec spec, String address) {
    return spec.regionOf(address)
        .orElseThrow(() -> new IllegalArgumentException("plan names " + address + ", which is not in the spec"));
  }
}
