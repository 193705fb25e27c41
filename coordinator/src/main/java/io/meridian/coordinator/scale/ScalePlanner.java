package io.meridian.coordinator.scale;

import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.PlacementPlanner;
import io.meridian.coordinator.placement.PlanResult;
import io.meridian.coordinator.placement.Topology;
import io.meridian.coordinator.rebalance.SlotShare;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.TopologyKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What adding or removing a node means for a performance cluster: whether the node joins as a
 * primary or a replica, which primary a replica follows, and which slots move where (even shares,
 * as few moves as possible, in batches). Shared by {@code meridian add-node}/{@code remove-node}
 * and the leader's scaling jobs, so both decide the same way. Pure: plain values in, plain values out.
 */
public final class ScalePlanner {

  /** Why the reliability topology refuses both operations (the CLI and the API say the same). */
  public static final String RELIABILITY_REFUSAL = "the reliability topology does not scale by adding or removing"
      + " nodes: it keeps every primary in the first region and exactly one copy of every shard in each other"
      + " region, so its shards are fixed by the regions' node counts; change the spec and bootstrap instead";

  /** How a node asks to join. */
  public enum Role {
    /** A primary when the spec's plan has room for one more shard, else a replica. */
    AUTO,
    PRIMARY,
    REPLICA;

    /** {@code auto}, {@code primary} or {@code replica}; empty for anything else. */
    public static Optional<Role> parse(String text) {
      for (Role r : values()) {
        if (r.name().toLowerCase(Locale.ROOT).equals(text)) {
          return Optional.of(r);
        }
      }
      return Optional.empty();
    }
  }

  /** {@code slots} (ascending) move from {@code from} to {@code to} in one command. */
  public record Batch(String from, String to, List<Integer> slots) {
    public Batch {
      slots = List.copyOf(slots);
    }
  }

  private ScalePlanner() {
  }

  /** Why {@code node} cannot be added ({@code adding}) or removed with this spec, or empty. */
  public static Optional<String> refusal(ClusterSpec spec, String node, boolean adding) {
    if (spec.topology() != TopologyKind.PERFORMANCE) {
      return Optional.of(RELIABILITY_REFUSAL);
    }
    if (spec.node(node).isEmpty()) {
      return Optional.of(node + " is not in the spec; "
          + (adding ? "add it to a region of the spec first" : "name it as the spec does"));
    }
    return Optional.empty();
  }

  /** Why {@code node} may not become a primary, or empty. */
  public static Optional<String> primaryRefusal(NodeSpec node) {
    return node.noFailover()
        ? Optional.of(node.announced() + " is tagged nofailover: it never becomes a primary; ask for the replica role")
        : Optional.empty();
  }

  /** The primaries that own slots, by announced address, sorted. */
  public static List<String> shards(Topology t) {
    return t.nodes().values().stream().filter(r -> r.isPrimary() && r.slots() > 0).map(NodeRole::address).sorted()
        .toList();
  }

  /**
   * Whether {@code node} joins as a primary: it owns slots already, or the role asks for it, or
   * ({@code auto}) the spec's plan has more shards than the cluster has now.
   *
   * @throws IllegalStateException when the spec cannot be laid out (auto needs its plan)
   */
  public static boolean becomesPrimary(ClusterSpec spec, Topology t, String node, Role role) {
    NodeRole mine = t.nodes().get(node);
    if (mine != null && mine.isPrimary() && mine.slots() > 0 || role == Role.PRIMARY) {
      return true;
    }
    return role == Role.AUTO && plannedShards(spec) > shards(t).size();
  }

  private static int plannedShards(ClusterSpec spec) {
    PlanResult plan = PlacementPlanner.plan(spec);
    if (plan instanceof PlanResult.Refused refused) {
      throw new IllegalStateException("the spec cannot be laid out: " + refused.reason());
    }
    return ((PlanResult.Planned) plan).plan().primaries().size();
  }

  /**
   * The primary {@code replica} should follow: the one with the fewest replicas, preferring those
   * without a copy in the replica's region, then by address.
   *
   * @throws IllegalStateException without a primary to follow
   */
  public static String bestPrimaryFor(ClusterSpec spec, Topology t, String replica, List<String> primaries) {
    String region = spec.regionOf(replica).orElse("");
    return primaries.stream().filter(p -> !p.equals(replica)).min(Comparator
            .comparingLong((String p) -> replicasOf(t, p).size())
            .thenComparing(p -> copiesIn(spec, t, p, region) > 0)
            .thenComparing(p -> p))
        .orElseThrow(() -> new IllegalStateException("no primary to replicate"));
  }

  /** The nodes following {@code primary}, sorted. */
  public static List<String> replicasOf(Topology t, String primary) {
    return t.nodes().values().stream().filter(r -> r.primaryOf().filter(primary::equals).isPresent())
        .map(NodeRole::address).sorted().toList();
  }

  private static long copiesIn(ClusterSpec spec, Topology t, String primary, String region) {
    return t.nodes().values().stream().filter(r -> r.address().equals(primary) || r.primaryOf().filter(primary::equals)
        .isPresent()).filter(r -> spec.regionOf(r.address()).orElse("").equals(region)).count();
  }

  /**
   * The slot transfers that give {@code after} even shares (see {@link SlotShare}).
   *
   * @throws IllegalStateException when a slot has no owner (coverage must be fixed first)
   */
  public static List<SlotShare.Transfer> transfers(Topology t, List<String> after) {
    Map<String, List<Integer>> owned = new LinkedHashMap<>();
    for (int slot = 0; slot < Topology.SLOTS; slot++) {
      String owner = t.slotOwners().get(slot);
      if (owner == null) {
        throw new IllegalStateException("slot " + slot + " has no owner: run 'meridian check' and fix coverage first");
      }
      owned.computeIfAbsent(owner, o -> new ArrayList<>()).add(slot);
    }
    return SlotShare.plan(owned, after);
  }

  /** The primaries after {@code node} joins as one (current shards plus it, sorted, it last if new). */
  public static List<String> withPrimary(Topology t, String node) {
    List<String> after = new ArrayList<>(shards(t));
    if (!after.contains(node)) {
      after.add(node);
    }
    return List.copyOf(after);
  }

  /** The primaries after {@code node} leaves. @throws IllegalStateException when it is the only one */
  public static List<String> withoutPrimary(Topology t, String node) {
    List<String> after = new ArrayList<>(shards(t));
    after.remove(node);
    if (after.isEmpty()) {
      throw new IllegalStateException(node + " is the only primary: there is nowhere to move its slots");
    }
    return List.copyOf(after);
  }

  /** {@link #transfers} cut into commands of at most {@code slotsPerBatch} slots each, in order. */
  public static List<Batch> batches(Topology t, List<String> after, int slotsPerBatch) {
    if (slotsPerBatch < 1) {
      throw new IllegalArgumentException("slotsPerBatch must be at least 1, got " + slotsPerBatch);
    }
    List<Batch> batches = new ArrayList<>();
    for (SlotShare.Transfer tr : transfers(t, after)) {
      for (int i = 0; i < tr.slots().size(); i += slotsPerBatch) {
        batches.add(new Batch(tr.from(), tr.to(), tr.slots().subList(i, Math.min(i + slotsPerBatch, tr.slots().size()))));
      }
    }
    return List.copyOf(batches);
  }
}
