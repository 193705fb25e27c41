package io.meridian.coordinator.rebalance;

import io.meridian.coordinator.decide.CandidateOrder;
import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.coordinator.placement.Topology;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.TopologyKind;
import io.meridian.messages.SlotRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Plans the smallest set of safe moves that brings a live layout back to the spec's rules (the
 * same {@link PlacementRules} as {@code meridian check}). Pure and deterministic: the same spec,
 * snapshot, settings and busy shards give the same plan.
 *
 * <p>Two phases, each cycle afresh (level-based):
 * <ol>
 *   <li><b>Primaries.</b> A primary tagged {@code nofailover}; in {@code reliability} a primary outside
 *       the first region (failback); in {@code performance} primary counts per region differing by more
 *       than one. Each is fixed by a plain {@code CLUSTER FAILOVER} on a promotable replica in the
 *       right region once it is in sync (healthy, link up, offset within {@code maxLagBytes}); without
 *       such a replica, phase 2 is asked to bring one there.
 *   <li><b>Replicas.</b> Every shard's needs become slots: a replica outside its region, a copy in every
 *       region after the first (reliability), {@code replicasPerPrimary} replicas (performance), and
 *       what phase 1 asked for. Current replicas fill the slots they fit first (nothing moves that need
 *       not); the slots left are filled by augmenting paths (a maximum matching) from free nodes
 *       (primaries without slots) and surplus replicas. Each slot filled by a node from elsewhere is one
 *       {@code CLUSTER REPLICATE}. Free nodes left over follow the shard with the fewest replicas.
 * </ol>
 *
 * <p>Safety: a step never moves a shard's last in-sync replica outside its primary's region (it
 * waits until the replacement is in sync); a failover only goes to an in-sync replica; no two steps
 * touch the same shard or node; busy shards (a step in flight) and shards whose primary is not
 * healthy are left alone.
 */
public final class RebalancePlanner {

  /** @param maxLagBytes a replica is in sync when its offset is at most this far behind its primary's */
  public record Settings(long maxLagBytes) {
  }

  private static final int SAFETY = 0;
  private static final int PLACEMENT = 1;
  private static final int COUNT = 2;
  private static final int ATTACH = 3;

  private RebalancePlanner() {
  }

  /** A need of one shard that one replica fills. */
  private record Slot(String primary, Set<String> regions, boolean promotable, String need, int severity) {
  }

  private record Planned(Step step, int severity) {
  }

  public static RebalancePlan plan(ClusterSpec spec, Snapshot snapshot, Settings settings, Set<String> busyShards) {
    return plan(spec, snapshot, settings, busyShards, Set.of());
  }

  /**
   * @param pinned shards whose primary stays where it is (an operator switched them over): the
   *               planner works around them, moving other shards' primaries where the rules need it
   */
  public static RebalancePlan plan(ClusterSpec spec, Snapshot snapshot, Settings settings, Set<String> busyShards,
      Set<String> pinned) {
    Layout layout = new Layout(spec, snapshot, settings);
    Planning p = new Planning(layout, busyShards, pinned);
    p.primaries();
    p.replicas();
    p.attachFree();
    List<Step> steps = p.planned.stream().sorted(Comparator.comparingInt(Planned::severity)).map(Planned::step).toList();
    return new RebalancePlan(steps, p.waiting, PlacementRules.check(spec, snapshot.topology()));
  }

  /** One cycle's planning: which shards and nodes are taken, what was planned, what waits. */
  private static final class Planning {
    final Layout l;
    final Set<String> usedShards = new HashSet<>();
    final Set<String> usedNodes = new HashSet<>();
    final List<Planned> planned = new ArrayList<>();
    final List<String> waiting = new ArrayList<>();
    final List<Slot> extra = new ArrayList<>();
    final Set<String> pinned;

    Planning(Layout layout, Set<String> busy, Set<String> pinned) {
      this.l = layout;
      this.pinned = Set.copyOf(pinned);
      usedShards.addAll(busy);
      for (String shard : busy) {
        waiting.add("shard " + shard + ": a step is in flight; nothing else touches it until it completes");
      }
      for (String primary : l.shards) {
        if (l.snapshot.contested().contains(primary) && usedShards.add(l.name(primary))) {
          waiting.add("shard " + l.name(primary) + ": another node claims slots of " + primary
              + " too (a node that came back has not learnt the new owner yet); waiting for the cluster to agree");
        } else if (!l.healthy(primary) && usedShards.add(l.name(primary))) {
          waiting.add("shard " + l.name(primary) + ": primary " + primary + " is not healthy; no move touches it");
        }
      }
      l.snapshot.contested().forEach(usedNodes::add);
    }

