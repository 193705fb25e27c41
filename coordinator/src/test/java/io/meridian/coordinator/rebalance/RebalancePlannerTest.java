package io.meridian.coordinator.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.TopologyKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The planner and the reconcile cycle on hand-written drifts (the generated ones are in the property test). */
class RebalancePlannerTest {

  static final RebalancePlanner.Settings SETTINGS = RebalancePlannerPropertyTest.SETTINGS;
  static final ClusterSpec PERFORMANCE = RebalancePlannerPropertyTest.spec(List.of(3, 3, 3), TopologyKind.PERFORMANCE, 2,
      List.of(false));
  static final ClusterSpec RELIABILITY = RebalancePlannerPropertyTest.spec(List.of(3, 3, 3), TopologyKind.RELIABILITY, 2,
      List.of(false));
  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  static final RebalanceCycle.Settings AUTOMATIC = new RebalanceCycle.Settings(true, Duration.ofSeconds(2),
      Duration.ofSeconds(30));

  @Test
  void aReplicaMovedIntoItsPrimarysRegionIsMovedBackInOneStep() {
    Snapshot legal = RebalancePlannerPropertyTest.drifted(PERFORMANCE, List.of());
    String replica = "10.1.0.2:6379";
    String home = legal.topology().nodes().get(replica).primaryOf().orElseThrow();
    Snapshot moved = Simulation.synced(Simulation.apply(legal, new Move.Replicate(replica, Optional.of(home),
        "10.1.0.1:6379")), Set.of(replica));
    assertThat(PlacementRules.check(PERFORMANCE, moved.topology())).extracting(v -> v.rule())
        .containsExactly(PlacementRules.REPLICAS_PER_PRIMARY);

    RebalancePlan plan = RebalancePlanner.plan(PERFORMANCE, moved, SETTINGS, Set.of());

    assertThat(plan.steps()).hasSize(1);
    Step step = plan.steps().get(0);
    assertThat(step.move()).isEqualTo(new Move.Replicate(replica, Optional.of("10.1.0.1:6379"), home));
    assertThat(step.kind()).isEqualTo(Step.Kind.REPLICA);
    assertThat(step.reason()).startsWith("move 10.1.0.2:6379 (us-east) from 10.1.0.1:6379 (shard 0-5461, keeps 2 replica(s))"
        + " to replicate " + home).contains("[replicas-per-primary]");
    assertThat(PlacementRules.check(PERFORMANCE, Simulation.apply(moved, step.move()).topology())).isEmpty();
  }

  @Test
  void failbackInReliabilityWaitsUntilTheFirstRegionIsHealthyAndInSyncThenUsesAPlainFailover() {
    Snapshot legal = RebalancePlannerPropertyTest.drifted(RELIABILITY, List.of());
    String old = "10.1.0.1:6379";
    String promoted = legal.topology().nodes().entrySet().stream()
        .filter(e -> e.getValue().primaryOf().filter(old::equals).isPresent() && e.getKey().startsWith("10.2."))
        .map(java.util.Map.Entry::getKey).findFirst().orElseThrow();
    // The promoted replica took over; the old primary came back and follows it, still syncing.
    Snapshot failedOver = Simulation.apply(legal, new Move.Failover(promoted, old));
    Snapshot syncing = new Snapshot(failedOver.topology(), with(failedOver, old, failedOver.facts().get(old).syncing()));

    RebalancePlan waiting = RebalancePlanner.plan(RELIABILITY, syncing, SETTINGS, Set.of());
    assertThat(waiting.steps()).isEmpty();
    assertThat(waiting.violations()).extracting(v -> v.rule()).contains(PlacementRules.RELIABILITY_PRIMARY_REGION);
    assertThat(waiting.waiting()).anyMatch(w -> w.contains("failback") && w.endsWith(
        "waiting until every node of us-east is healthy again (" + old + " is not)"));

    RebalancePlan ready = RebalancePlanner.plan(RELIABILITY, Simulation.synced(syncing, Set.of(old)), SETTINGS, Set.of());
    assertThat(ready.steps()).extracting(Step::move).containsExactly(new Move.Failover(old, promoted));
    assertThat(ready.steps().get(0).kind()).isEqualTo(Step.Kind.FAILBACK);
    assertThat(ready.steps().get(0).reason()).contains("plain CLUSTER FAILOVER", "[reliability-primary-region]");
  }

