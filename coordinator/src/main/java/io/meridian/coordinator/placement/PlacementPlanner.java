package io.meridian.coordinator.placement;

import io.meridian.coordinator.placement.PlanResult.Planned;
import io.meridian.coordinator.placement.PlanResult.Refused;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Lays the spec's nodes out in its topology, or refuses with the rule that cannot be met. Pure
 * and deterministic: the same spec always gives the same plan, which
 * {@code PlacementRules.check(spec, plan.toTopology(spec))} finds free of violations.
 *
 * <p><b>performance</b>: as many shards S as the nodes allow, from {@code floor(N / (1 + r))}
 * down to one per region. For each S, every way of giving the {@code S mod R} extra primaries to
 * regions is tried (regions with more nodes first). A choice is feasible when each region has
 * enough nodes without {@code nofailover} for its primaries and a max-flow finds every primary a
 * replica outside its own region; the first feasible choice wins. The same flow then spreads up
 * to r replicas of each primary over distinct other regions, the rest of its r replicas go where
 * the shard has the fewest copies, and leftover nodes become extra replicas of the primaries with
 * the fewest, preferring shards without a copy in the node's region.
 *
 * <p><b>reliability</b>: S = the eligible nodes of the first region, capped by the node count of
 * every other region; each other region gives every primary one replica; leftover nodes (in any
 * region) become extra replicas spread the same way. {@code replicasPerPrimary} is not used.
 */
public final class PlacementPlanner {

  public static final String SPEC_REGIONS = "spec-regions";
  public static final String SPEC_NODES = "spec-nodes";

  static final int MIN_REGIONS = 3;
  static final int MAX_REGIONS = 5;

  private PlacementPlanner() {
  }

  public static PlanResult plan(ClusterSpec spec) {
    Optional<Refused> malformed = checkShape(spec);
    if (malformed.isPresent()) {
      return malformed.get();
    }
    return spec.topology() == TopologyKind.PERFORMANCE ? performance(spec) : reliability(spec);
  }

  // ---------------------------------------------------------------- shape

