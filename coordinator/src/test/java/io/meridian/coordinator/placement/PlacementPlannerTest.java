package io.meridian.coordinator.placement;

import static io.meridian.coordinator.placement.Specs.layout;
import static io.meridian.coordinator.placement.Specs.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.placement.PlanResult.Refused;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Scenarios an operator would write a spec for. Layout lines read
 * {@code primary region slots <- replica region, ...}, one per shard in plan order; region i
 * (us-east, eu-west, ap-south, sa-east, af-south) holds nodes 10.i.0.1, 10.i.0.2, ...
 */
class PlacementPlannerTest {

  /** Plans and checks the plan with the rules that judge a live cluster. */
  static List<String> plan(ClusterSpec spec) {
    PlacementPlan plan = Specs.planned(spec);
    assertThat(PlacementRules.check(spec, plan.toTopology(spec))).isEmpty();
    return layout(spec, plan);
  }

  static Refused refusal(ClusterSpec spec) {
    PlanResult result = PlacementPlanner.plan(spec);
    assertThat(result).isInstanceOf(Refused.class);
    return (Refused) result;
  }

  @Nested
  class Performance {

    @Test
    void threeRegionsOfThreeGiveFourShardsTwoOfThemInTheFirstRegion() {
      // 9 nodes, 1 replica each: floor(9 / 2) = 4 shards, so one region carries two; the regions
      // tie on size, so the first listed does. The ninth node is a second replica for shard 1.
      assertThat(plan(Specs.performance(1, 3, 3, 3))).containsExactly(
          "10.1.0.1:6379 us-east 0-4095 <- 10.2.0.3:6379 eu-west, 10.3.0.3:6379 ap-south",
          "10.2.0.1:6379 eu-west 4096-8191 <- 10.1.0.3:6379 us-east",
          "10.3.0.1:6379 ap-south 8192-12287 <- 10.2.0.2:6379 eu-west",
          "10.1.0.2:6379 us-east 12288-16383 <- 10.3.0.2:6379 ap-south");
    }

    @Test
    void fiveRegionsOfTwoGiveOneShardPerRegionEachReplicatedElsewhere() {
      assertThat(plan(Specs.performance(1, 2, 2, 2, 2, 2))).containsExactly(
          "10.1.0.1:6379 us-east 0-3276 <- 10.2.0.2:6379 eu-west",
          "10.2.0.1:6379 eu-west 3277-6553 <- 10.5.0.2:6379 af-south",
          "10.3.0.1:6379 ap-south 6554-9830 <- 10.4.0.2:6379 sa-east",
          "10.4.0.1:6379 sa-east 9831-13107 <- 10.3.0.2:6379 ap-south",
          "10.5.0.1:6379 af-south 13108-16383 <- 10.1.0.2:6379 us-east");
    }

    @Test
    void fourRegionsOfThreeWithOneReplicaGiveSixShards() {
      assertThat(plan(Specs.performance(1, 3, 3, 3, 3))).containsExactly(
          "10.1.0.1:6379 us-east 0-2730 <- 10.2.0.3:6379 eu-west",
          "10.2.0.1:6379 eu-west 2731-5461 <- 10.1.0.3:6379 us-east",
          "10.3.0.1:6379 ap-south 5462-8192 <- 10.4.0.2:6379 sa-east",
          "10.4.0.1:6379 sa-east 8193-10923 <- 10.3.0.2:6379 ap-south",
          "10.1.0.2:6379 us-east 10924-13653 <- 10.3.0.3:6379 ap-south",
          "10.2.0.2:6379 eu-west 13654-16383 <- 10.4.0.3:6379 sa-east");
    }

