package io.meridian.coordinator.placement;

import io.meridian.messages.SlotRange;

import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The spec's rules as one pure check over a topology, live or planned. The same check judges
 * the planner's output ({@code plan.toTopology(spec)}) and an observed cluster, so a plan is
 * legal exactly when the cluster it produces would raise no violation.
 *
 * <p>Rule ids (stable; alerts key on them). A "shard" is a primary that owns at least one slot;
 * primaries without slots count for none of the per-shard rules.
 * <ul>
 *   <li>{@value #NODE_MISSING}: a spec node is not in the topology (unreachable or never joined).
 *   <li>{@value #NODE_UNKNOWN}: a node in the topology is not in the spec.
 *   <li>{@value #SLOT_COVERAGE}: slots nobody owns, or owned by a node that is not a primary in the topology.
 *   <li>{@value #REPLICA_OUTSIDE_REGION}: a shard without any replica, so nothing outside its region holds it.
 *   <li>{@value #REGION_HOLDS_ALL_COPIES}: a shard whose replicas all sit in the primary's region.
 *       Both rules say "one region's loss loses this shard"; each shard gets exactly one of them,
 *       the one that names the fix (add a replica, or move one).
 *   <li>{@value #REPLICAS_PER_PRIMARY} (performance): a shard with fewer replicas than {@code replicasPerPrimary}.
 *   <li>{@value #PRIMARY_SPREAD} (performance): a region without a shard, or shard counts per region differing by more than one.
 *   <li>{@value #RELIABILITY_PRIMARY_REGION} (reliability): a shard whose primary is outside the first region.
 *   <li>{@value #RELIABILITY_COPY_PER_REGION} (reliability): a region after the first that holds no copy of some shard,
 *       so it alone would not hold the full data set.
 *   <li>{@value #PRIMARY_NOFAILOVER}: a shard whose primary the spec tags {@code nofailover}.
 *   <li>{@value #NODE_SETTINGS}: a node whose read settings differ from the spec's ({@code CONFIG GET} forms).
 * </ul>
 */
public final class PlacementRules {

  public static final String NODE_MISSING = "node-missing";
  public static final String NODE_UNKNOWN = "node-unknown";
  public static final String SLOT_COVERAGE = "slot-coverage";
  public static final String REPLICA_OUTSIDE_REGION = "replica-outside-region";
  public static final String REGION_HOLDS_ALL_COPIES = "region-holds-all-copies";
  public static final String REPLICAS_PER_PRIMARY = "replicas-per-primary";
  public static final String PRIMARY_SPREAD = "primary-spread";
  public static final String RELIABILITY_PRIMARY_REGION = "reliability-primary-region";
  public static final String RELIABILITY_COPY_PER_REGION = "reliability-copy-per-region";
  public static final String PRIMARY_NOFAILOVER = "primary-nofailover";
  public static final String NODE_SETTINGS = "node-settings";

  /** Every rule id, in the order of the list above. */
  public static final List<String> RULES = List.of(NODE_MISSING, NODE_UNKNOWN, SLOT_COVERAGE, REPLICA_OUTSIDE_REGION,
      REGION_HOLDS_ALL_COPIES, REPLICAS_PER_PRIMARY, PRIMARY_SPREAD, RELIABILITY_PRIMARY_REGION,
      RELIABILITY_COPY_PER_REGION, PRIMARY_NOFAILOVER, NODE_SETTINGS);

  /** Long lists in a message are cut after this many items, so it stays one readable line. */
  private static final int MAX_LISTED = 8;

  private PlacementRules() {
  }

  /** Every violation of the spec's rules in {@code live}, sorted by rule, then subject. */
  public static List<Violation> check(ClusterSpec spec, Topology live) {
    Layout layout = new Layout(spec, live);
    List<Violation> found = new ArrayList<>();
    nodes(layout, found);
    slots(layout, found);
    copies(layout, found);
    if (spec.topology() == TopologyKind.PERFORMANCE) {
      performance(layout, found);
    } else {
      reliability(layout, found);
    }
    nofailover(layout, found);
    settings(layout, found);
    found.sort(Violation.ORDER);
    return List.copyOf(found);
  }

  /** The topology read once into the shapes every rule needs; all maps sorted for stable messages. */
  private static final class Layout {
    final ClusterSpec spec;
    final Topology live;
    final Map<String, NodeSpec> specNodes = new LinkedHashMap<>();
    final Map<String, String> specRegion = new LinkedHashMap<>();
    /** Owner → the slots it owns, ascending. */
    final Map<String, List<Integer>> owned = new TreeMap<>();
    final List<Integer> unassigned = new ArrayList<>();
    /** Shards: primaries in the topology that own slots, → their slot count. */
    final Map<String, Integer> shards = new TreeMap<>();
    /** Primary → the nodes that follow it, by address. */
    final Map<String, Set<String>> replicas = new TreeMap<>();

    Layout(ClusterSpec spec, Topology live) {
      this.spec = spec;
      this.live = live;
      for (RegionSpec region : spec.regions()) {
        for (NodeSpec node : region.nodes()) {
          specNodes.putIfAbsent(node.announced(), node);
          specRegion.putIfAbsent(node.announced(), region.name());
        }
      }
      for (int slot = 0; slot < Topology.SLOTS; slot++) {
        String owner = live.slotOwners().get(slot);
        if (owner == null) {
          unassigned.add(slot);
        } else {
          owned.computeIfAbsent(owner, o -> new ArrayList<>()).add(slot);
        }
      }
      owned.forEach((owner, slots) -> {
        NodeRole role = live.nodes().get(owner);
        if (role != null && role.isPrimary()) {
          shards.put(owner, slots.size());
        }
      });
      live.nodes().values().forEach(role -> role.primaryOf()
          .ifPresent(primary -> replicas.computeIfAbsent(primary, p -> new TreeSet<>()).add(role.address())));
    }

    /** The spec's region for spec nodes (the spec is the authority); what the topology says otherwise. */
    String region(String address) {
      String region = specRegion.get(address);
      if (region != null) {
        return region;
      }
      NodeRole role = live.nodes().get(address);
      return role == null ? "an unknown region" : role.region();
    }

    Set<String> replicasOf(String primary) {
      return replicas.getOrDefault(primary, Set.of());
    }

    /** Regions holding the primary or a replica of this shard. */
    Set<String> regionsWithCopy(String primary) {
      Set<String> regions = new TreeSet<>();
      regions.add(region(primary));
      replicasOf(primary).forEach(replica -> regions.add(region(replica)));
      return regions;
    }

    /** Spec region → number of shards whose primary is there, in spec order. */
    Map<String, Integer> shardsPerRegion() {
      Map<String, Integer> counts = new LinkedHashMap<>();
      spec.regionNames().forEach(name -> counts.put(name, 0));
      shards.keySet().forEach(primary -> counts.computeIfPresent(region(primary), (r, n) -> n + 1));
      return counts;
    }
  }

  private static void nodes(Layout layout, List<Violation> found) {
    layout.specNodes.keySet().stream().filter(address -> !layout.live.nodes().containsKey(address)).forEach(address ->
        found.add(new Violation(NODE_MISSING, address, "node " + address + " of region " + layout.region(address)
            + " is in the spec but not in the cluster (unreachable, or never joined): start it, or join it with CLUSTER MEET")));
    layout.live.nodes().values().stream().filter(role -> !layout.specNodes.containsKey(role.address())).forEach(role ->
        found.add(new Violation(NODE_UNKNOWN, role.address(), "node " + role.address() + " ("
            + role.primaryOf().map(p -> "replica of " + p).orElse("primary") + ", region " + role.region()
            + ") is in the cluster but not in the spec: add it to a region of the spec, or move its slots away and"
            + " remove it with CLUSTER FORGET")));
  }

  private static void slots(Layout layout, List<Violation> found) {
    if (!layout.unassigned.isEmpty()) {
      int count = layout.unassigned.size();
      found.add(new Violation(SLOT_COVERAGE, "slots", slotsText(layout.unassigned) + (count == 1 ? " is" : " are")
          + " not assigned (" + count + " of " + Topology.SLOTS + "): keys there cannot be served until they are;"
          + " assign them to a primary with CLUSTER ADDSLOTSRANGE"));
    }
    layout.owned.forEach((owner, slots) -> {
      if (layout.shards.containsKey(owner)) {
        return;
      }
      NodeRole role = layout.live.nodes().get(owner);
      String what = role == null
          ? "which is not in the cluster: promote one of its replicas (CLUSTER FAILOVER TAKEOVER) or assign them to a live primary"
          : "which is a replica of " + role.primaryOf().get() + ": assign them to a live primary (CLUSTER SETSLOT ... NODE)";
      String count = slots.size() == 1 ? " is" : " (" + slots.size() + " slots) are";
      found.add(new Violation(SLOT_COVERAGE, owner, slotsText(slots) + count + " owned by " + owner + ", " + what));
    });
  }

  private static void copies(Layout layout, List<Violation> found) {
    layout.shards.forEach((primary, slots) -> {
      String region = layout.region(primary);
      Set<String> replicas = layout.replicasOf(primary);
      if (replicas.isEmpty()) {
        found.add(new Violation(REPLICA_OUTSIDE_REGION, primary, "primary " + primary + " (" + region + ") owns " + slots
            + " slots and has no replica, so losing it or " + region + " loses them: add a replica in another region"
            + " (CLUSTER REPLICATE " + primary + " on a spare node there)"));
      } else if (layout.regionsWithCopy(primary).equals(Set.of(region))) {
        found.add(new Violation(REGION_HOLDS_ALL_COPIES, primary, "primary " + primary + " and all its replicas ("
            + list(replicas) + ") are in " + region + ", so losing " + region + " loses its " + slots
            + " slots: move a replica to another region (CLUSTER REPLICATE " + primary + " on a node there)"));
      }
    });
  }

  private static void performance(Layout layout, List<Violation> found) {
    int wanted = layout.spec.replicasPerPrimary();
    layout.shards.keySet().forEach(primary -> {
      int have = layout.replicasOf(primary).size();
      if (have < wanted) {
        found.add(new Violation(REPLICAS_PER_PRIMARY, primary, "primary " + primary + " (" + layout.region(primary)
            + ") has " + have + (have == 1 ? " replica" : " replicas") + ", the spec asks for " + wanted
            + ": add " + (wanted - have) + " (CLUSTER REPLICATE " + primary + " on spare nodes, in regions without a copy"
            + " of it where possible)"));
      }
    });
    Map<String, Integer> perRegion = layout.shardsPerRegion();
    String counts = perRegion.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
    perRegion.forEach((region, count) -> {
      if (count == 0) {
        found.add(new Violation(PRIMARY_SPREAD, region, "region " + region + " holds no primary (primaries per region: "
            + counts + "): fail a shard over to a replica in " + region + " (CLUSTER FAILOVER on it), or add nodes there"));
      }
    });
    if (!perRegion.isEmpty()) {
      int most = perRegion.values().stream().mapToInt(Integer::intValue).max().getAsInt();
      int fewest = perRegion.values().stream().mapToInt(Integer::intValue).min().getAsInt();
      if (most - fewest > 1) {
        String crowded = firstWith(perRegion, most);
        found.add(new Violation(PRIMARY_SPREAD, crowded, "primaries per region differ by more than one (" + counts
            + "): fail a shard of " + crowded + " over to a replica in " + firstWith(perRegion, fewest)
            + " (CLUSTER FAILOVER on that replica)"));
      }
    }
  }

  private static void reliability(Layout layout, List<Violation> found) {
    List<String> regions = layout.spec.regionNames();
    if (regions.isEmpty()) {
      return;
    }
    String first = regions.get(0);
    layout.shards.forEach((primary, slots) -> {
      String region = layout.region(primary);
      if (!region.equals(first)) {
        List<String> candidates = layout.replicasOf(primary).stream().filter(r -> layout.region(r).equals(first)).toList();
        String fix = candidates.isEmpty()
            ? "add a replica of it in " + first + " and fail over to it (CLUSTER FAILOVER on that replica)"
            : "fail it over to its replica " + candidates.get(0) + " in " + first + " (CLUSTER FAILOVER there)";
        found.add(new Violation(RELIABILITY_PRIMARY_REGION, primary, "primary " + primary + " owns " + slots
            + " slots in " + region + ", but the reliability topology keeps every primary in " + first + ": " + fix));
      }
    });
    for (String region : regions.subList(1, regions.size())) {
      List<String> lacking = layout.shards.keySet().stream()
          .filter(primary -> !layout.regionsWithCopy(primary).contains(region)).toList();
      if (!lacking.isEmpty()) {
        found.add(new Violation(RELIABILITY_COPY_PER_REGION, region, "region " + region + " holds no copy of "
            + lacking.size() + " of the " + layout.shards.size() + " primaries (" + list(lacking)
            + "), so it alone would not hold the full data set: add a replica of each there (CLUSTER REPLICATE)"));
      }
    }
  }

  private static void nofailover(Layout layout, List<Violation> found) {
    layout.shards.forEach((primary, slots) -> {
      NodeSpec node = layout.specNodes.get(primary);
      if (node != null && node.noFailover()) {
        found.add(new Violation(PRIMARY_NOFAILOVER, primary, "primary " + primary + " (" + layout.region(primary)
            + ") owns " + slots + " slots but the spec tags it nofailover: fail it over to one of its replicas"
            + " (CLUSTER FAILOVER on the replica) so it serves only as a replica"));
      }
    });
  }

  private static void settings(Layout layout, List<Violation> found) {
    new TreeMap<>(layout.live.settings()).forEach((address, actual) -> {
      Map<String, String> wanted = layout.spec.node(address).map(layout.spec::expectedConfig)
          .orElseGet(layout.spec::ownedConfig);
      List<String> differences = new ArrayList<>();
      wanted.forEach((name, value) -> {
        String have = actual.get(name);
        if (!value.equals(have)) {
          differences.add(name + " " + (have == null ? "unread" : have) + " (spec: " + value + ")");
        }
      });
      if (!differences.isEmpty()) {
        found.add(new Violation(NODE_SETTINGS, address, "node " + address + " has " + String.join(", ", differences)
            + ": set " + (differences.size() == 1 ? "it" : "them") + " with CONFIG SET, or let Meridian reconcile the node"
            + (differences.stream().anyMatch(d -> d.startsWith("tls-port ")) ? " (except tls-port, which Meridian never"
            + " moves under a serving node: Meridian connects with TLS to the port of the node's spec address, so give"
            + " the node that tls-port in its configuration file and restart it, or correct the spec)" : "")));
      }
    });
  }

  private static String slotsText(List<Integer> slots) {
    return (slots.size() == 1 ? "slot " : "slots ") + SlotRange.summarize(slots, MAX_LISTED);
  }

  private static String list(java.util.Collection<String> items) {
    List<String> all = List.copyOf(items);
    if (all.size() <= MAX_LISTED) {
      return String.join(", ", all);
    }
    return String.join(", ", all.subList(0, MAX_LISTED)) + " and " + (all.size() - MAX_LISTED) + " more";
  }

  private static String firstWith(Map<String, Integer> counts, int value) {
    return counts.entrySet().stream().filter(e -> e.getValue() == value).findFirst().orElseThrow().getKey();
  }
}
