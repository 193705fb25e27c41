package io.meridian.coordinator.placement;

import io.meridian.messages.SlotRange;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.placement.PlanResult.Planned;
import io.meridian.coordinator.placement.PlanResult.Refused;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.RedisSettings;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import io.meridian.runtime.config.RedisAuth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated specs: 3 to 5 regions of 0 to 8 nodes (an empty region now and then, since that is
 * refused before anything interesting happens), one node in five tagged nofailover, priorities
 * from a few values, replicasPerPrimary 1 to 3, both topologies.
 */
class PlacementPlannerPropertyTest {

  /** Specs this small are checked against {@link ExhaustiveSearch}, which tries every layout. */
  static final int EXHAUSTIVE_MAX_NODES = 10;

  record GeneratedNode(boolean noFailover, int priority) {
  }

  @Provide
  Arbitrary<ClusterSpec> specs() {
    return specs(Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)),
        Tuple.of(20, Arbitraries.integers().between(1, 8))));
  }

  /**
   * Up to {@value #EXHAUSTIVE_MAX_NODES} nodes. Half are lopsided: one region of 3 to 8 nodes, the
   * others of 1 or 2, so that specs such as (1, 1, 4), where a big region leaves too few nodes
   * elsewhere to replicate its primaries, come up often rather than once in a thousand.
   */
  @Provide
  Arbitrary<ClusterSpec> smallSpecs() {
    Arbitrary<ClusterSpec> mixed = specs(Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)),
        Tuple.of(12, Arbitraries.just(1)), Tuple.of(8, Arbitraries.just(2)), Tuple.of(8, Arbitraries.integers().between(3, 6))));
    Arbitrary<List<Integer>> lopsidedSizes = Combinators.combine(
        Arbitraries.integers().between(1, 2).list().ofMinSize(3).ofMaxSize(5),
        Arbitraries.integers().between(0, 4), Arbitraries.integers().between(3, 8)).as((sizes, at, big) -> {
          List<Integer> all = new ArrayList<>(sizes);
          all.set(at % all.size(), big);
          return all;
        });
    // Fewer tags and mostly one replica, or nearly all of these would be refused for simpler reasons.
    Arbitrary<ClusterSpec> lopsided = specsOfSizes(lopsidedSizes, 12, Arbitraries.frequency(Tuple.of(3, 1), Tuple.of(1, 2)));
    return Arbitraries.oneOf(mixed, lopsided).filter(spec -> spec.nodeCount() <= EXHAUSTIVE_MAX_NODES);
  }

  static Arbitrary<ClusterSpec> specs(Arbitrary<Integer> regionSize) {
    return specsOfSizes(regionSize.list().ofMinSize(3).ofMaxSize(5), 5, Arbitraries.integers().between(1, 3));
  }

  /** Nodes are tagged nofailover one time in {@code oneTagIn}. */
  static Arbitrary<ClusterSpec> specsOfSizes(Arbitrary<List<Integer>> regionSizes, int oneTagIn,
      Arbitrary<Integer> replicasPerPrimary) {
    Arbitrary<GeneratedNode> node = Combinators.combine(
        Arbitraries.frequency(Tuple.of(oneTagIn - 1, false), Tuple.of(1, true)),
        Arbitraries.of(0, 50, 100, 100, 100, 200)).as(GeneratedNode::new);
    Arbitrary<List<List<GeneratedNode>>> regions = regionSizes.flatMap(sizes -> Combinators.combine(
        sizes.stream().map(n -> node.list().ofSize(n)).toList()).as(lists -> lists));
    return Combinators.combine(Arbitraries.of(TopologyKind.class), replicasPerPrimary, regions)
        .as(PlacementPlannerPropertyTest::spec);
  }

  static ClusterSpec spec(TopologyKind kind, int replicasPerPrimary, List<List<GeneratedNode>> regions) {
    List<RegionSpec> specs = new ArrayList<>();
    for (int i = 0; i < regions.size(); i++) {
      List<NodeSpec> nodes = new ArrayList<>();
      for (int j = 0; j < regions.get(i).size(); j++) {
        GeneratedNode node = regions.get(i).get(j);
        nodes.add(new NodeSpec(Specs.address(i + 1, j + 1), Optional.empty(), Optional.empty(), node.noFailover(),
            node.priority()));
      }
      specs.add(new RegionSpec(Specs.REGION_NAMES.get(i), nodes));
    }
    return new ClusterSpec("generated", kind, specs, replicasPerPrimary, RedisSettings.defaults(), RedisAuth.none());
  }

  @Property(tries = 1000)
  void everyPlanIsLegalCoversEverySlotOnceAndPlacesEveryNodeOnce(@ForAll("specs") ClusterSpec spec) {
    PlanResult result = PlacementPlanner.plan(spec);
    Statistics.label("outcome").collect(outcome(spec, result));
    if (!(result instanceof Planned planned)) {
      return;
    }
    PlacementPlan plan = planned.plan();
    assertThat(PlacementRules.check(spec, plan.toTopology(spec))).isEmpty();

    List<SlotRange> ranges = plan.primaries().stream().map(plan.slots()::get).sorted(Comparator.comparingInt(SlotRange::from))
        .toList();
    int next = 0;
    for (SlotRange range : ranges) {
      assertThat(range.from()).isEqualTo(next);
      next = range.to() + 1;
    }
    assertThat(next).isEqualTo(Topology.SLOTS);
    int smallest = ranges.stream().mapToInt(SlotRange::size).min().orElseThrow();
    int largest = ranges.stream().mapToInt(SlotRange::size).max().orElseThrow();
    assertThat(largest - smallest).isLessThanOrEqualTo(1);

    List<String> placed = new ArrayList<>(plan.primaries());
    placed.addAll(plan.replicaOf().keySet());
    assertThat(placed).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(spec.nodes().stream().map(NodeSpec::announced).toList());
  }

  @Property(tries = 500)
  void refusedOnlyWhenNoLegalLayoutExistsAndOtherwiseWithTheMostShards(@ForAll("smallSpecs") ClusterSpec spec) {
    PlanResult result = PlacementPlanner.plan(spec);
    Statistics.label("outcome").collect(outcome(spec, result));
    OptionalInt most = ExhaustiveSearch.mostShards(spec);
    if (result instanceof Refused refused) {
      assertThat(most).as("a legal layout exists although the planner refused: %s", refused).isEmpty();
    } else {
      PlacementPlan plan = ((Planned) result).plan();
      assertThat(most).hasValue(plan.primaries().size());
      assertThat(legalBySearch(spec, plan)).as("the search's rules accept the planner's plan").isTrue();
    }
  }

  @Property(tries = 300)
  void theSameSpecGivesTheSamePlan(@ForAll("specs") ClusterSpec spec) {
    ClusterSpec copy = new ClusterSpec(spec.cluster(), spec.topology(), List.copyOf(spec.regions()),
        spec.replicasPerPrimary(), spec.settings(), spec.auth());
    PlanResult first = PlacementPlanner.plan(spec);
    PlanResult second = PlacementPlanner.plan(copy);
    assertThat(second).isEqualTo(first);
    assertThat(second.toString()).isEqualTo(first.toString()); // same order of replicas too
  }

  /**
   * The exhaustive search restates the rules for plan-shaped layouts; it must agree with
   * {@link PlacementRules#check}, or its verdicts above would prove nothing. Random layouts are
   * nearly all illegal, so half the layouts are the planner's plan with one change (a replica
   * follows another primary, or changes places with its primary): near the boundary, both ways.
   */
  @Property(tries = 1000)
  void theSearchStatesTheSameRulesAsPlacementRules(@ForAll("smallSpecs") ClusterSpec spec,
      @ForAll @Size(EXHAUSTIVE_MAX_NODES) List<@IntRange(max = 99) Integer> choices) {
    int n = spec.nodeCount();
    List<Integer> primaries = new ArrayList<>();
    List<Integer> replicas = new ArrayList<>();
    List<Integer> follows = new ArrayList<>();
    PlanResult result = PlacementPlanner.plan(spec);
    if (result instanceof Planned planned && choices.get(0) % 2 == 0) {
      List<String> addresses = spec.nodes().stream().map(NodeSpec::announced).toList();
      PlacementPlan plan = planned.plan();
      plan.primaries().forEach(p -> primaries.add(addresses.indexOf(p)));
      plan.replicaOf().forEach((replica, primary) -> {
        replicas.add(addresses.indexOf(replica));
        follows.add(plan.primaries().indexOf(primary));
      });
      int changed = choices.get(1) % replicas.size();
      if (choices.get(2) % 2 == 0) {
        follows.set(changed, choices.get(3) % primaries.size());
      } else {
        int primary = follows.get(changed);
        int oldPrimaryNode = primaries.get(primary);
        primaries.set(primary, replicas.get(changed));
        replicas.set(changed, oldPrimaryNode);
      }
    } else {
      for (int i = 0; i < n; i++) {
        (choices.get(i) < 40 || (i == n - 1 && primaries.isEmpty()) ? primaries : replicas).add(i);
      }
      if (primaries.isEmpty()) {
        return; // a spec without nodes has no layout
      }
      replicas.forEach(replica -> follows.add(choices.get(replica) % primaries.size()));
    }
    int[] followsArray = follows.stream().mapToInt(Integer::intValue).toArray();
    boolean legal = ExhaustiveSearch.legal(spec, primaries, replicas, followsArray);
    Statistics.label("layout").collect(legal ? "legal" : "illegal");
    PlacementPlan plan = ExhaustiveSearch.toPlan(spec, primaries, replicas, followsArray);
    assertThat(PlacementRules.check(spec, plan.toTopology(spec)).isEmpty()).as("%s", plan).isEqualTo(legal);
  }

  /** The planner's plan in the search's terms (node indexes in spec order). */
  static boolean legalBySearch(ClusterSpec spec, PlacementPlan plan) {
    List<String> addresses = spec.nodes().stream().map(NodeSpec::announced).toList();
    List<Integer> primaries = plan.primaries().stream().map(addresses::indexOf).toList();
    List<Integer> replicas = new ArrayList<>();
    List<Integer> followsList = new ArrayList<>();
    plan.replicaOf().forEach((replica, primary) -> {
      replicas.add(addresses.indexOf(replica));
      followsList.add(plan.primaries().indexOf(primary));
    });
    return ExhaustiveSearch.legal(spec, primaries, replicas, followsList.stream().mapToInt(Integer::intValue).toArray());
  }

  static String outcome(ClusterSpec spec, PlanResult result) {
    return spec.topology().label() + (result instanceof Refused refused ? " refused " + refused.rule() : " planned");
  }
}
