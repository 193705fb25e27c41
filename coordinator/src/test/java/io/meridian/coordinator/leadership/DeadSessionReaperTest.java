package io.meridian.coordinator.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadSessionReaperTest {

  private static final Duration TTL = Duration.ofSeconds(5);

  @Test
  void aMemberThatLeftMomentsAgoHasItsSessionsClosed() {
    assertThat(DeadSessionReaper.stillDeparted(false, Duration.ofMillis(300).toNanos(), TTL)).isTrue();
  }

  @Test
  void aMemberThatIsBackKeepsItsSessions() {
    assertThat(DeadSessionReaper.stillDeparted(true, Duration.ofMillis(300).toNanos(), TTL)).isFalse();
  }

  @Test
  void aLateAnswerAfterTheTtlClosesNothing() {
    // What a frozen leader's reaper sees once it merged back: its listing finally answered.
    assertThat(DeadSessionReaper.stillDeparted(false, Duration.ofSeconds(6).toNanos(), TTL)).isFalse();
  }
}
