package io.meridian.coordinator.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.leadership.CpRejoin.Reading;
import io.meridian.coordinator.leadership.CpRejoin.Standing;
import io.meridian.coordinator.leadership.CpRejoin.Step;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CpRejoinTest {

  private static final Duration BOUND = Duration.ofMinutes(2);
  private static final long SECOND = 1_000_000_000L;

  private final CpRejoin rejoin = new CpRejoin(3, BOUND);

  private static Reading reading(Standing standing, int listed) {
    return new Reading(standing, listed);
  }

  @Test
  void aMemberDoesNothing() {
    assertThat(rejoin.next(reading(Standing.MEMBER, 3), 0).step()).isEqualTo(Step.NONE);
  }

  @Test
  void removedOnTwoReadsInARowReplacesTheMember() {
    assertThat(rejoin.next(reading(Standing.REMOVED, 2), 0).step()).isEqualTo(Step.NONE);
    CpRejoin.Decision second = rejoin.next(reading(Standing.REMOVED, 2), 2 * SECOND);
    assertThat(second.step()).isEqualTo(Step.REPLACE);
    assertThat(second.reason()).contains("2 of 3", "removed this coordinator's CP identity");
  }

  @Test
  void aSingleRemovedReadBetweenOthersIsNotActedOn() {
    rejoin.next(reading(Standing.REMOVED, 2), 0);
    rejoin.next(Reading.unanswered(), 2 * SECOND);
    assertThat(rejoin.next(reading(Standing.REMOVED, 2), 4 * SECOND).step()).isEqualTo(Step.NONE);
    rejoin.next(reading(Standing.MEMBER, 3), 6 * SECOND);
    assertThat(rejoin.next(reading(Standing.REMOVED, 2), 8 * SECOND).step()).isEqualTo(Step.NONE);
  }

  @Test
  void outsideWithAFreeSeatPromotes() {
    assertThat(rejoin.next(reading(Standing.OUTSIDE, 2), 0).step()).isEqualTo(Step.PROMOTE);
  }

  @Test
  void outsideAFullGroupWaitsForASeatWithoutEverGivingUp() {
    assertThat(rejoin.next(reading(Standing.OUTSIDE, 3), 0).step()).isEqualTo(Step.NONE);
    assertThat(rejoin.next(reading(Standing.OUTSIDE, 3), 10 * 60 * SECOND).step()).isEqualTo(Step.NONE);
    // A seat frees up (a departed identity was auto-removed): the bound starts now.
    assertThat(rejoin.next(reading(Standing.OUTSIDE, 2), 11 * 60 * SECOND).step()).isEqualTo(Step.PROMOTE);
  }

  @Test
  void notBackWithinTheBoundOfTheFirstAnsweredReadGivesUp() {
    rejoin.next(reading(Standing.REMOVED, 2), 0);
    assertThat(rejoin.next(reading(Standing.REMOVED, 2), 2 * SECOND).step()).isEqualTo(Step.REPLACE);
    assertThat(rejoin.next(Reading.unanswered(), 4 * SECOND).step()).isEqualTo(Step.NONE);
    assertThat(rejoin.next(reading(Standing.OUTSIDE, 2), 6 * SECOND).step()).isEqualTo(Step.PROMOTE);
    assertThat(rejoin.next(reading(Standing.OUTSIDE, 2), BOUND.toNanos() - 1).step()).isEqualTo(Step.PROMOTE);
    CpRejoin.Decision last = rejoin.next(reading(Standing.OUTSIDE, 2), BOUND.toNanos());
    assertThat(last.step()).isEqualTo(Step.GIVE_UP);
    assertThat(last.reason()).contains("120 s", "2 of 3");
  }

  @Test
  void anUnansweredReadNeverGivesUp() {
    rejoin.next(reading(Standing.OUTSIDE, 2), 0);
    assertThat(rejoin.next(Reading.unanswered(), BOUND.toNanos() * 5).step()).isEqualTo(Step.NONE);
  }

  @Test
  void beingAMemberAgainRestartsTheBound() {
    rejoin.next(reading(Standing.OUTSIDE, 2), 0);
    rejoin.next(reading(Standing.MEMBER, 3), 10 * SECOND);
    assertThat(rejoin.next(reading(Standing.OUTSIDE, 2), BOUND.toNanos() + SECOND).step()).isEqualTo(Step.PROMOTE);
  }
}
