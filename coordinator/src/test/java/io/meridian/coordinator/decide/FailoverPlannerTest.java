package io.meridian.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.RedisSettings;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.Observations;
import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.ProbeFailure;
import io.meridian.messages.RedisState;
import io.meridian.runtime.config.RedisAuth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Given a 3-shard cluster view, when a primary fails in some way, then the planner decides… */
public class FailoverPlannerTest {

  public static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  static final FailoverPlanner.Settings SETTINGS = new FailoverPlanner.Settings(Duration.ofSeconds(2),
      Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofSeconds(3), Duration.ofSeconds(1),
      List.of("r1", "r2", "r3"));
  public static final String A = "127.0.0.1:7000";
  public static final String B = "127.0.0.1:7001";
  public static final String C = "127.0.0.1:7002";
  public static final String D = "127.0.0.1:7003";
  public static final String E = "127.0.0.1:7004";
  public static final String F = "127.0.0.1:7005";

  static RedisState primary(String address, String slots) {
    return state(address, RedisState.Role.PRIMARY, Optional.empty(), List.of(slots), 1000);
  }

  static RedisState replica(String address, String of, long offset) {
    return state(address, RedisState.Role.REPLICA, Optional.of(of), List.of(), offset);
  }

  static RedisState state(String address, RedisState.Role role, Optional<String> primary, List<String> slots,
      long offset) {
    long count = slots.stream().mapToLong(s -> {
      String[] p = s.split("-");
      return Long.parseLong(p[1]) - Long.parseLong(p[0]) + 1;
    }).sum();
    return new RedisState(role, primary, primary.map(p -> true), Optional.of(0L), offset, 0, true, Optional.of("ok"),
        Optional.of("id-" + address), 1, 6, slots, count, List.of("myself"), Map.of(), 0, 0, 0, Optional.of(address),
        Map.of());
  }

  static NodeHealthReport up(String address, String region, RedisState s, long at) {
    return new NodeHealthReport("agent-" + region, "c", region, address, at, at, 100, Optional.empty(), Optional.of(s));
  }

  public static NodeHealthReport down(String address, String region, ProbeFailure.Kind kind, long at) {
    return new NodeHealthReport("agent-" + region, "c", region, address, at, at, 100,
        Optional.of(new ProbeFailure(kind, kind == ProbeFailure.Kind.REFUSED ? "connection refused by " + address
            : "no answer from " + address + " within 1000 ms")), Optional.empty());
  }

  /** Three shards: A (r1) with replicas D (r2, offset 900) and F (r3, offset 950); B (r2) with E; C (r3) with nothing. */
  public static ClusterView healthy() {
    return ClusterView.empty()
        .apply(up(A, "r1", primary(A, "0-5461"), 1), T0)
        .apply(up(B, "r2", primary(B, "5462-10922"), 1), T0)
        .apply(up(C, "r3", primary(C, "10923-16383"), 1), T0)
        .apply(up(D, "r2", replica(D, A, 900), 1), T0)
        .apply(up(E, "r3", replica(E, B, 500), 1), T0)
        .apply(up(F, "r3", replica(F, A, 950), 1), T0);
  }

  /** Agents report every 250 ms: at {@code now} every node's latest report is fresh again. */
  public static ClusterView reportedAgain(ClusterView view, Instant now) {
    ClusterView fresh = view;
    for (var n : view.nodes().values()) {
      NodeHealthReport r = n.report();
      fresh = fresh.apply(new NodeHealthReport(r.sender(), r.cluster(), r.region(), r.node(), r.seq() + 1,
          r.observedAt() + 1, r.latencyMicros(), r.failure(), r.state(), r.fenceAfterMs(), r.writesHeld()), now);
    }
    return fresh;
  }

  /** Every node reported every 250 ms from T0 to {@code until}: agents heard without a break. */
  static ClusterView heardThrough(ClusterView view, Instant until) {
    ClusterView heard = view;
    for (Instant at = T0.plusMillis(250); !at.isAfter(until); at = at.plusMillis(250)) {
      heard = reportedAgain(heard, at);
    }
    return reportedAgain(heard, until);
  }

  /** {@code r} from an agent that fences writes after {@code ms}. */
  static NodeHealthReport fencingAfter(NodeHealthReport r, long ms) {
    return new NodeHealthReport(r.sender(), r.cluster(), r.region(), r.node(), r.seq(), r.observedAt(),
        r.latencyMicros(), r.failure(), r.state(), ms, r.writesHeld());
  }

  static FailoverPlanner.Outcome plan(ClusterView view, FailoverMemory memory, Instant now) {
    return FailoverPlanner.plan(reportedAgain(view, now), Observations.empty(), Optional.empty(), memory, now, SETTINGS);
  }

  static <T> List<T> actions(FailoverPlanner.Outcome o, Class<T> kind) {
    return o.decisions().stream().map(Decision::action).filter(kind::isInstance).map(kind::cast).toList();
  }

  @Test
  void aHealthyClusterNeedsNothing() {
    assertThat(plan(healthy(), FailoverMemory.empty(), T0.plusMillis(100)).decisions()).isEmpty();
  }

  @Test
  void whenAPrimaryIsRefusedOnItsHostThenTheReplicaWithTheHighestOffsetIsForcedUp() {
    ClusterView view = healthy().apply(down(A, "r1", ProbeFailure.Kind.REFUSED, 2), T0.plusMillis(250));
    FailoverPlanner.Outcome o = plan(view, FailoverMemory.empty(), T0.plusMillis(300));
    List<Action.Promote> promotions = actions(o, Action.Promote.class);
    assertThat(promotions).containsExactly(new Action.Promote("0-5461", A, F, F, "agent-r3", Action.Mode.FORCE, 950,
        "dead_primary", false, Optional.empty(), A));
    assertThat(o.decisions().get(0).reason()).startsWith("promote 127.0.0.1:7005 (r3) for shard 0-5461: primary "
        + "127.0.0.1:7000 of shard 0-5461 is dead: its agent saw connection refused by 127.0.0.1:7000 on its own host"
        + " (seen by agent agent-r1)")
        .contains("highest replication offset 950 of 2 candidate(s); FORCE because 2 of 3 primaries are reachable");
    assertThat(o.memory().attempt("0-5461").orElseThrow().candidate()).isEqualTo(F);
  }

