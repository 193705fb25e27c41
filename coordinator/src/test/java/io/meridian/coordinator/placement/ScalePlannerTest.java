package io.meridian.coordinator.placement;

import static io.meridian.coordinator.placement.PlacementRulesTest.A1;
import static io.meridian.coordinator.placement.PlacementRulesTest.A2;
import static io.meridian.coordinator.placement.PlacementRulesTest.A3;
import static io.meridian.coordinator.placement.PlacementRulesTest.B1;
import static io.meridian.coordinator.placement.PlacementRulesTest.B2;
import static io.meridian.coordinator.placement.PlacementRulesTest.C1;
import static io.meridian.coordinator.placement.PlacementRulesTest.C2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.coordinator.scale.ScalePlanner;
import io.meridian.runtime.spec.ClusterSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scaling decisions shared by the CLI and the leader's jobs, on hand-written topologies. */
class ScalePlannerTest {

  private final ClusterSpec spec = Specs.performance(1, 3, 2, 2);

  private Topology ring() {
    return PlacementRulesTest.ring(spec).topology();
  }

  @Test
  void refusesReliabilityAndNodesOutsideTheSpecWithTheReason() {
    ClusterSpec reliability = Specs.reliability(2, 2, 2);
    assertThat(ScalePlanner.refusal(reliability, A1, true)).hasValue(ScalePlanner.RELIABILITY_REFUSAL);
    assertThat(ScalePlanner.refusal(reliability, A1, false)).hasValue(ScalePlanner.RELIABILITY_REFUSAL);
    assertThat(ScalePlanner.refusal(spec, "10.9.9.9:6379", true))
        .hasValue("10.9.9.9:6379 is not in the spec; add it to a region of the spec first");
    assertThat(ScalePlanner.refusal(spec, "10.9.9.9:6379", false))
        .hasValue("10.9.9.9:6379 is not in the spec; name it as the spec does");
    assertThat(ScalePlanner.refusal(spec, A3, true)).isEmpty();
  }

  @Test
  void aNewNodeIsAPrimaryWhenAskedOrWhenThePlanHasRoomForAnotherShard() {
    Topology t = ring();
    assertThat(ScalePlanner.becomesPrimary(spec, t, A3, ScalePlanner.Role.PRIMARY)).isTrue();
    assertThat(ScalePlanner.becomesPrimary(spec, t, A3, ScalePlanner.Role.REPLICA)).isFalse();
    assertThat(ScalePlanner.becomesPrimary(spec, t, A1, ScalePlanner.Role.REPLICA))
        .as("a node that owns slots stays a primary").isTrue();
    int planned = ((PlanResult.Planned) PlacementPlanner.plan(spec)).plan().primaries().size();
    assertThat(ScalePlanner.becomesPrimary(spec, t, A3, ScalePlanner.Role.AUTO)).isEqualTo(planned > 3);
    ClusterSpec full = Specs.performance(1, 2, 2, 2);
    assertThat(ScalePlanner.becomesPrimary(full, PlacementRulesTest.ring(full).topology(), A2, ScalePlanner.Role.AUTO))
        .as("6 nodes with one replica each: 3 shards, no room").isFalse();
  }

  @Test
  void aReplicaFollowsThePrimaryWithFewestReplicasPreferringNoCopyInItsRegion() {
    Topology t = ring();
    // Each primary has one replica; A1 and C1 (copy A2) have a copy in us-east already, B1 has none.
    assertThat(ScalePlanner.bestPrimaryFor(spec, t, A3, ScalePlanner.shards(t))).isEqualTo(B1);
    assertThat(ScalePlanner.replicasOf(t, A1)).containsExactly(B2);
    assertThat(ScalePlanner.replicasOf(t, B1)).containsExactly(C2);
  }

  @Test
  void aJoiningPrimaryGetsAnEvenShareInBatchesOfBoundedSize() {
    Topology t = ring();
    List<String> after = ScalePlanner.withPrimary(t, A3);
    assertThat(after).containsExactly(A1, B1, C1, A3);
    List<ScalePlanner.Batch> batches = ScalePlanner.batches(t, after, 128);
    assertThat(batches).allSatisfy(b -> {
      assertThat(b.to()).isEqualTo(A3);
      assertThat(b.slots()).hasSizeBetween(1, 128).isSorted();
    });
    Map<String, Integer> given = new HashMap<>();
    List<Integer> moved = new ArrayList<>();
    batches.forEach(b -> {
      given.merge(b.from(), b.slots().size(), Integer::sum);
      moved.addAll(b.slots());
      b.slots().forEach(slot -> assertThat(t.slotOwners().get(slot)).isEqualTo(b.from()));
    });
    assertThat(moved).hasSize(4096).doesNotHaveDuplicates();
    assertThat(given).containsEntry(A1, 1366).containsEntry(B1, 1365).containsEntry(C1, 1365);
    assertThat(batches).hasSize(33);
  }

  @Test
  void aLeavingPrimaryGivesEverythingAwayEvenly() {
    Topology t = ring();
    List<String> after = ScalePlanner.withoutPrimary(t, C1);
    assertThat(after).containsExactly(A1, B1);
    List<ScalePlanner.Batch> batches = ScalePlanner.batches(t, after, 1000);
    assertThat(batches).allSatisfy(b -> assertThat(b.from()).isEqualTo(C1));
    assertThat(batches.stream().mapToInt(b -> b.slots().size()).sum()).isEqualTo(5461);
    Map<String, Integer> received = new HashMap<>();
    batches.forEach(b -> received.merge(b.to(), b.slots().size(), Integer::sum));
    assertThat(received).containsEntry(A1, 8192 - 5462).containsEntry(B1, 8192 - 5461);
  }

  @Test
  void refusesWhatCannotBeDone() {
    Topology uncovered = new PlacementRulesTest.Build(spec).primary(A1, 0, 100).topology();
    assertThatThrownBy(() -> ScalePlanner.batches(uncovered, List.of(A1, B1), 128))
        .hasMessageContaining("slot 101 has no owner");
    Topology single = new PlacementRulesTest.Build(spec).primary(A1, 0, 16383).topology();
    assertThatThrownBy(() -> ScalePlanner.withoutPrimary(single, A1)).hasMessageContaining("the only primary");
    assertThat(ScalePlanner.Role.parse("replica")).hasValue(ScalePlanner.Role.REPLICA);
    assertThat(ScalePlanner.Role.parse("REPLICA")).isEmpty();
    assertThat(ScalePlanner.primaryRefusal(Specs.node(1, 3, true, 100))).get().asString().contains("nofailover");
  }
}