    boolean free(String primary) {
      return !usedShards.contains(l.name(primary));
    }

    /** Free, and its primary may move. */
    boolean movable(String primary) {
      return free(primary) && !pinned.contains(l.name(primary));
    }

    // ------------------------------------------------------------ phase 1: primaries

    void primaries() {
      for (String primary : l.shards) {
        if (movable(primary) && l.noFailover(primary)) {
          Predicate<String> where = l.reliability() ? r -> l.region(r).equals(l.first) : r -> true;
          Optional<String> to = l.candidate(primary, where, l.region(primary));
          String why = "primary " + primary + " (" + l.region(primary) + ") is tagged nofailover ["
              + PlacementRules.PRIMARY_NOFAILOVER + "]";
          if (to.isPresent()) {
            failover(primary, to.get(), why);
          } else {
            extra.add(new Slot(primary, l.reliability() ? Set.of(l.first) : Set.copyOf(l.regions), true,
                "a promotable replica" + (l.reliability() ? " in " + l.first : "")
                    + " to take over from its nofailover primary [" + PlacementRules.PRIMARY_NOFAILOVER + "]", PLACEMENT));
          }
        }
      }
      if (l.reliability()) {
        for (String primary : l.shards) {
          if (movable(primary) && !l.region(primary).equals(l.first)) {
            String why = "failback: primary " + primary + " owns slots in " + l.region(primary)
                + ", the reliability topology keeps every primary in " + l.first + " ["
                + PlacementRules.RELIABILITY_PRIMARY_REGION + "]";
            Optional<String> unhealthy = l.unhealthyIn(l.first);
            if (unhealthy.isPresent()) {
              waiting.add("shard " + l.name(primary) + ": " + why + "; waiting until every node of " + l.first
                  + " is healthy again (" + unhealthy.get() + " is not)");
              usedShards.add(l.name(primary));
              continue;
            }
            l.candidate(primary, r -> l.region(r).equals(l.first), l.first).ifPresent(to -> failover(primary, to, why));
          }
        }
      } else {
        spread();
      }
    }

    /** Performance: primaries per region may differ by at most one. */
    void spread() {
      Map<String, Integer> counts = new LinkedHashMap<>();
      l.regions.forEach(r -> counts.put(r, 0));
      l.shards.forEach(primary -> counts.computeIfPresent(l.region(primary), (r, n) -> n + 1));
      for (int guard = 0; guard < l.shards.size(); guard++) {
        int most = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        int fewest = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        if (most - fewest <= 1) {
          return;
        }
        List<String> crowded = counts.keySet().stream().filter(r -> counts.get(r) == most).toList();
        List<String> sparse = counts.keySet().stream().filter(r -> counts.get(r) == fewest).toList();
        String before = counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "));
        // Shortest chain of failovers from a crowded region to a sparse one: each hop moves one
        // shard's primary one region on, so only the ends change their counts.
        Map<String, String[]> via = new LinkedHashMap<>();
        java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(crowded);
        crowded.forEach(r -> via.put(r, null));
        String reached = null;
        while (!queue.isEmpty() && reached == null) {
          String from = queue.removeFirst();
          for (String primary : l.shardsIn(from)) {
            if (!movable(primary)) {
              continue;
            }
            for (String to : l.regions) {
              // A primary moves only into a region whose every node is healthy again.
              if (via.containsKey(to) || l.unhealthyIn(to).isPresent()) {
                continue;
              }
              Optional<String> replica = l.candidate(primary, r -> l.region(r).equals(to), to);
              if (replica.isPresent()) {
                via.put(to, new String[] {from, primary, replica.get()});
                queue.addLast(to);
                if (sparse.contains(to)) {
                  reached = to;
                  break;
                }
              }
            }
            if (reached != null) {
              break;
            }
          }
        }
        boolean acted = reached != null;
        for (String at = reached; at != null && via.get(at) != null; at = via.get(at)[0]) {
          String[] hop = via.get(at);
          failover(hop[1], hop[2], "primaries per region are " + before + " [" + PlacementRules.PRIMARY_SPREAD
              + "]: move shard " + l.name(hop[1]) + "'s primary from " + hop[0] + " to " + at
              + (sparse.contains(at) ? "" : " (one hop of a chain towards " + reached + ")"));
          if (via.get(hop[0]) == null) {
            counts.merge(hop[0], -1, Integer::sum);
          }
        }
        if (acted) {
          counts.merge(reached, 1, Integer::sum);
        }
        if (!acted) {
          Optional<String> sick = sparse.stream().map(l::unhealthyIn).flatMap(Optional::stream).findFirst();
          if (sick.isPresent() && sparse.stream().allMatch(r -> l.unhealthyIn(r).isPresent())) {
            waiting.add("primaries per region are " + before + " [" + PlacementRules.PRIMARY_SPREAD
                + "]: no primary moves into " + String.join(" or ", sparse) + " until every node there is healthy again ("
                + sick.get() + " is not)");
            return;
          }
          String to = sparse.stream().filter(r -> l.unhealthyIn(r).isEmpty()).findFirst().orElseThrow();
          crowded.stream().flatMap(r -> l.shardsIn(r).stream()).filter(this::movable).findFirst().ifPresent(primary ->
              extra.add(new Slot(primary, Set.of(to), true, "a promotable replica in " + to
                  + " so that its primary can move there (primaries per region are " + before + ") ["
                  + PlacementRules.PRIMARY_SPREAD + "]", PLACEMENT)));
          return;
        }
      }
    }