  @Test
  void aNofailoverReplicaIsNeverChosen() {
    ClusterSpec spec = new ClusterSpec("c", TopologyKind.PERFORMANCE, List.of(
        new RegionSpec("r1", List.of(NodeSpec.of(A))),
        new RegionSpec("r2", List.of(NodeSpec.of(B), NodeSpec.of(D))),
        new RegionSpec("r3", List.of(NodeSpec.of(C), NodeSpec.of(E),
            new NodeSpec(F, Optional.empty(), Optional.empty(), true, 100)))),
        1, RedisSettings.defaults(), RedisAuth.none());
    ClusterView view = healthy().apply(down(A, "r1", ProbeFailure.Kind.REFUSED, 2), T0);
    FailoverPlanner.Outcome o = FailoverPlanner.plan(view, Observations.empty(), Optional.of(spec), FailoverMemory.empty(), T0,
        SETTINGS);
    assertThat(actions(o, Action.Promote.class)).extracting(Action.Promote::node).containsExactly(D);
  }

  @Test
  void aTimeoutAloneIsNotActedOn() {
    ClusterView view = healthy().apply(down(A, "r1", ProbeFailure.Kind.TIMEOUT, 2), T0);
    FailoverPlanner.Outcome o = plan(view, FailoverMemory.empty(), T0);
    assertThat(actions(o, Action.Promote.class)).isEmpty();
    assertThat(o.decisions()).extracting(Decision::reason).containsExactly("primary 127.0.0.1:7000 of shard 0-5461 "
        + "does not answer (no answer from 127.0.0.1:7000 within 1000 ms (seen by agent agent-r1)); "
        + "not acting until observers in a majority of regions agree for the failure timeout");
  }

  static Observations cannotReach(Instant at, long sinceMillisBefore, String node, String... regions) {
    Observations o = Observations.empty();
    for (String region : regions) {
      o = o.apply(new io.meridian.messages.ReachabilityReport("coord-" + region, region, 10_000, List.of(node),
          Map.of(node, 10_000 - sinceMillisBefore)), at);
    }
    return o;
  }

  @Test
  void aHungPrimaryIsPromotedAwayOnceObserversInAMajorityOfRegionsAgreeForTheFailureTimeout() {
    ClusterView view = healthy().apply(down(A, "r1", ProbeFailure.Kind.TIMEOUT, 2), T0);
    Instant later = T0.plusMillis(3100);
    ClusterView fresh = reportedAgain(view, later);
    FailoverPlanner.Outcome notYet = FailoverPlanner.plan(fresh, cannotReach(later, 1000, A, "r2", "r3"),
        Optional.empty(), FailoverMemory.empty(), later, SETTINGS);
    assertThat(actions(notYet, Action.Promote.class)).as("observers failing for 1 s only").isEmpty();
    FailoverPlanner.Outcome oneOther = FailoverPlanner.plan(fresh, cannotReach(later, 3100, A, "r1"),
        Optional.empty(), FailoverMemory.empty(), later, SETTINGS);
    assertThat(actions(oneOther, Action.Promote.class)).as("one region is not a majority").isEmpty();
    FailoverPlanner.Outcome agreed = FailoverPlanner.plan(fresh, cannotReach(later, 3100, A, "r2"),
        Optional.empty(), FailoverMemory.empty(), later, SETTINGS);
    assertThat(actions(agreed, Action.Promote.class)).extracting(Action.Promote::node).containsExactly(F);
    assertThat(agreed.decisions().get(0).reason()).contains("is unreachable: observers in 2 of 3 regions [r1, r2] "
        + "have failed to reach it for at least 3000 ms");
  }

  @Test
  void aCutOffPrimaryIsReplacedOnlyAfterItsAgentFencedItsWritesWithAMargin() {
    // A's agent fences after 2.5 s; with the 1 s margin and 0.5 s for observers counting from its last
    // answer, the leader waits 4 s, not the 3 s timeout.
    NodeHealthReport lastWord = down(A, "r1", ProbeFailure.Kind.TIMEOUT, 2);
    ClusterView view = healthy().apply(fencingAfter(lastWord, 2500), T0);
    Instant at = T0.plusMillis(3900);
    FailoverPlanner.Outcome early = FailoverPlanner.plan(reportedAgain(view, at), cannotReach(at, 3900, A, "r2", "r3"),
        Optional.empty(), FailoverMemory.empty(), at, SETTINGS);
    assertThat(actions(early, Action.Promote.class)).as("3.9 s: the fence may not have landed yet").isEmpty();
    Instant later = T0.plusMillis(4100);
    FailoverPlanner.Outcome fenced = FailoverPlanner.plan(reportedAgain(view, later),
        cannotReach(later, 4100, A, "r2", "r3"), Optional.empty(), FailoverMemory.empty(), later, SETTINGS);
    assertThat(actions(fenced, Action.Promote.class)).extracting(Action.Promote::node).containsExactly(F);
    assertThat(fenced.decisions().get(0).reason()).contains("have failed to reach it for at least 4000 ms (its agent "
        + "fences writes after 2500 ms, plus a margin of 1000 ms and 500 ms for observers counting from its last "
        + "answer)");
    // A fence delay well under the timeout (1 s + 1 s + 0.5 s < 3 s) leaves the failure timeout in charge.
    ClusterView quick = healthy().apply(fencingAfter(lastWord, 1000), T0);
    Instant three = T0.plusMillis(3100);
    assertThat(actions(FailoverPlanner.plan(reportedAgain(quick, three), cannotReach(three, 3100, A, "r2", "r3"),
        Optional.empty(), FailoverMemory.empty(), three, SETTINGS), Action.Promote.class)).hasSize(1);
  }

  /** {@code r} as its agent reports it while holding the node's writes on the leader's order. */
  static NodeHealthReport held(NodeHealthReport r) {
    return new NodeHealthReport(r.sender(), r.cluster(), r.region(), r.node(), r.seq() + 1, r.observedAt() + 1,
        r.latencyMicros(), r.failure(), r.state(), r.fenceAfterMs(), true);
  }

