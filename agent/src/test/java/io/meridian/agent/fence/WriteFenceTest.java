package io.meridian.agent.fence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WriteFenceTest {

  static final Instant START = Instant.parse("2026-11-25T12:00:00Z");
  static final Duration AFTER = Duration.ofSeconds(5);

  @Test
  void anAgentCutOffFromTheLeaderAndTheMajorityFencesAfterTheDelay() {
    Instant now = START.plusSeconds(30);
    Map<String, Instant> onlyOwnRegion = Map.of("r1", now.minusMillis(100), "r2", now.minusSeconds(20),
        "r3", now.minusSeconds(20));
    assertThat(WriteFence.decide(now, Optional.of(now.minusSeconds(20)), onlyOwnRegion, 3, AFTER, START))
        .isEqualTo(WriteFence.Verdict.FENCE);
  }

  @Test
  void hearingTheLeaderOrAMajorityOfRegionsIsContactEnough() {
    Instant now = START.plusSeconds(30);
    assertThat(WriteFence.decide(now, Optional.of(now.minusSeconds(1)), Map.of(), 3, AFTER, START))
        .as("a leader in touch").isEqualTo(WriteFence.Verdict.LIFT);
    assertThat(WriteFence.decide(now, Optional.empty(), Map.of("r1", now, "r2", now.minusSeconds(2)), 3, AFTER, START))
        .as("between leaders, but with 2 of 3 regions").isEqualTo(WriteFence.Verdict.LIFT);
  }

  @Test
  void aFreshlyStartedAgentGivesTheClusterTimeToBeHeard() {
    assertThat(WriteFence.decide(START.plusSeconds(2), Optional.empty(), Map.of(), 3, AFTER, START))
        .isEqualTo(WriteFence.Verdict.LIFT);
    assertThat(WriteFence.decide(START.plusSeconds(6), Optional.empty(), Map.of(), 3, AFTER, START))
        .isEqualTo(WriteFence.Verdict.FENCE);
  }

  @Test
  void anIsolatedSideWhoseEpochRoseHasBeenTakenOverByAnOperatorAndIsNotFenced() {
    assertThat(WriteFence.overrule(WriteFence.Verdict.FENCE, 7, 8)).as("a takeover here since contact was lost")
        .isEqualTo(WriteFence.Verdict.TAKEN_OVER);
    assertThat(WriteFence.overrule(WriteFence.Verdict.FENCE, 7, 7)).as("nothing happened on this side")
        .isEqualTo(WriteFence.Verdict.FENCE);
    assertThat(WriteFence.overrule(WriteFence.Verdict.FENCE, -1, -1)).as("no node has answered yet")
        .isEqualTo(WriteFence.Verdict.FENCE);
    assertThat(WriteFence.overrule(WriteFence.Verdict.LIFT, 7, 9)).as("in contact, a rise is the leader's failover")
        .isEqualTo(WriteFence.Verdict.LIFT);
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
}