    /** A failover to {@code replica} now if it is in sync, else a reason to wait; the shard is taken either way. */
    void failover(String primary, String replica, String why) {
      String shard = l.name(primary);
      usedShards.add(shard);
      if (!l.inSync(replica, primary)) {
        waiting.add("shard " + shard + ": " + why + "; waiting for " + replica + " (" + l.region(replica)
            + ") to catch up: " + l.syncState(replica, primary));
        return;
      }
      usedNodes.add(replica);
      usedNodes.add(primary);
      planned.add(new Planned(new Step(new Move.Failover(replica, primary), Set.of(shard), Step.Kind.FAILBACK,
          "fail shard " + shard + " over to " + replica + " (" + l.region(replica) + ") with a plain CLUSTER FAILOVER: "
              + why + "; " + replica + " is in sync (" + l.syncState(replica, primary) + ")"), PLACEMENT));
    }

    // ------------------------------------------------------------ phase 2: replicas

    void replicas() {
      List<Slot> slots = new ArrayList<>();
      for (String primary : l.shards) {
        if (!free(primary)) {
          continue;
        }
        String home = l.region(primary);
        if (l.reliability()) {
          for (String region : l.regions) {
            if (!region.equals(home) && !region.equals(l.first)) {
              slots.add(new Slot(primary, Set.of(region), false, "a copy in " + region + " (every region after the first"
                  + " holds one of every shard) [" + PlacementRules.RELIABILITY_COPY_PER_REGION + "]", SAFETY));
            }
          }
          if (!home.equals(l.first)) {
            slots.add(new Slot(primary, Set.of(l.first), true, "a promotable replica in " + l.first
                + " so that its primary can move back there [" + PlacementRules.RELIABILITY_PRIMARY_REGION + "]",
                PLACEMENT));
          }
        } else {
          Set<String> elsewhere = new LinkedHashSet<>(l.regions);
          elsewhere.remove(home);
          slots.add(new Slot(primary, elsewhere, false, "a replica outside " + home + " ["
              + PlacementRules.REPLICA_OUTSIDE_REGION + "]", SAFETY));
          for (int i = 1; i < l.spec.replicasPerPrimary(); i++) {
            slots.add(new Slot(primary, Set.copyOf(l.regions), false, l.spec.replicasPerPrimary()
                + " replicas as the spec asks [" + PlacementRules.REPLICAS_PER_PRIMARY + "]", COUNT));
          }
        }
      }
      // What phase 1 asked for narrows a slot the shard has anyway where the regions allow, so
      // one replica serves both needs; otherwise it is one more slot.
      for (Slot wanted : extra) {
        if (!free(wanted.primary())) {
          continue;
        }
        boolean merged = false;
        for (int i = 0; i < slots.size() && !merged; i++) {
          Slot have = slots.get(i);
          Set<String> both = new LinkedHashSet<>(have.regions());
          both.retainAll(wanted.regions());
          if (have.primary().equals(wanted.primary()) && !have.promotable() && !both.isEmpty()) {
            slots.set(i, new Slot(have.primary(), both, true, have.need() + " and " + wanted.need(),
                Math.min(have.severity(), wanted.severity())));
            merged = true;
          }
        }
        if (!merged) {
          slots.add(wanted);
        }
      }
      slots.sort(Comparator.comparingInt(Slot::severity).thenComparingInt(s -> l.shards.indexOf(s.primary())));

      // The nodes that may fill a slot: replicas of shards not taken, and free nodes.
      List<String> pool = new ArrayList<>();
      for (String primary : l.shards) {
        if (free(primary)) {
          pool.addAll(l.replicasOf(primary));
        }
      }
      l.freeNodes.stream().filter(n -> l.healthy(n) && !usedNodes.contains(n)).forEach(pool::add);
      Matching m = new Matching(slots, pool);
      m.keepCurrent();
      m.augment();
      for (int i = 0; i < slots.size(); i++) {
        String node = m.nodeOf[i];
        Slot slot = slots.get(i);
        if (node != null && !slot.primary().equals(l.primaryOf(node).orElse(null))) {
          replicate(node, slot);
        }
      }
      for (int i = 0; i < slots.size(); i++) {
        if (m.nodeOf[i] == null && free(slots.get(i).primary())) {
          Slot slot = slots.get(i);
          waiting.add("shard " + l.name(slot.primary()) + " needs " + slot.need() + ", but no node in "
              + String.join(" or ", slot.regions()) + " can be spared");
        }
      }
    }

