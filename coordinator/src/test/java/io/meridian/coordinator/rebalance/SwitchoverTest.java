package io.meridian.coordinator.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Switchover requests against a legal performance layout (3 × 3, two replicas per primary). */
class SwitchoverTest {

  static final Snapshot LEGAL = RebalancePlannerPropertyTest.drifted(RebalancePlannerTest.PERFORMANCE, List.of());
  static final String PRIMARY = "10.1.0.1:6379";

  static Switchover.Result plan(Snapshot s, String shard, String to) {
    return Switchover.plan(RebalancePlannerTest.PERFORMANCE, s, shard, Optional.ofNullable(to),
        RebalancePlannerTest.SETTINGS);
  }

  static String replicaOf(String primary) {
    return LEGAL.topology().nodes().values().stream().filter(n -> n.primaryOf().filter(primary::equals).isPresent())
        .map(n -> n.address()).sorted().findFirst().orElseThrow();
  }

  @Test
  void byNodeIdOrSlotToAChosenOrGivenInSyncReplica() {
    String replica = replicaOf(PRIMARY);
    Switchover.Result bySlot = plan(LEGAL, "100", replica);
    assertThat(bySlot).isInstanceOf(Switchover.Planned.class);
    Step step = ((Switchover.Planned) bySlot).step();
    assertThat(step.move()).isEqualTo(new Move.Failover(replica, PRIMARY));
    assertThat(step.kind()).isEqualTo(Step.Kind.SWITCHOVER);
    assertThat(step.shards()).containsExactly("0-5461");
    Switchover.Result byId = plan(LEGAL, "id-" + PRIMARY, null);
    assertThat(byId).isInstanceOf(Switchover.Refused.class); // "id-…" is not a node id: only 40 hex characters are
    Map<String, NodeFacts> facts = new HashMap<>(LEGAL.facts());
    NodeFacts p = facts.get(PRIMARY);
    String id = "a".repeat(40);
    facts.put(PRIMARY, new NodeFacts(p.probeAddress(), p.agent(), id, true, false, 0));
    Switchover.Result chosen = plan(new Snapshot(LEGAL.topology(), facts), id, null);
    assertThat(((Switchover.Planned) chosen).step().move()).isInstanceOf(Move.Failover.class);
  }

  @Test
  void badOrUnsafeRequestsAreRefusedWithTheReason() {
    assertThat(plan(LEGAL, "first", null)).isEqualTo(new Switchover.Refused(400,
        "shard must be a primary's node id (40 hex characters) or a slot number (0 to 16383), got \"first\""));
    assertThat(plan(LEGAL, "16384", null)).isEqualTo(new Switchover.Refused(400, "slot must be 0 to 16383, got 16384"));
    assertThat(plan(LEGAL, "b".repeat(40), null)).isEqualTo(new Switchover.Refused(404,
        "no answering node has the id " + "b".repeat(40)));
    assertThat(plan(LEGAL, "0", "10.1.0.2:6379")).isInstanceOfSatisfying(Switchover.Refused.class, r -> {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.reason()).startsWith("10.1.0.2:6379 is not a replica of 10.1.0.1:6379 (shard 0-5461)");
    });
    String replica = replicaOf(PRIMARY);
    Map<String, NodeFacts> facts = new HashMap<>(LEGAL.facts());
    NodeFacts r = facts.get(replica);
    NodeFacts p = facts.get(PRIMARY);
    facts.put(PRIMARY, new NodeFacts(p.probeAddress(), p.agent(), p.nodeId(), true, false, 5000));
    assertThat(plan(new Snapshot(LEGAL.topology(), facts), "0", replica)).isEqualTo(new Switchover.Refused(409,
        replica + " is not ready to take over shard 0-5461: lag 5000 bytes, at most 1024"));
    facts.put(replica, r.syncing());
    assertThat(plan(new Snapshot(LEGAL.topology(), facts), "0", replica)).isEqualTo(new Switchover.Refused(409,
        replica + " is not ready to take over shard 0-5461: link to its primary down (not healthy)"));
  }

  @Test
  void aSwitchedOverShardStaysWhereTheOperatorPutItAndTheSpreadIsRestoredAroundIt() {
    String replica = LEGAL.topology().nodes().values().stream()
        .filter(n -> n.primaryOf().filter(PRIMARY::equals).isPresent() && n.address().startsWith("10.2."))
        .map(n -> n.address()).findFirst().orElseThrow();
    Snapshot switched = Simulation.synced(Simulation.apply(LEGAL, new Move.Failover(replica, PRIMARY)), Set.of(PRIMARY));
    RebalancePlan free = RebalancePlanner.plan(RebalancePlannerTest.PERFORMANCE, switched, RebalancePlannerTest.SETTINGS,
        Set.of());
    assertThat(free.steps()).extracting(Step::move).containsExactly(new Move.Failover(PRIMARY, replica));
    RebalancePlan pinned = RebalancePlanner.plan(RebalancePlannerTest.PERFORMANCE, switched,
        RebalancePlannerTest.SETTINGS, Set.of(), Set.of("0-5461"));
    assertThat(pinned.steps()).isNotEmpty().allSatisfy(step -> {
      assertThat(step.shards()).doesNotContain("0-5461");
      assertThat(step.move()).isInstanceOf(Move.Failover.class);
    });
  }
}