  @Test
  void aReplicaThatLagsTooFarIsNotInSync() {
    Snapshot legal = RebalancePlannerPropertyTest.drifted(RELIABILITY, List.of());
    String old = "10.1.0.1:6379";
    String promoted = "10.2.0.1:6379";
    Snapshot s = Simulation.apply(legal, new Move.Failover(promoted, old));
    NodeFacts p = s.facts().get(promoted);
    s = new Snapshot(s.topology(), with(s, promoted, new NodeFacts(p.probeAddress(), p.agent(), p.nodeId(), true, false,
        1_000_000)));
    RebalancePlan plan = RebalancePlanner.plan(RELIABILITY, s, SETTINGS, Set.of());
    assertThat(plan.steps()).isEmpty();
    assertThat(plan.waiting()).anyMatch(w -> w.contains("lag 1000000 bytes, at most 1024"));
  }

  @Test
  void theCycleHoldsBackWhilePausedOrFailingOverAndKeepsTheRateLimit() {
    Snapshot legal = RebalancePlannerPropertyTest.drifted(PERFORMANCE, List.of());
    Snapshot moved = Simulation.synced(Simulation.apply(legal, new Move.Replicate("10.1.0.2:6379",
        legal.topology().nodes().get("10.1.0.2:6379").primaryOf(), "10.1.0.1:6379")), Set.of("10.1.0.2:6379"));
    RebalancePlan plan = RebalancePlanner.plan(PERFORMANCE, moved, SETTINGS, Set.of());
    RebalanceCycle.Memory empty = RebalanceCycle.Memory.empty();

    assertThat(RebalanceCycle.next(plan, empty, new RebalanceCycle.Gates(true, false), T0, AUTOMATIC).holdBack())
        .hasValueSatisfying(r -> assertThat(r).startsWith("PAUSE: no rebalancing while maintenance mode is on; would move"));
    assertThat(RebalanceCycle.next(plan, empty, new RebalanceCycle.Gates(false, true), T0, AUTOMATIC).holdBack())
        .hasValueSatisfying(r -> assertThat(r).startsWith("no rebalancing while a failover is in progress"));

    RebalanceCycle.Outcome started = RebalanceCycle.next(plan, empty, new RebalanceCycle.Gates(false, false), T0, AUTOMATIC);
    assertThat(started.start()).contains(plan.steps().get(0));
    assertThat(started.memory().busyShards()).containsAll(plan.steps().get(0).shards());
    assertThat(RebalanceCycle.next(plan, started.memory(), new RebalanceCycle.Gates(false, false), T0.plusSeconds(1),
        AUTOMATIC).holdBack()).hasValueSatisfying(r -> assertThat(r).startsWith("rate limit"));

    // Not seen done: it times out and leaves the memory; seen done: it completes.
    RebalanceCycle.Settled late = RebalanceCycle.settle(started.memory(), moved, T0.plusSeconds(31), AUTOMATIC);
    assertThat(late.memory().inFlight()).isEmpty();
    assertThat(late.events()).singleElement().satisfies(e -> assertThat(e.text()).startsWith("not seen done after 30 s"));
    Snapshot after = Simulation.apply(moved, plan.steps().get(0).move());
    RebalanceCycle.Settled done = RebalanceCycle.settle(started.memory(), after, T0.plusSeconds(3), AUTOMATIC);
    String to = ((Move.Replicate) plan.steps().get(0).move()).to();
    assertThat(done.events()).singleElement().satisfies(e -> assertThat(e.text())
        .isEqualTo("done in 3000 ms: CLUSTER REPLICATE on 10.1.0.2:6379 to follow " + to));
  }