    void replicate(String node, Slot slot) {
      String to = slot.primary();
      Optional<String> from = l.primaryOf(node).filter(l.shards::contains);
      String target = l.name(to);
      if (!free(to) || from.map(f -> !free(f)).orElse(false) || usedNodes.contains(node)) {
        return; // one step per shard and node; the rest come in later cycles
      }
      if (from.isPresent()) {
        String source = from.get();
        String home = l.region(source);
        if (!l.region(node).equals(home) && l.replicasOf(source).stream()
            .noneMatch(r -> !r.equals(node) && !l.region(r).equals(home) && l.inSync(r, source))) {
          waiting.add("shard " + l.name(source) + ": keeping " + node + " (" + l.region(node) + ") although shard "
              + target + " needs " + slot.need() + ": it is the shard's last in-sync copy outside " + home
              + " until its replacement is in sync");
          usedShards.add(l.name(source));
          return;
        }
      }
      usedNodes.add(node);
      usedShards.add(target);
      from.ifPresent(f -> usedShards.add(l.name(f)));
      Set<String> shards = new LinkedHashSet<>();
      shards.add(target);
      from.ifPresent(f -> shards.add(l.name(f)));
      String origin = from.map(f -> "from " + f + " (shard " + l.name(f) + ", keeps " + (l.replicasOf(f).size() - 1)
              + " replica(s))")
          .orElse(l.primaryOf(node).map(p -> "from " + p + ", a primary without slots")
              .orElse("(a primary without slots: it came back empty or was added)"));
      planned.add(new Planned(new Step(new Move.Replicate(node, from, to), shards, Step.Kind.REPLICA,
          "move " + node + " (" + l.region(node) + ") " + origin + " to replicate " + to + " (" + l.region(to)
              + "): shard " + target + " needs " + slot.need()), slot.severity()));
    }

    // ------------------------------------------------------------ free nodes left over

    void attachFree() {
      for (String node : l.freeNodes) {
        if (usedNodes.contains(node) || !l.healthy(node)) {
          continue;
        }
        l.shards.stream().filter(this::free)
            .min(Comparator.comparingInt((String p) -> l.replicasOf(p).size())
                .thenComparingInt(p -> l.copiesIn(p, l.region(node)))
                .thenComparingInt(l.shards::indexOf))
            .ifPresent(to -> {
              usedNodes.add(node);
              usedShards.add(l.name(to));
              planned.add(new Planned(new Step(new Move.Replicate(node, Optional.empty(), to), Set.of(l.name(to)),
                  Step.Kind.REPLICA, "attach " + node + " (" + l.region(node) + "), a primary without slots, as a replica"
                      + " of " + to + " (" + l.region(to) + "): shard " + l.name(to) + " has the fewest replicas ("
                      + l.replicasOf(to).size() + ")"), ATTACH));
            });
      }
    }

    /** Slots to nodes: current replicas stay where they fit, augmenting paths fill the rest. */
    private final class Matching {
      final List<Slot> slots;
      final List<String> pool;
      final String[] nodeOf;
      final Map<String, Integer> slotOf = new HashMap<>();

      Matching(List<Slot> slots, List<String> pool) {
        this.slots = slots;
        this.pool = pool;
        this.nodeOf = new String[slots.size()];
      }

