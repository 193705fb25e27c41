package io.meridian.agent.fence;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.agent.probe.ShardOwners;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WriteFenceTest {

  static final Instant START = Instant.parse("2026-11-25T12:00:00Z");
  static final Duration AFTER = Duration.ofSeconds(5);

  @Test
  void anAgentCutOffFromTheLeaderAndTheMajorityFencesAfterTheDelay() {
    Instant now = START.plusSeconds(30);
    Map<String, Instant> onlyOwnRegion = Map.of("r1", now.minusMillis(100), "r2", now.minusSeconds(20),
        "r3", now.minusSeconds(20));
    assertThat(WriteFence.decide(now, Optional.of(now.minusSeconds(20)), onlyOwnRegion, 3, AFTER, START, true))
        .isEqualTo(WriteFence.Verdict.FENCE);
  }

  @Test
  void hearingTheLeaderOrAMajorityOfRegionsIsContactEnough() {
    Instant now = START.plusSeconds(30);
    assertThat(WriteFence.decide(now, Optional.of(now.minusSeconds(1)), Map.of(), 3, AFTER, START, true))
        .as("a leader in touch").isEqualTo(WriteFence.Verdict.LIFT);
    assertThat(WriteFence.decide(now, Optional.empty(), Map.of("r1", now, "r2", now.minusSeconds(2)), 3, AFTER, START, true))
        .as("between leaders, but with 2 of 3 regions").isEqualTo(WriteFence.Verdict.LIFT);
  }

  @Test
  void anAgentNeverInContactYetWaitsOutTheStartupGraceEvenWithAShortFenceDelay() {
    Duration second = Duration.ofSeconds(1);
    assertThat(WriteFence.decide(START.plusSeconds(8), Optional.empty(), Map.of(), 3, second, START, false))
        .as("nobody heard yet, 8 s after start").isEqualTo(WriteFence.Verdict.LIFT);
    assertThat(WriteFence.decide(START.plusSeconds(8), Optional.empty(), Map.of("r1", START.plusSeconds(7)), 3, second,
        START, false)).as("only its own region heard so far, 8 s after start").isEqualTo(WriteFence.Verdict.LIFT);
    assertThat(WriteFence.decide(START.plusSeconds(11), Optional.empty(), Map.of("r1", START.plusSeconds(10)), 3,
        second, START, false)).as("still not in contact after the grace: cut off").isEqualTo(WriteFence.Verdict.FENCE);
    assertThat(WriteFence.decide(START.plusSeconds(8), Optional.empty(), Map.of("r1", START.plusSeconds(5)), 3, second,
        START, true)).as("in contact once, then silence: the grace is over").isEqualTo(WriteFence.Verdict.FENCE);
  }

  @Test
  void aFreshlyStartedAgentGivesTheClusterTimeToBeHeard() {
    assertThat(WriteFence.decide(START.plusSeconds(2), Optional.empty(), Map.of(), 3, AFTER, START, false))
        .isEqualTo(WriteFence.Verdict.LIFT);
    assertThat(WriteFence.decide(START.plusSeconds(11), Optional.empty(), Map.of(), 3, AFTER, START, false))
        .isEqualTo(WriteFence.Verdict.FENCE);
  }

  /** Shard 0-5460 owned by {@code owner}, with {@code up} the nodes a view sees up. */
  private static ShardOwners view(String owner, String... up) {
    return new ShardOwners(Map.of("0-5460", owner, "5461-16383", "b"), Set.of(up), Set.of());
  }

  @Test
  void aShardMovedToANodeUpOnThisSideIsAnOperatorsTakeoverAndStandsTheFenceDown() {
    Map<String, ShardOwners> atContact = Map.of("n1", view("a", "a", "b", "r"));
    Optional<String> evidence = WriteFence.takeover(atContact, Map.of("n1", view("r", "b", "r")), Set.of());
    assertThat(evidence).hasValueSatisfying(e -> assertThat(e).contains("n1 sees slots 0-5460 now owned by r"));
    assertThat(WriteFence.overrule(WriteFence.Verdict.FENCE, evidence)).isEqualTo(WriteFence.Verdict.TAKEN_OVER);
    assertThat(WriteFence.overrule(WriteFence.Verdict.LIFT, evidence)).as("in contact, moves are the leader's")
        .isEqualTo(WriteFence.Verdict.LIFT);
  }

  @Test
  void whenTheCutHealsTheMajoritysPromotionIsNoTakeoverHere() {
    // Before the cut, x replicated a; during it this side saw x in trouble (the other side); the
    // majority promoted x. After the heal, gossip shows x up and owning the shard before the
    // leader's announcements restore contact.
    Map<String, ShardOwners> atContact = Map.of("n1", view("a", "a", "b", "x", "r"));
    Map<String, ShardOwners> healed = Map.of("n1", view("x", "a", "b", "x", "r"));
    assertThat(WriteFence.takeover(atContact, healed, Set.of("x"))).isEmpty();
    assertThat(WriteFence.takeover(atContact, healed, Set.of())).as("a node never seen in trouble from here")
        .hasValueSatisfying(e -> assertThat(e).contains("now owned by x"));
  }

  @Test
  void aViewNamesTheNodesItSeesInTrouble() {
    ShardOwners seen = ShardOwners.of(io.meridian.agent.redis.ClusterNodesReply.parse(String.join("\n",
        "a".repeat(40) + " 10.0.0.1:6379@16379 myself,master - 0 0 1 connected 0-5460",
        "x".repeat(40) + " 10.1.0.1:6379@16379 slave,fail? " + "a".repeat(40) + " 0 0 1 connected",
        "b".repeat(40) + " 10.2.0.1:6379@16379 master,fail - 0 0 2 connected 5461-16383") + "\n"));
    assertThat(seen.up()).containsExactly("a".repeat(40));
    assertThat(seen.down()).containsExactlyInAnyOrder("x".repeat(40), "b".repeat(40));
  }

  @Test
  void nothingMovedOrAMoveToTheOtherSideIsNoTakeoverHere() {
    Map<String, ShardOwners> atContact = Map.of("n1", view("a", "a", "b", "r"));
    assertThat(WriteFence.takeover(atContact, Map.of("n1", view("a", "b", "r")), Set.of())).as("same owners").isEmpty();
    assertThat(WriteFence.takeover(atContact, Map.of("n1", view("x", "b", "r")), Set.of()))
        .as("owner x is down from here: the other side's failover, learnt before the cut").isEmpty();
    assertThat(WriteFence.takeover(Map.of(), Map.of("n1", view("r", "r")), Set.of())).as("no baseline for n1").isEmpty();
    assertThat(WriteFence.overrule(WriteFence.Verdict.FENCE, Optional.empty())).isEqualTo(WriteFence.Verdict.FENCE);
  }

  @Test
  void contactIsALeaderOrAStrictMajorityOfRegionsWithinTheWindow() {
    Instant now = START.plusSeconds(30);
    Duration window = Duration.ofMillis(1500);
    assertThat(WriteFence.inContact(now, Optional.of(now.minusMillis(1400)), Map.of(), 3, window)).isTrue();
    assertThat(WriteFence.inContact(now, Optional.of(now.minusMillis(1600)), Map.of(), 3, window)).isFalse();
    assertThat(WriteFence.inContact(now, Optional.empty(), Map.of("r1", now, "r2", now), 4, window))
        .as("2 of 4 regions is no majority").isFalse();
    assertThat(WriteFence.inContact(now, Optional.empty(), Map.of("r1", now, "r2", now, "r3", now), 4, window))
        .isTrue();
  }

  @Test
  void whileTheNumberOfRegionsIsUnknownOnlyALeaderCountsAsContact() {
    Instant now = START.plusSeconds(30);
    Duration window = Duration.ofMillis(1500);
    // An agent started inside a cut has heard one region and no leader: it must not take one region
    // for a majority of one.
    int known = WriteFence.regions(0, 0, 1);
    assertThat(WriteFence.inContact(now, Optional.empty(), Map.of("r1", now), known, window)).isFalse();
    assertThat(WriteFence.decide(now, Optional.empty(), Map.of("r1", now), known, AFTER, START, true))
        .isEqualTo(WriteFence.Verdict.FENCE);
    assertThat(WriteFence.inContact(now, Optional.of(now), Map.of(), known, window)).isTrue();
    // Learnt from the leader's announcements, or from every region's coordinators heard once.
    assertThat(WriteFence.regions(0, 5, 3)).isEqualTo(5);
    assertThat(WriteFence.regions(0, 0, 3)).isEqualTo(3);
    assertThat(WriteFence.regions(4, 5, 3)).as("configured wins").isEqualTo(4);
    assertThat(WriteFence.inContact(now, Optional.empty(), Map.of("r1", now, "r2", now), WriteFence.regions(0, 3, 2),
        window)).isTrue();
  }

  @Test
  void aLeaderOfThisAgentsOwnRegionIsContactOnlyAsLongAsAnotherRegionIsHeardToo() {
    Instant now = START.plusSeconds(30);
    Optional<Instant> announced = Optional.of(now.minusMillis(100));
    assertThat(WriteFence.leaderContact(announced, "r2", "r1", Map.of())).as("a leader elsewhere").isEqualTo(announced);
    assertThat(WriteFence.leaderContact(announced, "r1", "r1", Map.of("r1", now)))
        .as("a leader of this region, nobody else heard").isEmpty();
    assertThat(WriteFence.leaderContact(announced, "r1", "r1", Map.of("r1", now, "r3", now.minusMillis(900))))
        .as("cut off with its region 0.9 s ago: contact ends with the last word from r3")
        .contains(now.minusMillis(900));
    assertThat(WriteFence.leaderContact(announced, "r1", "r1", Map.of("r3", now))).contains(now.minusMillis(100));
    assertThat(WriteFence.leaderContact(Optional.empty(), "r1", "r1", Map.of("r3", now))).isEmpty();
    // The fence follows: 1.2 s after the last word from another region, with fencing.after 1 s.
    assertThat(WriteFence.decide(now, WriteFence.leaderContact(announced, "r1", "r1",
        Map.of("r1", now, "r3", now.minusMillis(1200))), Map.of("r1", now, "r3", now.minusMillis(1200)), 3,
        Duration.ofSeconds(1), START, true)).isEqualTo(WriteFence.Verdict.FENCE);
  }
}