  @Test
  void noAutomaticFailbackToAPrimaryThatFailedWithinTheAntiFlappingWindow() {
    Snapshot legal = RebalancePlannerPropertyTest.drifted(RELIABILITY, List.of());
    Snapshot s = Simulation.synced(Simulation.apply(legal, new Move.Failover("10.2.0.1:6379", "10.1.0.1:6379")),
        Set.of("10.1.0.1:6379"));
    RebalancePlan plan = RebalancePlanner.plan(RELIABILITY, s, SETTINGS, Set.of());
    assertThat(plan.steps()).extracting(Step::kind).containsExactly(Step.Kind.FAILBACK);
    String oldPrimary = plan.steps().get(0).move().node();
    RebalanceCycle.Gates flapping = new RebalanceCycle.Gates(false, false, Map.of(oldPrimary, T0.minusSeconds(30)));

    RebalanceCycle.Outcome held = RebalanceCycle.next(plan, RebalanceCycle.Memory.empty(), flapping, T0, AUTOMATIC);
    assertThat(held.start()).isEmpty();
    assertThat(held.holdBack()).hasValueSatisfying(r -> assertThat(r).startsWith("anti-flapping: " + oldPrimary
        + " was replaced as the primary of shard ").contains("meridian acknowledge --shard"));
    // Another node's failure holds nothing back.
    RebalanceCycle.Gates other = new RebalanceCycle.Gates(false, false, Map.of("10.9.9.9:6379", T0));
    assertThat(RebalanceCycle.next(plan, RebalanceCycle.Memory.empty(), other, T0, AUTOMATIC).start())
        .contains(plan.steps().get(0));
  }

  @Test
  void manualFailbackWaitsForTheOperator() {
    Snapshot legal = RebalancePlannerPropertyTest.drifted(RELIABILITY, List.of());
    Snapshot s = Simulation.synced(Simulation.apply(legal, new Move.Failover("10.2.0.1:6379", "10.1.0.1:6379")),
        Set.of("10.1.0.1:6379"));
    RebalancePlan plan = RebalancePlanner.plan(RELIABILITY, s, SETTINGS, Set.of());
    assertThat(plan.steps()).extracting(Step::kind).containsExactly(Step.Kind.FAILBACK);
    RebalanceCycle.Settings manual = new RebalanceCycle.Settings(false, Duration.ofSeconds(2), Duration.ofSeconds(30));
    RebalanceCycle.Gates open = new RebalanceCycle.Gates(false, false);

    assertThat(RebalanceCycle.next(plan, RebalanceCycle.Memory.empty(), open, T0, manual).holdBack())
        .hasValueSatisfying(r -> assertThat(r).contains("failback is manual"));
    RebalanceCycle.Memory approved = RebalanceCycle.Memory.empty().approved(T0.plusSeconds(600));
    assertThat(RebalanceCycle.next(plan, approved, open, T0, manual).start()).contains(plan.steps().get(0));
    assertThat(RebalanceCycle.next(plan, approved, open, T0.plusSeconds(601), manual).start()).isEmpty();
  }

  @Test
  void thePlannerIsPure() throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Path.of("src/main/java/io/meridian/coordinator/rebalance");
    try (var files = java.nio.file.Files.list(dir)) {
      for (java.nio.file.Path file : files.toList()) {
        assertThat(java.nio.file.Files.readString(file)).as(file.toString())
            .doesNotContain("import io.vertx", "import com.hazelcast", "import org.redisson", "Clock", "Instant.now");
      }
    }
  }

  private static java.util.Map<String, NodeFacts> with(Snapshot s, String node, NodeFacts facts) {
    java.util.Map<String, NodeFacts> all = new java.util.HashMap<>(s.facts());
    all.put(node, facts);
    return all;
  }
}