      boolean fits(int slot, String node) {
        Slot s = slots.get(slot);
        boolean current = s.primary().equals(l.primaryOf(node).orElse(null));
        return s.regions().contains(l.region(node)) && (!s.promotable() || !l.noFailover(node))
            && (current || (l.healthy(node) && !usedNodes.contains(node)));
      }

      void keepCurrent() {
        for (int i = 0; i < slots.size(); i++) {
          String primary = slots.get(i).primary();
          int slot = i;
          l.replicasOf(primary).stream()
              .filter(r -> !slotOf.containsKey(r) && pool.contains(r) && fits(slot, r))
              .min(Comparator.comparing((String r) -> l.region(r).equals(l.region(primary)))
                  .thenComparingInt(r -> keptIn(primary, l.region(r)))
                  .thenComparing(r -> !l.inSync(r, primary))
                  .thenComparing(r -> r))
              .ifPresent(r -> assign(slot, r));
        }
      }

      /** Replicas of the shard already kept in the region: the ones that add a region are kept first. */
      int keptIn(String primary, String region) {
        return (int) slotOf.entrySet().stream().filter(e -> slots.get(e.getValue()).primary().equals(primary)
            && l.region(e.getKey()).equals(region)).count();
      }

      void augment() {
        for (int i = 0; i < slots.size(); i++) {
          if (nodeOf[i] == null && !waitForSyncing(i)) {
            find(i, new HashSet<>());
          }
        }
      }

      /**
       * A spare node that would fill the slot as it is, but is still syncing (a replica just moved,
       * by hand or by a step): wait for it rather than take a longer way round with more moves.
       */
      private boolean waitForSyncing(int slot) {
        Slot s = slots.get(slot);
        Optional<String> syncing = pool.stream().filter(n -> !slotOf.containsKey(n) && !l.healthy(n)
            && !usedNodes.contains(n) && s.regions().contains(l.region(n)) && (!s.promotable() || !l.noFailover(n)))
            .findFirst();
        syncing.ifPresent(n -> waiting.add("shard " + l.name(s.primary()) + " needs " + s.need() + ": waiting for "
            + n + " (" + l.region(n) + ") to finish syncing before it moves"));
        return syncing.isPresent();
      }

      private boolean find(int slot, Set<String> visited) {
        for (String node : candidates(slot)) {
          if (!visited.add(node)) {
            continue;
          }
          Integer held = slotOf.get(node);
          if (held == null || find(held, visited)) {
            assign(slot, node);
            return true;
          }
        }
        return false;
      }

      /** Unassigned nodes first (free nodes, then surplus copies in their own primary's region), then the rest. */
      private List<String> candidates(int slot) {
        String primary = slots.get(slot).primary();
        return pool.stream().filter(n -> fits(slot, n))
            .sorted(Comparator.comparing((String n) -> slotOf.containsKey(n))
                .thenComparing(n -> !l.primaryOf(n).map(p -> p.equals(primary)).orElse(false))
                .thenComparing(n -> l.primaryOf(n).filter(l.shards::contains).isPresent())
                .thenComparing(n -> !l.primaryOf(n).map(p -> l.region(p).equals(l.region(n))).orElse(false))
                .thenComparingInt(n -> l.copiesIn(primary, l.region(n)))
                .thenComparing(n -> n))
            .toList();
      }

      private void assign(int slot, String node) {
        Integer before = slotOf.get(node);
        if (before != null && before != slot) {
          nodeOf[before] = null;
        }
        if (nodeOf[slot] != null) {
          slotOf.remove(nodeOf[slot]);
        }
        nodeOf[slot] = node;
        slotOf.put(node, slot);
      }
    }
  }

  /** The snapshot read once into the shapes the planner asks about. Only spec nodes take part. */
  static final class Layout {
    final ClusterSpec spec;
    final Snapshot snapshot;
    final Settings settings;
    final List<String> regions;
    final String first;
    final Map<String, NodeSpec> specNodes = new LinkedHashMap<>();
    /** Primaries in the spec that own slots, sorted by their first slot. */
    final List<String> shards = new ArrayList<>();
    final Map<String, String> names = new HashMap<>();
    final Map<String, List<String>> replicas = new HashMap<>();
    /** Spec nodes that are primaries without slots, or follow one: nothing depends on them. */
    final List<String> freeNodes = new ArrayList<>();