    @Test
    void fourRegionsOfThreeWithTwoReplicasPutEachCopyInADifferentRegion() {
      assertThat(plan(Specs.performance(2, 3, 3, 3, 3))).containsExactly(
          "10.1.0.1:6379 us-east 0-4095 <- 10.2.0.2:6379 eu-west, 10.3.0.2:6379 ap-south",
          "10.2.0.1:6379 eu-west 4096-8191 <- 10.3.0.3:6379 ap-south, 10.4.0.2:6379 sa-east",
          "10.3.0.1:6379 ap-south 8192-12287 <- 10.1.0.2:6379 us-east, 10.4.0.3:6379 sa-east",
          "10.4.0.1:6379 sa-east 12288-16383 <- 10.1.0.3:6379 us-east, 10.2.0.3:6379 eu-west");
    }

    @Test
    void unevenRegionsGiveTheBiggestRegionsTheExtraPrimaries() {
      // 10 nodes, 5 shards: the two extra primaries go to ap-south (5 nodes) and eu-west (3).
      assertThat(plan(Specs.performance(1, 2, 3, 5))).containsExactly(
          "10.1.0.1:6379 us-east 0-3276 <- 10.3.0.3:6379 ap-south",
          "10.2.0.1:6379 eu-west 3277-6553 <- 10.3.0.4:6379 ap-south",
          "10.3.0.1:6379 ap-south 6554-9830 <- 10.1.0.2:6379 us-east",
          "10.2.0.2:6379 eu-west 9831-13107 <- 10.3.0.5:6379 ap-south",
          "10.3.0.2:6379 ap-south 13108-16383 <- 10.2.0.3:6379 eu-west");
    }

    @Test
    void aCrowdedRegionLimitsTheShardsToThoseThatFindAReplicaOutsideIt() {
      // 10 nodes would allow floor(10 / 2) = 5 shards, but every shard needs a copy outside its
      // region and only 4 nodes are outside ap-south: with 5 shards ap-south would hold at least
      // one primary more than those nodes can replicate. 4 shards fit; the 2 nodes left over
      // become second replicas of the first shards in plan order.
      assertThat(plan(Specs.performance(1, 2, 2, 6))).containsExactly(
          "10.1.0.1:6379 us-east 0-4095 <- 10.3.0.3:6379 ap-south, 10.3.0.4:6379 ap-south",
          "10.2.0.1:6379 eu-west 4096-8191 <- 10.3.0.5:6379 ap-south, 10.3.0.6:6379 ap-south",
          "10.3.0.1:6379 ap-south 8192-12287 <- 10.1.0.2:6379 us-east",
          "10.3.0.2:6379 ap-south 12288-16383 <- 10.2.0.2:6379 eu-west");
    }

    @Test
    void primariesArePickedByPriorityAndNeverFromNofailoverNodes() {
      // us-east: 10.1.0.3 (priority 200) and 10.1.0.2 lead; 10.1.0.1 is nofailover despite its 1000.
      // eu-west: 10.2.0.3 (100) beats 10.2.0.2 (50). Of eu-west's spare nodes the promotable
      // 10.2.0.2 goes to ap-south's shard, whose only replica it is.
      ClusterSpec spec = Specs.spec(TopologyKind.PERFORMANCE, 1, List.of(
          new RegionSpec("us-east", List.of(node(1, 1, true, 1000), node(1, 2, false, 100), node(1, 3, false, 200))),
          new RegionSpec("eu-west", List.of(node(2, 1, true, 100), node(2, 2, false, 50), node(2, 3, false, 100))),
          new RegionSpec("ap-south", List.of(node(3, 1), node(3, 2), node(3, 3)))));
      assertThat(plan(spec)).containsExactly(
          "10.1.0.3:6379 us-east 0-4095 <- 10.2.0.1:6379 eu-west, 10.3.0.3:6379 ap-south",
          "10.2.0.3:6379 eu-west 4096-8191 <- 10.1.0.1:6379 us-east",
          "10.3.0.1:6379 ap-south 8192-12287 <- 10.2.0.2:6379 eu-west",
          "10.1.0.2:6379 us-east 12288-16383 <- 10.3.0.2:6379 ap-south");
    }