  @Test
  void aPrimaryItsAgentStillReachesButAMajorityOfRegionsCannotIsReplacedAfterItsAgentHoldsItsWrites() {
    // Given A's agent reports it healthy (the bus between regions works) while the coordinators of
    // r2 and r3 have failed to reach it over Redis for 3.1 s (its Redis path is cut)
    Instant later = T0.plusMillis(3100);
    ClusterView fresh = heardThrough(healthy(), later);
    FailoverPlanner.Outcome early = FailoverPlanner.plan(fresh, cannotReach(later, 2900, A, "r2", "r3"),
        Optional.empty(), FailoverMemory.empty(), later, SETTINGS);
    assertThat(early.decisions()).as("observers failing for less than the failure timeout").isEmpty();
    FailoverPlanner.Outcome minority = FailoverPlanner.plan(fresh, cannotReach(later, 3100, A, "r2"),
        Optional.empty(), FailoverMemory.empty(), later, SETTINGS);
    assertThat(minority.decisions()).as("one region of three is no majority").isEmpty();
    FailoverPlanner.Outcome o = FailoverPlanner.plan(fresh, cannotReach(later, 3100, A, "r2", "r3"),
        Optional.empty(), FailoverMemory.empty(), later, SETTINGS);
    // then F is promoted, and the promotion carries the order to hold A's writes first, through A's agent
    assertThat(actions(o, Action.Promote.class)).containsExactly(new Action.Promote("0-5461", A, F, F, "agent-r3",
        Action.Mode.FORCE, 950, "unreachable_by_majority", false, Optional.of("agent-r1"), A));
    assertThat(o.decisions().get(0).reason()).contains("observers in 2 of 3 regions [r2, r3] have failed to reach it "
        + "for at least 3000 ms, while its agent agent-r1 still reaches it: the agent holds its writes before the "
        + "promotion");
  }

  @Test
  void aPrimaryWhoseAgentIsHeardAgainAfterABlipIsNotTakenForOneCutOffOnlyFromRedis() {
    // Given the whole of r1 was cut off for 2 s (A's agent unheard from T0 to T0 + 2 s) and, 1.1 s
    // after it is heard again, observers in r2 and r3 still fail to reach A since just before the cut
    ClusterView beforeCut = healthy();
    Instant later = T0.plusMillis(3100);
    ClusterView heardAgain = reportedAgain(reportedAgain(reportedAgain(beforeCut, T0.plusMillis(2000)),
        T0.plusMillis(2500)), later);
    FailoverPlanner.Outcome o = FailoverPlanner.plan(heardAgain, cannotReach(later, 3100, A, "r2", "r3"),
        Optional.empty(), FailoverMemory.empty(), later, SETTINGS);
    // then nothing is held or promoted: the observers are about to reach it again
    assertThat(o.decisions()).isEmpty();
    // while the same observations with A's agent heard throughout are a cut of the Redis path alone
    assertThat(actions(FailoverPlanner.plan(heardThrough(beforeCut, later), cannotReach(later, 3100, A, "r2", "r3"),
        Optional.empty(), FailoverMemory.empty(), later, SETTINGS), Action.Promote.class)).hasSize(1);
  }

  @Test
  void aPrimaryCutOffFromTheOtherRegionsForItsAgentsFenceDelayHasItsWritesHeldBeforeAnyPromotion() {
    // Given A's agent fences after 1 s and still reaches A, and r2 and r3 have failed to reach A for 1.1 s
    Instant now = T0.plusMillis(1100);
    ClusterView view = reportedAgain(healthy(), now);
    view = view.apply(fencingAfter(reportedAgain(view, now).nodes().get(A).report(), 1000), now);
    FailoverPlanner.Outcome o = FailoverPlanner.plan(view, cannotReach(now, 1100, A, "r2", "r3"), Optional.empty(),
        FailoverMemory.empty(), now, SETTINGS);
    // then its agent is told to hold A's writes, and nothing is promoted yet
    assertThat(actions(o, Action.Hold.class)).containsExactly(new Action.Hold("0-5461", A, A, "agent-r1"));
    assertThat(actions(o, Action.Promote.class)).isEmpty();
    assertThat(o.decisions().get(0).reason()).contains("observers in 2 of 3 regions [r2, r3] have failed to reach it "
        + "for at least 1000 ms (its agent's fence delay), while its agent agent-r1 still reaches it; its agent holds "
        + "its writes now, no promotion before the failure timeout of 3000 ms");
    // once its agent says the writes are held, the leader waits
    ClusterView heldA = view.apply(held(view.nodes().get(A).report()), now);
    FailoverPlanner.Outcome waiting = FailoverPlanner.plan(heldA, cannotReach(now, 1100, A, "r2", "r3"),
        Optional.empty(), FailoverMemory.empty(), now, SETTINGS);
    assertThat(waiting.decisions()).extracting(Decision::action).containsExactly(new Action.Wait("0-5461"));
    // and when observers reach it again before the failure timeout, the hold is released
    assertThat(actions(FailoverPlanner.plan(heldA, Observations.empty(), Optional.empty(), FailoverMemory.empty(),
        now, SETTINGS), Action.Release.class)).containsExactly(new Action.Release("0-5461", A, A, "agent-r1"));
    // an agent without write fencing is not held early
    assertThat(FailoverPlanner.plan(reportedAgain(healthy(), now), cannotReach(now, 1100, A, "r2", "r3"),
        Optional.empty(), FailoverMemory.empty(), now, SETTINGS).decisions()).isEmpty();
  }

  @Test
  void aHeldPrimaryThatIsItsShardsOnlyPrimaryIsReleasedOnceNothingIsWrongAndNoPromotionIsUnderWay() {
    Instant now = T0.plusSeconds(5);
    ClusterView view = reportedAgain(healthy(), now);
    view = view.apply(held(view.nodes().get(A).report()), now);
    FailoverPlanner.Outcome o = FailoverPlanner.plan(view, Observations.empty(), Optional.empty(),
        FailoverMemory.empty(), now, SETTINGS);
    assertThat(actions(o, Action.Release.class)).containsExactly(new Action.Release("0-5461", A, A, "agent-r1"));
    // not while its promotion is under way
    FailoverMemory promoting = FailoverMemory.empty().started("0-5461", A, A, F, Action.Mode.FORCE, now, false);
    assertThat(actions(FailoverPlanner.plan(view, Observations.empty(), Optional.empty(), promoting, now, SETTINGS),
        Action.Release.class)).isEmpty();
    // not while observers in a majority of regions still fail to reach it
    assertThat(actions(FailoverPlanner.plan(view, cannotReach(now, 1000, A, "r2", "r3"), Optional.empty(),
        FailoverMemory.empty(), now.plusMillis(2500), SETTINGS), Action.Release.class)).isEmpty();
  }