    Layout(ClusterSpec spec, Snapshot snapshot, Settings settings) {
      this.spec = spec;
      this.snapshot = snapshot;
      this.settings = settings;
      this.regions = spec.regionNames();
      this.first = regions.get(0);
      spec.nodes().forEach(n -> specNodes.put(n.announced(), n));
      Map<String, List<Integer>> owned = new TreeMap<>();
      List<String> owners = snapshot.topology().slotOwners();
      for (int slot = 0; slot < Topology.SLOTS; slot++) {
        String owner = owners.get(slot);
        if (owner != null) {
          owned.computeIfAbsent(owner, o -> new ArrayList<>()).add(slot);
        }
      }
      Map<String, NodeRole> nodes = snapshot.topology().nodes();
      owned.forEach((owner, slots) -> {
        NodeRole role = nodes.get(owner);
        if (role != null && role.isPrimary() && specNodes.containsKey(owner)) {
          shards.add(owner);
          names.put(owner, SlotRange.encode(slots));
        }
      });
      shards.sort(Comparator.comparingInt(p -> owned.get(p).get(0)));
      new TreeMap<>(nodes).forEach((address, role) -> {
        if (!specNodes.containsKey(address)) {
          return;
        }
        if (role.isPrimary() && !names.containsKey(address)) {
          freeNodes.add(address);
        } else if (role.primaryOf().isPresent()) {
          String primary = role.primaryOf().get();
          if (names.containsKey(primary)) {
            replicas.computeIfAbsent(primary, p -> new ArrayList<>()).add(address);
          } else if (nodes.containsKey(primary) && nodes.get(primary).isPrimary()) {
            freeNodes.add(address);
          }
        }
      });
    }

    /** A spec node of the region that is not in the snapshot or not healthy, if any. */
    Optional<String> unhealthyIn(String region) {
      return spec.regions().stream().filter(r -> r.name().equals(region)).flatMap(r -> r.nodes().stream())
          .map(NodeSpec::announced).filter(a -> !healthy(a)).findFirst();
    }

    boolean reliability() {
      return spec.topology() == TopologyKind.RELIABILITY;
    }

    String region(String address) {
      return spec.regionOf(address).orElse("(not in spec)");
    }

    String name(String primary) {
      return names.get(primary);
    }

    List<String> shardsIn(String region) {
      return shards.stream().filter(p -> region(p).equals(region)).toList();
    }

    List<String> replicasOf(String primary) {
      return replicas.getOrDefault(primary, List.of());
    }

    Optional<String> primaryOf(String node) {
      NodeRole role = snapshot.topology().nodes().get(node);
      return role == null ? Optional.empty() : role.primaryOf();
    }

    boolean noFailover(String node) {
      NodeSpec n = specNodes.get(node);
      return n == null || n.noFailover();
    }

    boolean healthy(String node) {
      return snapshot.factsOf(node).map(NodeFacts::healthy).orElse(false);
    }

    /** Copies of the shard in the region: its primary and its replicas there. */
    int copiesIn(String primary, String region) {
      return (region(primary).equals(region) ? 1 : 0)
          + (int) replicasOf(primary).stream().filter(r -> region(r).equals(region)).count();
    }

    boolean inSync(String replica, String primary) {
      Optional<NodeFacts> r = snapshot.factsOf(replica);
      Optional<NodeFacts> p = snapshot.factsOf(primary);
      return r.isPresent() && p.isPresent() && r.get().healthy() && r.get().linkUp()
          && p.get().offset() - r.get().offset() <= settings.maxLagBytes();
    }

    String syncState(String replica, String primary) {
      Optional<NodeFacts> r = snapshot.factsOf(replica);
      Optional<NodeFacts> p = snapshot.factsOf(primary);
      if (r.isEmpty() || p.isEmpty()) {
        return "no report";
      }
      if (!r.get().linkUp()) {
        return "link to its primary down";
      }
      return "lag " + Math.max(0, p.get().offset() - r.get().offset()) + " bytes, at most " + settings.maxLagBytes()
          + (r.get().healthy() ? "" : ", not healthy");
    }

    /**
     * The best promotable replica of the primary in the regions allowed: one in sync first, then
     * the {@link CandidateOrder} that failovers use.
     */
    Optional<String> candidate(String primary, Predicate<String> allowed, String preferredRegion) {
      return replicasOf(primary).stream()
          .filter(r -> !noFailover(r) && allowed.test(r))
          .min(Comparator.comparing((String r) -> !inSync(r, primary))
              .thenComparing(r -> CandidateOrder.of(r, region(r), snapshot.factsOf(r).map(NodeFacts::offset).orElse(0L),
                  Optional.of(spec)), CandidateOrder.best(Optional.of(preferredRegion))));
    }
  }
}