    @Test
    void aRegionShortOfEligibleNodesGetsFewerPrimariesInsteadOfARefusal() {
      // 12 nodes allow 6 shards (2 per region), but us-east has one node that may be primary.
      // 5 shards as (2, 2, 1) or (2, 1, 2) need two there too; (1, 2, 2) works.
      ClusterSpec spec = Specs.spec(TopologyKind.PERFORMANCE, 1, List.of(
          new RegionSpec("us-east", List.of(node(1, 1), node(1, 2, true, 100), node(1, 3, true, 100), node(1, 4, true, 100))),
          Specs.regions(0, 4).get(1), Specs.regions(0, 0, 4).get(2)));
      assertThat(plan(spec)).containsExactly(
          "10.1.0.1:6379 us-east 0-3276 <- 10.2.0.4:6379 eu-west, 10.3.0.3:6379 ap-south",
          "10.2.0.1:6379 eu-west 3277-6553 <- 10.1.0.4:6379 us-east, 10.3.0.4:6379 ap-south",
          "10.3.0.1:6379 ap-south 6554-9830 <- 10.1.0.2:6379 us-east",
          "10.2.0.2:6379 eu-west 9831-13107 <- 10.1.0.3:6379 us-east",
          "10.3.0.2:6379 ap-south 13108-16383 <- 10.2.0.3:6379 eu-west");
    }
  }

  @Nested
  class Reliability {

    @Test
    void threeRegionsOfThreeKeepAllPrimariesInTheFirstAndACopyInEveryOther() {
      assertThat(plan(Specs.reliability(3, 3, 3))).containsExactly(
          "10.1.0.1:6379 us-east 0-5461 <- 10.2.0.1:6379 eu-west, 10.3.0.1:6379 ap-south",
          "10.1.0.2:6379 us-east 5462-10922 <- 10.2.0.2:6379 eu-west, 10.3.0.2:6379 ap-south",
          "10.1.0.3:6379 us-east 10923-16383 <- 10.2.0.3:6379 eu-west, 10.3.0.3:6379 ap-south");
    }

    @Test
    void fiveRegionsOfTwoGiveTwoShardsWithFourCopiesEach() {
      assertThat(plan(Specs.reliability(2, 2, 2, 2, 2))).containsExactly(
          "10.1.0.1:6379 us-east 0-8191 <- 10.2.0.1:6379 eu-west, 10.3.0.1:6379 ap-south, 10.4.0.1:6379 sa-east,"
              + " 10.5.0.1:6379 af-south",
          "10.1.0.2:6379 us-east 8192-16383 <- 10.2.0.2:6379 eu-west, 10.3.0.2:6379 ap-south, 10.4.0.2:6379 sa-east,"
              + " 10.5.0.2:6379 af-south");
    }

    @Test
    void fourRegionsOfThree() {
      assertThat(plan(Specs.reliability(3, 3, 3, 3))).containsExactly(
          "10.1.0.1:6379 us-east 0-5461 <- 10.2.0.1:6379 eu-west, 10.3.0.1:6379 ap-south, 10.4.0.1:6379 sa-east",
          "10.1.0.2:6379 us-east 5462-10922 <- 10.2.0.2:6379 eu-west, 10.3.0.2:6379 ap-south, 10.4.0.2:6379 sa-east",
          "10.1.0.3:6379 us-east 10923-16383 <- 10.2.0.3:6379 eu-west, 10.3.0.3:6379 ap-south, 10.4.0.3:6379 sa-east");
    }