  @Test
  void aReplacedPrimaryThatStillClaimsItsSlotsIsHeldAndDoesNotServeWhileItsSuccessorDoes() {
    // Given F took shard 0-5461 over from A, and A answers its agent again still claiming the slots
    Instant now = T0.plusSeconds(20);
    FailoverMemory memory = FailoverMemory.empty().started("0-5461", A, A, F, Action.Mode.FORCE, T0, false)
        .recovered("0-5461", T0.plusSeconds(1));
    RedisState promoted = state(F, RedisState.Role.PRIMARY, Optional.empty(), List.of("0-5461"), 2000);
    ClusterView view = reportedAgain(healthy(), now).apply(up(F, "r3", new RedisState(promoted.role(),
        promoted.primary(), promoted.masterLinkUp(), promoted.masterLastIoSeconds(), promoted.replOffset(),
        promoted.connectedReplicas(), true, promoted.clusterState(), promoted.clusterNodeId(), 2, 6, promoted.slots(),
        promoted.slotCount(), promoted.flags(), Map.of(), 0, 0, 0, promoted.announced(), Map.of()), 9), now);
    FailoverPlanner.Outcome o = FailoverPlanner.plan(view, Observations.empty(), Optional.empty(), memory, now,
        SETTINGS);
    // then A's agent is told to hold its writes, and the shard is F's
    assertThat(actions(o, Action.Hold.class)).containsExactly(new Action.Hold("0-5461", A, A, "agent-r1"));
    assertThat(Analyzer.servingNode(view, List.of("0-5461"), now, SETTINGS.staleAfter()).orElseThrow().address())
        .isEqualTo(F);
    // once held, it is not held again, not released, and a held twin never counts as the server
    ClusterView heldA = view.apply(held(view.nodes().get(A).report()), now);
    FailoverPlanner.Outcome after = FailoverPlanner.plan(heldA, Observations.empty(), Optional.empty(), memory, now,
        SETTINGS);
    assertThat(actions(after, Action.Hold.class)).isEmpty();
    assertThat(actions(after, Action.Release.class)).isEmpty();
    assertThat(Analyzer.servingNode(heldA, List.of("0-5461"), now, SETTINGS.staleAfter()).orElseThrow().address())
        .isEqualTo(F);
  }

  @Test
  void whenTheFirstRegionOfAReliabilityClusterIsLostEveryShardIsTakenOverInOneSurvivingRegion() {
    String a2 = "127.0.0.1:7010";
    String b2 = "127.0.0.1:7011";
    String a3 = "127.0.0.1:7020";
    String b3 = "127.0.0.1:7021";
    ClusterSpec spec = new ClusterSpec("c", TopologyKind.RELIABILITY, List.of(
        new RegionSpec("r1", List.of(NodeSpec.of(A), NodeSpec.of(B))),
        new RegionSpec("r2", List.of(NodeSpec.of(a2), NodeSpec.of(b2))),
        new RegionSpec("r3", List.of(NodeSpec.of(a3), NodeSpec.of(b3)))), 2, RedisSettings.defaults(), RedisAuth.none());
    ClusterView view = ClusterView.empty()
        .apply(up(A, "r1", primary(A, "0-8191"), 1), T0)
        .apply(up(B, "r1", primary(B, "8192-16383"), 1), T0)
        .apply(up(a2, "r2", replica(a2, A, 100), 1), T0.plusSeconds(10))
        .apply(up(b2, "r2", replica(b2, B, 200), 1), T0.plusSeconds(10))
        .apply(up(a3, "r3", replica(a3, A, 150), 1), T0.plusSeconds(10))
        .apply(up(b3, "r3", replica(b3, B, 100), 1), T0.plusSeconds(10));
    Instant now = T0.plusSeconds(10);
    Observations o = cannotReach(now, 4000, A, "r2", "r3");
    o = o.apply(new io.meridian.messages.ReachabilityReport("coord-r2", "r2", 10_000, List.of(A, B),
        Map.of(A, 6_000L, B, 6_000L)), now)
        .apply(new io.meridian.messages.ReachabilityReport("coord-r3", "r3", 10_000, List.of(A, B),
            Map.of(A, 6_000L, B, 6_000L)), now);
    FailoverPlanner.Outcome out = FailoverPlanner.plan(view, o, Optional.of(spec), FailoverMemory.empty(), now, SETTINGS);
    List<Action.Promote> promotions = actions(out, Action.Promote.class);
    assertThat(promotions).hasSize(2);
    assertThat(promotions).extracting(Action.Promote::mode).containsOnly(Action.Mode.TAKEOVER);
    assertThat(promotions).extracting(Action.Promote::node).containsExactlyInAnyOrder(a2, b2);
  }

  static final String A2 = "127.0.0.1:7010";
  static final String B2 = "127.0.0.1:7011";
  static final String C2 = "127.0.0.1:7012";

  /** A reliability cluster: primaries A, B, C in r1, one replica each in r2 (A2, B2, C2). */
  static ClusterSpec everyPrimaryInR1() {
    return new ClusterSpec("c", TopologyKind.RELIABILITY, List.of(
        new RegionSpec("r1", List.of(NodeSpec.of(A), NodeSpec.of(B), NodeSpec.of(C))),
        new RegionSpec("r2", List.of(NodeSpec.of(A2), NodeSpec.of(B2), NodeSpec.of(C2))),
        new RegionSpec("r3", List.of())), 1, RedisSettings.defaults(), RedisAuth.none());
  }

  /** Its view: the primaries last reported at {@code primariesAt}, the replicas at {@code replicasAt}. */
  static ClusterView everyPrimaryInR1(Instant primariesAt, Instant replicasAt) {
    return ClusterView.empty()
        .apply(up(A, "r1", primary(A, "0-5461"), 1), primariesAt)
        .apply(up(B, "r1", primary(B, "5462-10922"), 1), primariesAt)
        .apply(up(C, "r1", primary(C, "10923-16383"), 1), primariesAt)
        .apply(up(A2, "r2", replica(A2, A, 100), 1), replicasAt)
        .apply(up(B2, "r2", replica(B2, B, 100), 1), replicasAt)
        .apply(up(C2, "r2", replica(C2, C, 100), 1), replicasAt);
  }