  /** What no topology can fix: region count, empty regions, a node listed twice. */
  private static Optional<Refused> checkShape(ClusterSpec spec) {
    List<String> names = spec.regionNames();
    if (names.size() < MIN_REGIONS || names.size() > MAX_REGIONS) {
      String fix = names.size() < MIN_REGIONS ? "add regions" : "remove or merge regions";
      return refuse(SPEC_REGIONS, "the spec lists " + names.size() + (names.size() == 1 ? " region" : " regions")
          + (names.isEmpty() ? "" : " (" + String.join(", ", names) + ")") + " but Meridian spreads a cluster over "
          + MIN_REGIONS + " to " + MAX_REGIONS + " regions, so that losing one still leaves a majority: " + fix);
    }
    Set<String> seenRegions = new HashSet<>();
    for (String name : names) {
      if (!seenRegions.add(name)) {
        return refuse(SPEC_REGIONS, "region " + name + " is listed twice: give every region one entry with all its nodes");
      }
    }
    List<String> empty = spec.regions().stream().filter(r -> r.nodes().isEmpty()).map(RegionSpec::name).toList();
    if (!empty.isEmpty()) {
      return refuse(SPEC_REGIONS, (empty.size() == 1 ? "region " + empty.get(0) + " lists" : "regions "
          + String.join(", ", empty) + " list") + " no nodes, but the " + spec.topology().label()
          + " topology needs every region to hold " + (spec.topology() == TopologyKind.PERFORMANCE
              ? "a primary" : "a copy of the data") + ": add nodes there or remove the region from the spec");
    }
    Map<String, String> regionOf = new HashMap<>();
    for (RegionSpec region : spec.regions()) {
      for (NodeSpec node : region.nodes()) {
        String before = regionOf.putIfAbsent(node.announced(), region.name());
        if (before != null) {
          return refuse(SPEC_NODES, "node " + node.announced() + " is listed twice (in " + before + " and in "
              + region.name() + "): list every node once, under its own announced address");
        }
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- performance

  private static PlanResult performance(ClusterSpec spec) {
    int r = spec.replicasPerPrimary();
    if (r < 1) {
      return refused(PlacementRules.REPLICAS_PER_PRIMARY, "the performance topology needs replicasPerPrimary of at"
          + " least 1, so that every shard has a copy outside its primary's region; the spec says " + r + ": set it to 1 or more");
    }
    Regions regions = new Regions(spec);
    int regionCount = regions.count();
    int most = Math.min(spec.nodeCount() / (1 + r), Topology.SLOTS);
    // Only a shortcut for big lopsided specs, the flow below stays the judge: every region holds
    // a primary, so the primaries of the largest region X need spare nodes outside X, and with
    // S shards there are N - n_X - (S - p_X) of those; p_X of them are needed, so S <= N - n_X.
    for (int region = 0; region < regionCount; region++) {
      most = Math.min(most, spec.nodeCount() - regions.nodes(region).size());
    }
    for (int shards = most; shards >= regionCount; shards--) {
      for (int[] primaries : primaryCounts(regions, shards)) {
        Optional<PlacementPlan> plan = tryPerformance(regions, primaries, r);
        if (plan.isPresent()) {
          return new Planned(plan.get());
        }
      }
    }
    return explainPerformance(spec, regions, r);
  }

  /**
   * Every way to give {@code shards} primaries to regions with counts differing by at most one:
   * each region gets {@code shards / R}, and each R-subset of size {@code shards mod R} one more.
   * Subsets come in lexicographic order over the regions sorted by node count (most first), so
   * the biggest regions are tried first for the extra primaries.
   */
  private static List<int[]> primaryCounts(Regions regions, int shards) {
    int count = regions.count();
    int base = shards / count;
    int extra = shards % count;
    Integer[] byNodes = IntStream.range(0, count).boxed()
        .sorted(Comparator.comparingInt((Integer i) -> -regions.nodes(i).size()).thenComparingInt(i -> i))
        .toArray(Integer[]::new);
    List<int[]> choices = new ArrayList<>();
    combinations(count, extra, 0, new ArrayDeque<>(), combo -> {
      int[] primaries = new int[count];
      Arrays.fill(primaries, base);
      combo.forEach(position -> primaries[byNodes[position]]++);
      choices.add(primaries);
    });
    return choices;
  }

  private static void combinations(int n, int k, int start, Deque<Integer> chosen, java.util.function.Consumer<List<Integer>> out) {
    if (chosen.size() == k) {
      out.accept(List.copyOf(chosen));
      return;
    }
    for (int i = start; i <= n - (k - chosen.size()); i++) {
      chosen.addLast(i);
      combinations(n, k, i + 1, chosen, out);
      chosen.removeLast();
    }
  }

  /** The layout for these per-region primary counts, or empty if they cannot meet the rules. */
  private static Optional<PlacementPlan> tryPerformance(Regions regions, int[] perRegion, int r) {
    int count = regions.count();
    List<List<NodeSpec>> chosen = new ArrayList<>();
    List<List<NodeSpec>> spare = new ArrayList<>();
    for (int region = 0; region < count; region++) {
      List<NodeSpec> candidates = regions.primaryCandidates(region);
      if (candidates.size() < perRegion[region]) {
        return Optional.empty();
      }
      List<NodeSpec> primaries = candidates.subList(0, perRegion[region]);
      chosen.add(primaries);
      spare.add(regions.replicaCandidates(region).stream().filter(n -> !primaries.contains(n)).toList());
    }
    List<NodeSpec> primaries = interleave(chosen);
    int[] primaryRegion = primaries.stream().mapToInt(regions::indexOf).toArray();
    int shards = primaries.size();

    // Max-flow source → primary → other region → sink (capacity: that region's spare nodes).
    // First every primary may take one unit: a full flow is a matching of every primary to a
    // replica outside its region, and if the flow is not full no such assignment exists. Then
    // the primaries' capacity rises to r and the flow keeps growing; augmenting paths never
    // undo a unit leaving the source, so the outside replica of every primary survives while
    // the number of (primary, distinct other region) pairs becomes as large as it can be.
    Flow flow = new Flow(shards + count + 2);
    int source = shards + count;
    int sink = source + 1;
    int[] sourceEdge = new int[shards];
    int[][] regionEdge = new int[shards][count];
    for (int p = 0; p < shards; p++) {
      sourceEdge[p] = flow.edge(source, p, 1);
      for (int region = 0; region < count; region++) {
        regionEdge[p][region] = region == primaryRegion[p] ? -1 : flow.edge(p, shards + region, 1);
      }
    }
    for (int region = 0; region < count; region++) {
      flow.edge(shards + region, sink, spare.get(region).size());
    }
    if (flow.maximize(source, sink) < shards) {
      return Optional.empty();
    }
    for (int p = 0; p < shards; p++) {
      flow.raise(sourceEdge[p], r);
    }
    flow.maximize(source, sink);

    Assignment assignment = new Assignment(primaries, primaryRegion, spare);
    for (int p = 0; p < shards; p++) {
      for (int region = 0; region < count; region++) {
        if (regionEdge[p][region] >= 0 && flow.flowOn(regionEdge[p][region]) > 0) {
          assignment.follow(region, p);
        }
      }
    }
    // The rest of each primary's r replicas, round by round so no primary takes all the good
    // regions: where the shard has the fewest copies, another region before its own.
    boolean more = true;
    while (more) {
      more = false;
      for (int p = 0; p < shards; p++) {
        if (assignment.replicas(p) < r) {
          assignment.follow(assignment.bestRegionFor(p), p);
          more = true;
        }
      }
    }
    assignment.placeLeftovers();
    return Optional.of(assignment.toPlan());
  }

  /** First primary of every region in spec order, then every second, and so on: plan order. */
  private static List<NodeSpec> interleave(List<List<NodeSpec>> perRegion) {
    List<NodeSpec> order = new ArrayList<>();
    int rounds = perRegion.stream().mapToInt(List::size).max().orElse(0);
    for (int round = 0; round < rounds; round++) {
      for (List<NodeSpec> primaries : perRegion) {
        if (round < primaries.size()) {
          order.add(primaries.get(round));
        }
      }
    }
    return order;
  }

  /**
   * Why no performance layout exists. With one primary per region (the smallest layout, and
   * feasible whenever any is) only three things can fail; these conditions are exactly Hall's
   * condition for the outside-region matching, so one of them always applies.
   */
  private static PlanResult explainPerformance(ClusterSpec spec, Regions regions, int r) {
    int total = spec.nodeCount();
    int count = regions.count();
    for (int region = 0; region < count; region++) {
      if (regions.primaryCandidates(region).isEmpty()) {
        return refused(PlacementRules.PRIMARY_NOFAILOVER, "region " + regions.name(region) + " has only nofailover"
            + " nodes (" + addresses(regions.nodes(region)) + "), but the performance topology needs a primary in every"
            + " region: remove the tag from one of them or add an untagged node to " + regions.name(region));
      }
    }
    int needed = count * (1 + r);
    if (total < needed) {
      return refused(SPEC_NODES, "the performance topology with replicasPerPrimary " + r + " needs a primary in each of the "
          + count + " regions and " + r + (r == 1 ? " replica" : " replicas") + " for each, so at least " + needed
          + " nodes; the spec has " + total + ": add " + (needed - total) + " (or lower replicasPerPrimary)");
    }
    for (int region = 0; region < count; region++) {
      int outside = total - regions.nodes(region).size();
      if (outside < count) {
        String name = regions.name(region);
        return refused(PlacementRules.REPLICA_OUTSIDE_REGION, "region " + name + " holds " + regions.nodes(region).size()
            + " of the " + total + " nodes; with a primary in each of the " + count + " regions, the " + outside
            + (outside == 1 ? " node" : " nodes") + " outside " + name + " are all primaries, so no spare node outside "
            + name + " can replicate " + name + "'s primary: add a node to another region, or move one out of " + name);
      }
    }
    // Unreachable if the reasoning above is right; kept so a bug refuses instead of throwing.
    return refused(SPEC_NODES, "no performance layout of these " + total + " nodes meets the rules, and none of the known"
        + " causes applies: report this spec to the Meridian developers");
  }

  // ---------------------------------------------------------------- reliability

  private static PlanResult reliability(ClusterSpec spec) {
    Regions regions = new Regions(spec);
    List<NodeSpec> candidates = regions.primaryCandidates(0);
    String first = regions.name(0);
    if (candidates.isEmpty()) {
      return refused(PlacementRules.PRIMARY_NOFAILOVER, "region " + first + ", the first region, has only nofailover"
          + " nodes (" + addresses(regions.nodes(0)) + "), and the reliability topology keeps every primary there:"
          + " remove the tag from one of them or add an untagged node to " + first + " (or list another region first)");
    }
    int shards = Math.min(candidates.size(), Topology.SLOTS);
    for (int region = 1; region < regions.count(); region++) {
      shards = Math.min(shards, regions.nodes(region).size());
    }
    List<NodeSpec> primaries = candidates.subList(0, shards);
    List<List<NodeSpec>> spare = new ArrayList<>();
    spare.add(regions.replicaCandidates(0).stream().filter(n -> !primaries.contains(n)).toList());
    for (int region = 1; region < regions.count(); region++) {
      spare.add(regions.replicaCandidates(region));
    }
    Assignment assignment = new Assignment(primaries, new int[shards], spare);
    for (int region = 1; region < regions.count(); region++) {
      for (int p = 0; p < shards; p++) {
        assignment.follow(region, p);
      }
    }
    assignment.placeLeftovers();
    return new Planned(assignment.toPlan());
  }

  // ---------------------------------------------------------------- helpers

  /** The spec's regions by index, with each region's nodes in the orders the planner picks them. */
  private static final class Regions {
    private final List<RegionSpec> regions;
    private final Map<NodeSpec, Integer> index = new HashMap<>();

    Regions(ClusterSpec spec) {
      this.regions = spec.regions();
      for (int i = 0; i < regions.size(); i++) {
        for (NodeSpec node : regions.get(i).nodes()) {
          index.put(node, i);
        }
      }
    }

    int count() {
      return regions.size();
    }

    String name(int region) {
      return regions.get(region).name();
    }

    List<NodeSpec> nodes(int region) {
      return regions.get(region).nodes();
    }

    int indexOf(NodeSpec node) {
      return index.get(node);
    }

    /** Nodes that may be primaries: untagged, highest priority first, then as listed. */
    List<NodeSpec> primaryCandidates(int region) {
      return nodes(region).stream().filter(n -> !n.noFailover())
          .sorted(Comparator.comparingInt((NodeSpec n) -> -n.priority())).toList();
    }

    /**
     * Nodes in the order they become replicas: those that may be promoted first (highest priority
     * first), then nofailover ones, so the copies a failover depends on are the promotable ones.
     */
    List<NodeSpec> replicaCandidates(int region) {
      return nodes(region).stream()
          .sorted(Comparator.comparing(NodeSpec::noFailover).thenComparingInt(n -> -n.priority())).toList();
    }
  }

  /**
   * Replicas handed to primaries region by region: first it is decided how many nodes of which
   * region follow which primary, and only at the end which node that is (see {@link #toPlan}).
   */
  private static final class Assignment {
    private final List<NodeSpec> primaries;
    private final int[] primaryRegion;
    /** Per region, its spare nodes in {@link Regions#replicaCandidates} order. */
    private final List<List<NodeSpec>> spare;
    private final int[] left;
    private final int[] replicas;
    /** copies[p][region]: how many nodes of that region hold shard p (its primary included). */
    private final int[][] copies;
    /** (primary, region) per replica, in the order they were decided. */
    private final List<int[]> placed = new ArrayList<>();

    Assignment(List<NodeSpec> primaries, int[] primaryRegion, List<List<NodeSpec>> spare) {
      this.primaries = primaries;
      this.primaryRegion = primaryRegion;
      this.spare = spare;
      this.left = spare.stream().mapToInt(List::size).toArray();
      this.replicas = new int[primaries.size()];
      this.copies = new int[primaries.size()][spare.size()];
      for (int p = 0; p < primaries.size(); p++) {
        copies[p][primaryRegion[p]] = 1;
      }
    }

    /** One spare node of {@code region} will follow primary {@code p}. */
    void follow(int region, int p) {
      if (left[region] == 0) {
        throw new IllegalStateException("no spare node left in region " + region);
      }
      left[region]--;
      replicas[p]++;
      copies[p][region]++;
      placed.add(new int[] {p, region});
    }

    int replicas(int p) {
      return replicas[p];
    }

    /** A region with a spare node where shard p has the fewest copies; another region before p's own. */
    int bestRegionFor(int p) {
      return IntStream.range(0, left.length).filter(region -> left[region] > 0).boxed()
          .min(Comparator.comparingInt((Integer region) -> copies[p][region])
              .thenComparingInt(region -> region == primaryRegion[p] ? 1 : 0)
              .thenComparingInt(region -> region))
          .orElseThrow(() -> new IllegalStateException("no spare node left for a required replica"));
    }

    /**
     * Every node still spare follows the primary with the fewest replicas, preferring shards with
     * the fewest copies in the node's region (none, where one exists), then plan order.
     */
    void placeLeftovers() {
      for (int region = 0; region < left.length; region++) {
        while (left[region] > 0) {
          int here = region;
          follow(region, IntStream.range(0, primaries.size()).boxed()
              .min(Comparator.comparingInt((Integer q) -> replicas[q])
                  .thenComparingInt(q -> copies[q][here])
                  .thenComparingInt(q -> q))
              .orElseThrow());
        }
      }
    }

    /**
     * Names the nodes. In each region the spare nodes go out promotable-first, and the shards with
     * the fewest replicas take them first: such a shard depends most on each copy, and a copy
     * tagged nofailover can keep its data but never take over.
     */
    PlacementPlan toPlan() {
      List<Map<Integer, Deque<NodeSpec>>> nodeFor = new ArrayList<>();
      for (int region = 0; region < spare.size(); region++) {
        int here = region;
        List<Integer> takers = placed.stream().filter(pair -> pair[1] == here).map(pair -> pair[0])
            .sorted(Comparator.comparingInt((Integer p) -> replicas[p]).thenComparingInt(p -> p)).toList();
        Map<Integer, Deque<NodeSpec>> byPrimary = new HashMap<>();
        for (int i = 0; i < takers.size(); i++) {
          byPrimary.computeIfAbsent(takers.get(i), p -> new ArrayDeque<>()).addLast(spare.get(region).get(i));
        }
        nodeFor.add(byPrimary);
      }
      Map<String, String> replicaOf = new LinkedHashMap<>();
      for (int[] pair : placed) {
        replicaOf.put(nodeFor.get(pair[1]).get(pair[0]).removeFirst().announced(), primaries.get(pair[0]).announced());
      }
      return PlacementPlan.of(primaries.stream().map(NodeSpec::announced).toList(), replicaOf);
    }
  }

  /**
   * Max-flow by shortest augmenting paths (Edmonds–Karp) over adjacency lists. Edges are tried
   * in insertion order, so the result is deterministic.
   */
  private static final class Flow {
    private final List<List<Integer>> out;
    private final List<int[]> edges = new ArrayList<>(); // {from, to, capacity, flow}; edge i^1 is i's reverse

    Flow(int vertices) {
      out = new ArrayList<>(vertices);
      for (int v = 0; v < vertices; v++) {
        out.add(new ArrayList<>());
      }
    }

    int edge(int from, int to, int capacity) {
      int id = edges.size();
      edges.add(new int[] {from, to, capacity, 0});
      edges.add(new int[] {to, from, 0, 0});
      out.get(from).add(id);
      out.get(to).add(id + 1);
      return id;
    }

    void raise(int edge, int capacity) {
      edges.get(edge)[2] = capacity;
    }

    int flowOn(int edge) {
      return edges.get(edge)[3];
    }

    /** Augments until no path is left; returns the total flow leaving {@code source}. */
    int maximize(int source, int sink) {
      while (true) {
        int[] via = new int[out.size()];
        Arrays.fill(via, -1);
        Deque<Integer> queue = new ArrayDeque<>(List.of(source));
        boolean[] seen = new boolean[out.size()];
        seen[source] = true;
        while (!queue.isEmpty() && !seen[sink]) {
          int v = queue.removeFirst();
          for (int id : out.get(v)) {
            int[] e = edges.get(id);
            if (!seen[e[1]] && e[2] - e[3] > 0) {
              seen[e[1]] = true;
              via[e[1]] = id;
              queue.addLast(e[1]);
            }
          }
        }
        if (!seen[sink]) {
          break;
        }
        int push = Integer.MAX_VALUE;
        for (int v = sink; v != source; v = edges.get(via[v])[0]) {
          int[] e = edges.get(via[v]);
          push = Math.min(push, e[2] - e[3]);
        }
        for (int v = sink; v != source; v = edges.get(via[v])[0]) {
          edges.get(via[v])[3] += push;
          edges.get(via[v] ^ 1)[3] -= push;
        }
      }
      return out.get(source).stream().mapToInt(id -> edges.get(id)[3]).sum();
    }
  }

  private static String addresses(List<NodeSpec> nodes) {
    return nodes.stream().map(NodeSpec::announced).collect(Collectors.joining(", "));
  }

  private static Optional<Refused> refuse(String rule, String reason) {
    return Optional.of(refused(rule, reason));
  }

  private static Refused refused(String rule, String reason) {
    return new Refused(rule, reason);
  }
}