    @Test
    void theSmallestRegionSetsTheShardCountAndExtraNodesBecomeExtraReplicas() {
      // us-east has 2 nodes, so 2 shards: eu-west's third node and ap-south's three extra nodes
      // are spread so that each shard ends with 4 replicas.
      assertThat(plan(Specs.reliability(2, 3, 5))).containsExactly(
          "10.1.0.1:6379 us-east 0-8191 <- 10.2.0.1:6379 eu-west, 10.3.0.1:6379 ap-south, 10.2.0.2:6379 eu-west,"
              + " 10.3.0.2:6379 ap-south",
          "10.1.0.2:6379 us-east 8192-16383 <- 10.2.0.3:6379 eu-west, 10.3.0.3:6379 ap-south, 10.3.0.4:6379 ap-south,"
              + " 10.3.0.5:6379 ap-south");
    }

    @Test
    void extraNodesInTheFirstRegionBecomeLocalReplicas() {
      assertThat(plan(Specs.reliability(5, 3, 2))).containsExactly(
          "10.1.0.1:6379 us-east 0-8191 <- 10.2.0.1:6379 eu-west, 10.3.0.1:6379 ap-south, 10.1.0.3:6379 us-east,"
              + " 10.1.0.4:6379 us-east",
          "10.1.0.2:6379 us-east 8192-16383 <- 10.2.0.2:6379 eu-west, 10.3.0.2:6379 ap-south, 10.1.0.5:6379 us-east,"
              + " 10.2.0.3:6379 eu-west");
    }

    @Test
    void nofailoverNodesOfTheFirstRegionBecomeReplicasAndCapTheShardCount() {
      ClusterSpec spec = Specs.spec(TopologyKind.RELIABILITY, 2, List.of(
          new RegionSpec("us-east", List.of(node(1, 1, true, 100), node(1, 2), node(1, 3, true, 100))),
          Specs.regions(0, 3).get(1), Specs.regions(0, 0, 2).get(2)));
      assertThat(plan(spec)).containsExactly(
          "10.1.0.2:6379 us-east 0-16383 <- 10.2.0.1:6379 eu-west, 10.3.0.1:6379 ap-south, 10.1.0.1:6379 us-east,"
              + " 10.1.0.3:6379 us-east, 10.2.0.2:6379 eu-west, 10.2.0.3:6379 eu-west, 10.3.0.2:6379 ap-south");
    }

    @Test
    void promotableNodesAreTheCopiesOtherRegionsKeepAndNofailoverOnesTheExtras() {
      // If us-east is lost, eu-west's copy of each shard must be promotable there.
      ClusterSpec spec = Specs.spec(TopologyKind.RELIABILITY, 2, List.of(
          Specs.regions(1).get(0),
          new RegionSpec("eu-west", List.of(node(2, 1, true, 100), node(2, 2))),
          Specs.regions(0, 0, 1).get(2)));
      assertThat(plan(spec)).containsExactly(
          "10.1.0.1:6379 us-east 0-16383 <- 10.2.0.2:6379 eu-west, 10.3.0.1:6379 ap-south, 10.2.0.1:6379 eu-west");
    }

    @Test
    void replicasPerPrimaryIsNotUsedByReliability() {
      ClusterSpec spec = Specs.spec(TopologyKind.RELIABILITY, 7, Specs.regions(3, 3, 3));
      assertThat(plan(spec)).isEqualTo(plan(Specs.reliability(3, 3, 3)));
    }
  }

  @Nested
  class Refusals {

    @Test
    void performanceRefusesWhenTheOnlyNodesOutsideABigRegionAreAllPrimaries() {
      assertThat(refusal(Specs.performance(1, 1, 1, 4))).isEqualTo(new Refused("replica-outside-region",
          "region ap-south holds 4 of the 6 nodes; with a primary in each of the 3 regions, the 2 nodes outside ap-south"
              + " are all primaries, so no spare node outside ap-south can replicate ap-south's primary: add a node to"
              + " another region, or move one out of ap-south"));
    }