  @Test
  void whenARegionHoldingEveryPrimaryGoesTheFirstPrimaryPastTheTimeoutIsTakenOverWhileTheOthersAreStillSilent() {
    ClusterSpec spec = everyPrimaryInR1();
    Instant now = T0.plusSeconds(10);
    // Region r1's agent died with its nodes 3.1 s ago: its last reports are stale.
    ClusterView view = everyPrimaryInR1(now.minusMillis(3100), now);
    // The coordinators of r2 and r3 have failed to reach A for 3.1 s, B and C for 2.8 s only.
    Observations o = Observations.empty();
    for (String region : List.of("r2", "r3")) {
      o = o.apply(new io.meridian.messages.ReachabilityReport("coord-" + region, region, 10_000, List.of(A, B, C),
          Map.of(A, 6_900L, B, 7_200L, C, 7_200L)), now);
    }
    FailoverPlanner.Outcome out = FailoverPlanner.plan(view, o, Optional.of(spec), FailoverMemory.empty(), now,
        SETTINGS);
    assertThat(actions(out, Action.Promote.class)).extracting(Action.Promote::node, Action.Promote::mode)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(A2, Action.Mode.TAKEOVER));
    assertThat(out.decisions()).extracting(Decision::reason)
        .anyMatch(r -> r.endsWith("TAKEOVER because 0 of 3 primaries are reachable"));
  }

  @Test
  void aSilentAgentIsNotANodeFailure() {
    ClusterView view = healthy().apply(up(B, "r2", primary(B, "5462-10922"), 5), T0.plusSeconds(10))
        .apply(up(C, "r3", primary(C, "10923-16383"), 5), T0.plusSeconds(10));
    FailoverPlanner.Outcome o = FailoverPlanner.plan(view, Observations.empty(), Optional.empty(), FailoverMemory.empty(),
        T0.plusSeconds(10), SETTINGS);
    assertThat(actions(o, Action.Promote.class)).isEmpty();
    assertThat(actions(o, Action.Alert.class)).extracting(Action.Alert::shard).containsExactly("0-5461");
    assertThat(o.decisions().get(0).reason()).contains("agent of primary 127.0.0.1:7000", "is silent");
  }

  @Test
  void withoutAMajorityOfPrimariesTheCandidateTakesOver() {
    ClusterView view = healthy()
        .apply(down(A, "r1", ProbeFailure.Kind.REFUSED, 2), T0)
        .apply(down(B, "r2", ProbeFailure.Kind.REFUSED, 2), T0);
    FailoverPlanner.Outcome o = plan(view, FailoverMemory.empty(), T0);
    assertThat(actions(o, Action.Promote.class)).extracting(Action.Promote::mode)
        .containsOnly(Action.Mode.TAKEOVER).hasSize(2);
  }

  @Test
  void aSilentAgentDoesNotCountAgainstTheMajorityOfPrimaries() {
    ClusterView view = healthy().apply(down(A, "r1", ProbeFailure.Kind.REFUSED, 2), T0.plusSeconds(10))
        .apply(up(C, "r3", primary(C, "10923-16383"), 5), T0.plusSeconds(10))
        .apply(up(D, "r2", replica(D, A, 900), 5), T0.plusSeconds(10))
        .apply(up(F, "r3", replica(F, A, 950), 5), T0.plusSeconds(10));
    FailoverPlanner.Outcome o = FailoverPlanner.plan(view, Observations.empty(), Optional.empty(), FailoverMemory.empty(),
        T0.plusSeconds(10), SETTINGS);
    assertThat(actions(o, Action.Promote.class)).extracting(Action.Promote::mode).containsExactly(Action.Mode.FORCE);
  }

  @Test
  void aPromotionThatCameBackNotExecutedIsRetriedAtOnceNotAfterTheVerifyDeadline() {
    ClusterView view = healthy().apply(down(A, "r1", ProbeFailure.Kind.REFUSED, 2), T0);
    FailoverMemory ordered = plan(view, FailoverMemory.empty(), T0).memory();
    assertThat(ordered.attempt("0-5461").orElseThrow().candidate()).isEqualTo(F);
    // Never sent (the leader could not confirm its fence): F was not tried, and gets it again now.
    FailoverPlanner.Outcome again = plan(view, ordered.notExecuted("0-5461", F, false), T0.plusMillis(250));
    assertThat(actions(again, Action.Promote.class)).extracting(Action.Promote::node).containsExactly(F);
    // Refused by F's agent: the next candidate, now.
    FailoverPlanner.Outcome next = plan(view, ordered.notExecuted("0-5461", F, true), T0.plusMillis(250));
    assertThat(actions(next, Action.Promote.class)).extracting(Action.Promote::node).containsExactly(D);
    // No answer at all: F may be taking over; wait.
    assertThat(actions(plan(view, ordered, T0.plusMillis(250)), Action.Promote.class)).isEmpty();
  }

  @Test
  void aPromotionInProgressIsAwaitedThenTheNextCandidateIsTried() {
    ClusterView view = healthy().apply(down(A, "r1", ProbeFailure.Kind.REFUSED, 2), T0);
    FailoverMemory memory = plan(view, FailoverMemory.empty(), T0).memory();
    FailoverPlanner.Outcome waiting = plan(view, memory, T0.plusSeconds(3));
    assertThat(actions(waiting, Action.Promote.class)).isEmpty();
    assertThat(waiting.decisions().get(0).reason()).startsWith("promotion of 127.0.0.1:7005 for shard 0-5461 in progress");
    FailoverPlanner.Outcome retry = plan(view, memory, T0.plusSeconds(6));
    assertThat(actions(retry, Action.Promote.class)).extracting(Action.Promote::node).containsExactly(D);
    // Neither took over (say, the primaries refused their votes): the shard is not left down.
    FailoverPlanner.Outcome again = plan(view, retry.memory(), T0.plusSeconds(12));
    assertThat(actions(again, Action.Promote.class)).extracting(Action.Promote::node).containsExactly(F);
    assertThat(again.decisions().get(0).reason())
        .contains("of 2 candidate(s) (each was tried once without taking over; trying again from the best)");
    assertThat(again.memory().attempt("0-5461").orElseThrow().tried()).containsExactly(F);
    // With every replica gone too, there is nobody to try: an alert, every cycle.
    ClusterView noReplica = view.apply(down(D, "r2", ProbeFailure.Kind.REFUSED, 3), T0.plusSeconds(18))
        .apply(down(F, "r3", ProbeFailure.Kind.REFUSED, 3), T0.plusSeconds(18));
    FailoverPlanner.Outcome none = plan(noReplica, again.memory(), T0.plusSeconds(18));
    assertThat(actions(none, Action.Promote.class)).isEmpty();
    assertThat(none.decisions()).extracting(Decision::reason)
        .anyMatch(r -> r.contains("no replica can be promoted (already tried: 127.0.0.1:7005)"));
  }

  @Test
  void aForceOrderedBeforeTheOtherPrimariesWereSeenDeadIsTurnedIntoATakeoverOfTheSameCandidate() {
    ClusterSpec spec = everyPrimaryInR1();
    ClusterView healthy = everyPrimaryInR1(T0, T0);
    // r1's agent reports A refused first; B and C still look fine.
    ClusterView first = healthy.apply(down(A, "r1", ProbeFailure.Kind.REFUSED, 2), T0.plusMillis(100));
    FailoverPlanner.Outcome forced = FailoverPlanner.plan(first, Observations.empty(), Optional.of(spec),
        FailoverMemory.empty(), T0.plusMillis(100), SETTINGS);
    assertThat(actions(forced, Action.Promote.class)).extracting(Action.Promote::node, Action.Promote::mode)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(A2, Action.Mode.FORCE));
    // 100 ms later B and C are refused too: no majority of primaries is left to vote for the FORCE.
    ClusterView all = first.apply(down(B, "r1", ProbeFailure.Kind.REFUSED, 2), T0.plusMillis(200))
        .apply(down(C, "r1", ProbeFailure.Kind.REFUSED, 2), T0.plusMillis(200));
    FailoverPlanner.Outcome escalated = FailoverPlanner.plan(all, Observations.empty(), Optional.of(spec),
        forced.memory(), T0.plusMillis(200), SETTINGS);
    assertThat(actions(escalated, Action.Promote.class))
        .extracting(Action.Promote::node, Action.Promote::mode, Action.Promote::escalated)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(A2, Action.Mode.TAKEOVER, true),
            org.assertj.core.groups.Tuple.tuple(B2, Action.Mode.TAKEOVER, false),
            org.assertj.core.groups.Tuple.tuple(C2, Action.Mode.TAKEOVER, false));
    assertThat(escalated.decisions().get(0).reason()).startsWith("promote 127.0.0.1:7010 (r2) for shard 0-5461 "
        + "again, by TAKEOVER: the FORCE ordered at 2026-11-25T12:00:00.100Z needs the votes of a majority of "
        + "primaries, and only 0 of 3 are reachable now");
    FailoverMemory.Attempt attempt = escalated.memory().attempt("0-5461").orElseThrow();
    assertThat(attempt.mode()).isEqualTo(Action.Mode.TAKEOVER);
    assertThat(attempt.startedAt()).isEqualTo(T0.plusMillis(200));
    // Once escalated, the takeover is awaited like any promotion.
    FailoverPlanner.Outcome waiting = FailoverPlanner.plan(all, Observations.empty(), Optional.of(spec),
        escalated.memory(), T0.plusMillis(300), SETTINGS);
    assertThat(actions(waiting, Action.Promote.class)).isEmpty();
  }

  @Test
  void onceTheCandidateServesTheShardItIsRecoveredAndItsOldPrimaryIsRememberedForTheWindow() {
    ClusterView dead = healthy().apply(down(A, "r1", ProbeFailure.Kind.REFUSED, 2), T0);
    FailoverMemory memory = plan(dead, FailoverMemory.empty(), T0).memory();
    ClusterView promoted = dead.apply(up(F, "r3", primary(F, "0-5461"), 3), T0.plusSeconds(1));
    FailoverPlanner.Outcome recovered = plan(promoted, memory, T0.plusSeconds(1));
    assertThat(recovered.decisions()).extracting(Decision::reason)
        .containsExactly("shard 0-5461 recovered: 127.0.0.1:7005 now serves it as primary");
    assertThat(recovered.memory().failbackHeld(T0.plusSeconds(1), SETTINGS.antiFlapping()))
        .containsOnlyKeys(A).extractingByKey(A).isEqualTo(new FailoverMemory.Failure("0-5461", A, T0.plusSeconds(1)));
    assertThat(recovered.memory().hasRecentFailure("0-5461", T0.plusSeconds(2), SETTINGS.antiFlapping())).isTrue();
    // The window ends: the failure is forgotten (the memory stays bounded) and failback is free again.
    Instant after = T0.plusSeconds(1).plus(SETTINGS.antiFlapping());
    FailoverMemory later = plan(promoted, recovered.memory(), after).memory();
    assertThat(later.recentFailures()).isEmpty();
    assertThat(recovered.memory().acknowledged("0-5461").hasRecentFailure("0-5461", T0.plusSeconds(2),
        SETTINGS.antiFlapping())).isFalse();
  }

  @Test
  void aShardWhoseNewPrimaryDiesWithinTheWindowFailsOverAgainInsteadOfStayingDown() {
    Replaced r = Replaced.crashOfA();
    ClusterView again = r.promoted().apply(down(F, "r3", ProbeFailure.Kind.REFUSED, 4), T0.plusSeconds(60))
        .apply(up(D, "r2", replica(D, F, 990), 4), T0.plusSeconds(60));
    FailoverPlanner.Outcome o = plan(again, r.recovered(), T0.plusSeconds(60));
    assertThat(actions(o, Action.Promote.class)).extracting(Action.Promote::node).containsExactly(D);
    assertThat(o.decisions()).extracting(Decision::reason).noneMatch(reason -> reason.contains("blocked"));
  }

  @Test
  void aReplicaThatFailedAsPrimaryWithinTheWindowIsPassedOverWhileAnotherCanServe() {
    Replaced r = Replaced.crashOfA();
    // A came back as F's replica with the highest offset; D follows F too. Then F dies.
    ClusterView again = r.promoted().apply(up(A, "r1", replica(A, F, 2000), 4), T0.plusSeconds(30))
        .apply(up(D, "r2", replica(D, F, 990), 4), T0.plusSeconds(30))
        .apply(down(F, "r3", ProbeFailure.Kind.REFUSED, 5), T0.plusSeconds(60));
    FailoverPlanner.Outcome o = plan(again, r.recovered(), T0.plusSeconds(60));
    assertThat(actions(o, Action.Promote.class)).extracting(Action.Promote::node).containsExactly(D);
    assertThat(o.decisions().get(0).reason())
        .contains("(skipping 1 replica(s) that failed as a primary within the anti-flapping window)");
  }

  @Test
  void aReplicaThatFailedAsPrimaryWithinTheWindowIsPromotedWhenNoOtherCanServe() {
    Replaced r = Replaced.crashOfA();
    ClusterView again = r.promoted().apply(up(A, "r1", replica(A, F, 2000), 4), T0.plusSeconds(30))
        .apply(up(D, "r2", replica(D, B, 990), 4), T0.plusSeconds(30))
        .apply(down(F, "r3", ProbeFailure.Kind.REFUSED, 5), T0.plusSeconds(60));
    FailoverPlanner.Outcome o = plan(again, r.recovered(), T0.plusSeconds(60));
    assertThat(actions(o, Action.Promote.class)).extracting(Action.Promote::node).containsExactly(A);
    assertThat(o.decisions().get(0).reason()).contains("it failed itself as a primary at " + T0.plusSeconds(1)
        + ", within the anti-flapping window of 10 min, but no other replica can take the shard");
  }

  /** A crashed, F promoted for shard 0-5461, the shard recovered at T0 + 1 s. */
  record Replaced(ClusterView promoted, FailoverMemory recovered) {
    static Replaced crashOfA() {
      ClusterView dead = healthy().apply(down(A, "r1", ProbeFailure.Kind.REFUSED, 2), T0);
      FailoverMemory memory = plan(dead, FailoverMemory.empty(), T0).memory();
      ClusterView promoted = dead.apply(up(F, "r3", primary(F, "0-5461"), 3), T0.plusSeconds(1));
      return new Replaced(promoted, plan(promoted, memory, T0.plusSeconds(1)).memory());
    }
  }

  @Test
  void aReplacedPrimaryThatComesBackFollowingTheNewPrimaryIsNotedAndForgotten() {
    Replaced r = Replaced.crashOfA();
    ClusterView promoted = r.promoted();
    FailoverMemory recovered = r.recovered();
    assertThat(recovered.returning()).containsOnlyKeys(A);

    ClusterView back = promoted.apply(up(A, "r1", replica(A, F, 1000), 5), T0.plusSeconds(30));
    FailoverPlanner.Outcome rejoined = plan(back, recovered, T0.plusSeconds(30));
    assertThat(rejoined.decisions()).extracting(Decision::reason)
        .containsExactly("old primary 127.0.0.1:7000 of shard 0-5461 is back as a replica of 127.0.0.1:7005");
    assertThat(rejoined.memory().returning()).isEmpty();
  }

  @Test
  void aReplacedPrimaryThatComesBackAsAnEmptyPrimaryRaisesAnAlertAfterTheVerifyDeadline() {
    Replaced r = Replaced.crashOfA();
    ClusterView promoted = r.promoted();
    FailoverMemory recovered = r.recovered();

    ClusterView back = promoted.apply(up(A, "r1", state(A, RedisState.Role.PRIMARY, Optional.empty(), List.of(), 0), 5),
        T0.plusSeconds(30));
    FailoverPlanner.Outcome justBack = plan(back, recovered, T0.plusSeconds(30));
    assertThat(actions(justBack, Action.Alert.class)).as("Redis gets the verify deadline to demote it").isEmpty();
    FailoverPlanner.Outcome late = plan(back, justBack.memory(), T0.plusSeconds(36));
    assertThat(actions(late, Action.Alert.class)).extracting(Action.Alert::shard).containsExactly("0-5461");
    assertThat(late.decisions()).extracting(Decision::reason).containsExactly("old primary 127.0.0.1:7000 of shard "
        + "0-5461 answers again but is a primary owning no slots, not a replica of the shard's primary 127.0.0.1:7005, "
        + "after 5 s; check it (CLUSTER NODES on it) and attach it with CLUSTER REPLICATE, or remove it");
    assertThat(late.memory().returning()).containsOnlyKeys(A);
  }

  /** {@code state} with config epoch {@code epoch}. */
  static RedisState epoch(RedisState s, long epoch) {
    return new RedisState(s.role(), s.primary(), s.masterLinkUp(), s.masterLastIoSeconds(), s.replOffset(),
        s.connectedReplicas(), s.clusterEnabled(), s.clusterState(), s.clusterNodeId(), s.clusterCurrentEpoch(),
        s.knownNodes(), s.slots(), s.slotCount(), s.flags(), s.peerTroubles(), s.usedMemoryBytes(), s.maxMemoryBytes(),
        s.connectedClients(), s.announced(), s.settings(), epoch);
  }

  @Test
  void aReplacedPrimaryThatRedisGaveTheSlotsBackToIsNeitherHeldNorWaitedForButAlertedOn() {
    // A comes back from a cut still primary of 0-5461 with the higher config epoch (F won with a
    // stale one): Redis keeps A, F turns into its replica. Holding A would stop the shard's writes.
    Replaced r = Replaced.crashOfA();
    ClusterView both = r.promoted().apply(up(F, "r3", epoch(primary(F, "0-5461"), 14), 4), T0.plusSeconds(30))
        .apply(up(A, "r1", epoch(primary(A, "0-5461"), 16), 5), T0.plusSeconds(30));
    FailoverPlanner.Outcome o = plan(both, r.recovered(), T0.plusSeconds(30));
    assertThat(actions(o, Action.Hold.class)).isEmpty();
    assertThat(actions(o, Action.Promote.class)).isEmpty();
    assertThat(o.decisions()).extracting(Decision::reason).containsExactly("old primary 127.0.0.1:7000 of shard "
        + "0-5461 serves the shard again: Redis kept its slots when it came back, over 127.0.0.1:7005 promoted in its "
        + "place; writes acknowledged by 127.0.0.1:7005 since its promotion may be lost (check the new primary's "
        + "config epoch in CLUSTER NODES)");
    assertThat(o.memory().returning()).isEmpty();

    // With the newer epoch on F's side (the normal case), A is held until it follows F.
    ClusterView normal = r.promoted().apply(up(F, "r3", epoch(primary(F, "0-5461"), 17), 4), T0.plusSeconds(30))
        .apply(up(A, "r1", epoch(primary(A, "0-5461"), 16), 5), T0.plusSeconds(30));
    assertThat(actions(plan(normal, r.recovered(), T0.plusSeconds(30)), Action.Hold.class))
        .extracting(Action.Hold::node).containsExactly(A);
  }

  @Test
  void inMaintenanceModeNothingIsPromotedAndReasonsSaySo() {
    ClusterView view = healthy().apply(down(A, "r1", ProbeFailure.Kind.REFUSED, 2), T0);
    FailoverPlanner.Outcome o = plan(view, FailoverMemory.empty().paused(true), T0);
    assertThat(actions(o, Action.Promote.class)).isEmpty();
    assertThat(o.decisions()).allMatch(d -> d.reason().startsWith("PAUSE: "));
  }

  /** A view, what observers report, when, and what the planner does for shard 0-5461 (null: nothing). */
  private record Case(ClusterView view, Observations observations, Instant now, Class<? extends Action> branch) {
  }

  /** The healthy cluster with every node but A reported again at {@code now}: nothing of r1 (A's region) is heard. */
  private static ClusterView r1Silent(Instant now) {
    return healthy().apply(up(B, "r2", primary(B, "5462-10922"), 2), now).apply(up(C, "r3", primary(C, "10923-16383"), 2), now)
        .apply(up(D, "r2", replica(D, A, 900), 2), now).apply(up(E, "r3", replica(E, B, 500), 2), now)
        .apply(up(F, "r3", replica(F, A, 950), 2), now);
  }

  /** The analyses form a closed set; a kind added without a case here, or without a branch in the planner, fails. */
  @Test
  void everyKindOfAnalysisReachesItsBranch() {
    Instant soon = T0.plusMillis(300);
    Instant later = T0.plusMillis(3100);
    Instant fenceDelay = T0.plusMillis(1100);
    ClusterView fencing = reportedAgain(healthy(), fenceDelay);
    fencing = fencing.apply(fencingAfter(reportedAgain(fencing, fenceDelay).nodes().get(A).report(), 1000), fenceDelay);
    Map<Class<?>, Case> cases = new java.util.LinkedHashMap<>();
    cases.put(Analysis.NoProblem.class, new Case(reportedAgain(healthy(), soon), Observations.empty(), soon, null));
    cases.put(Analysis.DeadPrimary.class, new Case(reportedAgain(healthy().apply(down(A, "r1", ProbeFailure.Kind.REFUSED,
        2), T0), soon), Observations.empty(), soon, Action.Promote.class));
    cases.put(Analysis.UnreachablePrimary.class, new Case(reportedAgain(healthy().apply(down(A, "r1",
        ProbeFailure.Kind.TIMEOUT, 2), T0), soon), Observations.empty(), soon, Action.Alert.class));
    cases.put(Analysis.UnreachableByMajority.class, new Case(reportedAgain(healthy().apply(down(A, "r1",
        ProbeFailure.Kind.TIMEOUT, 2), T0), later), cannotReach(later, 3100, A, "r2"), later, Action.Promote.class));
    cases.put(Analysis.AgentSilent.class, new Case(r1Silent(later), Observations.empty(), later, Action.Alert.class));
    cases.put(Analysis.RegionLost.class, new Case(r1Silent(later), cannotReach(later, 3100, A, "r2", "r3"), later,
        Action.Promote.class));
    cases.put(Analysis.IsolatedPrimary.class, new Case(fencing, cannotReach(fenceDelay, 1100, A, "r2", "r3"), fenceDelay,
        Action.Hold.class));

    assertThat(cases.keySet()).as("a case for every kind of analysis").containsExactlyInAnyOrderElementsOf(kinds(Analysis.class));
    cases.forEach((kind, c) -> {
      List<Analysis> analyses = Analyzer.analyze(c.view(), ServingPrimaries.of(c.view(), c.now(), SETTINGS.staleAfter()),
          c.observations(), SETTINGS.regions(), c.now(), SETTINGS.staleAfter(), SETTINGS.failureTimeout(),
          SETTINGS.fenceMargin());
      assertThat(analyses).as("every shard analysed").extracting(Analysis::shard)
          .containsExactly("0-5461", "10923-16383", "5462-10922");
      assertThat(analyses.get(0)).as("the analysis of 0-5461").isInstanceOf(kind);
      assertThat(analyses.get(0).description()).as(kind.getSimpleName()).contains("0-5461");
      assertThat(analyses.get(0).actionable()).as(kind.getSimpleName()).isEqualTo(c.branch() == Action.Promote.class);
      List<Action> forShard = FailoverPlanner.plan(c.view(), c.observations(), Optional.empty(), FailoverMemory.empty(),
          c.now(), SETTINGS).decisions().stream().map(Decision::action).filter(a -> a.shard().equals("0-5461")).toList();
      if (c.branch() == null) {
        assertThat(forShard).as(kind.getSimpleName()).isEmpty();
      } else {
        assertThat(forShard).as(kind.getSimpleName()).singleElement().isInstanceOf(c.branch());
      }
    });
    assertThat(cases.keySet().stream().map(k -> {
      Case c = cases.get(k);
      return Analyzer.analyze(c.view(), ServingPrimaries.of(c.view(), c.now(), SETTINGS.staleAfter()), c.observations(),
          SETTINGS.regions(), c.now(), SETTINGS.staleAfter(), SETTINGS.failureTimeout(), SETTINGS.fenceMargin()).get(0).kind();
    })).as("stable names, one per kind").doesNotHaveDuplicates()
        .containsExactlyInAnyOrder("no_problem", "dead_primary", "unreachable_primary", "unreachable_by_majority",
            "agent_silent", "region_lost", "isolated_primary");
  }

  @Test
  void everyKindOfAnalysisHasItsRowInTheDocs() throws Exception {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "concepts", "failure-detection.md"));
    for (Class<?> kind : kinds(Analysis.class)) {
      assertThat(doc).as("docs/concepts/failure-detection.md").containsPattern("(?m)^\\| `" + kind.getSimpleName()
          + "` \\| `[a-z_]+` \\|");
    }
  }

  /** The concrete kinds of a sealed interface, through its sealed sub-interfaces. */
  private static List<Class<?>> kinds(Class<?> sealed) {
    List<Class<?>> kinds = new java.util.ArrayList<>();
    for (Class<?> permitted : sealed.getPermittedSubclasses()) {
      if (permitted.isSealed()) {
        kinds.addAll(kinds(permitted));
      } else {
        kinds.add(permitted);
      }
    }
    return kinds;
  }
}