    @Test
    void performanceRefusesTooFewNodesForAPrimaryAndItsReplicasInEveryRegion() {
      assertThat(refusal(Specs.performance(2, 2, 2, 3))).isEqualTo(new Refused("spec-nodes",
          "the performance topology with replicasPerPrimary 2 needs a primary in each of the 3 regions and 2 replicas"
              + " for each, so at least 9 nodes; the spec has 7: add 2 (or lower replicasPerPrimary)"));
    }

    @Test
    void performanceRefusesARegionWhoseNodesAreAllNofailover() {
      ClusterSpec spec = Specs.spec(TopologyKind.PERFORMANCE, 1, List.of(Specs.regions(2).get(0),
          new RegionSpec("eu-west", List.of(node(2, 1, true, 100), node(2, 2, true, 100))), Specs.regions(0, 0, 2).get(2)));
      assertThat(refusal(spec)).isEqualTo(new Refused("primary-nofailover", "region eu-west has only nofailover nodes"
          + " (10.2.0.1:6379, 10.2.0.2:6379), but the performance topology needs a primary in every region: remove the"
          + " tag from one of them or add an untagged node to eu-west"));
    }

    @Test
    void reliabilityRefusesAFirstRegionWhoseNodesAreAllNofailover() {
      ClusterSpec spec = Specs.spec(TopologyKind.RELIABILITY, 2, List.of(
          new RegionSpec("us-east", List.of(node(1, 1, true, 100))), Specs.regions(0, 2).get(1),
          Specs.regions(0, 0, 2).get(2)));
      assertThat(refusal(spec)).isEqualTo(new Refused("primary-nofailover", "region us-east, the first region, has only"
          + " nofailover nodes (10.1.0.1:6379), and the reliability topology keeps every primary there: remove the tag"
          + " from one of them or add an untagged node to us-east (or list another region first)"));
    }

    @Test
    void twoRegionsAreRefusedInBothTopologies() {
      String reason = "the spec lists 2 regions (us-east, eu-west) but Meridian spreads a cluster over 3 to 5 regions,"
          + " so that losing one still leaves a majority: add regions";
      assertThat(refusal(Specs.performance(1, 3, 3))).isEqualTo(new Refused("spec-regions", reason));
      assertThat(refusal(Specs.reliability(3, 3))).isEqualTo(new Refused("spec-regions", reason));
    }

    @Test
    void sixRegionsAreRefused() {
      List<RegionSpec> six = new java.util.ArrayList<>(Specs.regions(2, 2, 2, 2, 2));
      six.add(new RegionSpec("me-central", List.of(node(6, 1), node(6, 2))));
      assertThat(refusal(Specs.spec(TopologyKind.PERFORMANCE, 1, six))).isEqualTo(new Refused("spec-regions",
          "the spec lists 6 regions (us-east, eu-west, ap-south, sa-east, af-south, me-central) but Meridian spreads a"
              + " cluster over 3 to 5 regions, so that losing one still leaves a majority: remove or merge regions"));
    }

    @Test
    void anEmptyRegionIsRefused() {
      assertThat(refusal(Specs.reliability(3, 0, 3))).isEqualTo(new Refused("spec-regions", "region eu-west lists no"
          + " nodes, but the reliability topology needs every region to hold a copy of the data: add nodes there or"
          + " remove the region from the spec"));
    }

    @Test
    void aNodeListedTwiceIsRefused() {
      ClusterSpec spec = Specs.spec(TopologyKind.PERFORMANCE, 1, List.of(Specs.regions(2).get(0),
          new RegionSpec("eu-west", List.of(node(2, 1), node(1, 2))), Specs.regions(0, 0, 2).get(2)));
      assertThat(refusal(spec)).isEqualTo(new Refused("spec-nodes", "node 10.1.0.2:6379 is listed twice (in us-east and"
          + " in eu-west): list every node once, under its own announced address"));
    }

    @Test
    void performanceWithoutReplicasIsRefused() {
      assertThat(refusal(Specs.performance(0, 3, 3, 3)).rule()).isEqualTo("replicas-per-primary");
    }
  }
}
