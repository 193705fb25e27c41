package io.meridian.runtime.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusPollTest {

  @Test
  void reportsEachNewStatusOnceAndEndsWhenTheCheckSaysDone() {
    Iterator<String> answers = java.util.Arrays.asList("1/3 ready", "1/3 ready", "2/3 ready", null).iterator();
    List<String> progress = new ArrayList<>();
    Optional<String> gaveUp = StatusPoll.await(Duration.ofSeconds(30), Duration.ofMillis(1), answers::next,
        progress::add);
    assertThat(gaveUp).isEmpty();
    assertThat(progress).containsExactly("1/3 ready", "2/3 ready");
  }

  @Test
  void givesUpAtTheDeadlineWithTheLastStatus() {
    int[] calls = {0};
    Optional<String> gaveUp = StatusPoll.await(Duration.ofMillis(30), Duration.ofMillis(5),
        () -> ++calls[0] < 2 ? "starting" : "2 of 3 answer", s -> { });
    assertThat(gaveUp).contains("2 of 3 answer");
  }

  @Test
  void aCheckThatIsAlreadyTrueNeverWaits() {
    List<String> progress = new ArrayList<>();
    assertThat(StatusPoll.await(Duration.ZERO, Duration.ofHours(1), () -> null, progress::add)).isEmpty();
    assertThat(progress).isEmpty();
  }

  @Test
  void untilIsTrueOnceTheConditionHoldsAndFalseWhenTheDeadlinePassesWithoutIt() {
    int[] calls = {0};
    assertThat(StatusPoll.until(System.nanoTime() + Duration.ofSeconds(30).toNanos(), Duration.ofMillis(1),
        () -> ++calls[0] == 3)).isTrue();
    assertThat(calls[0]).isEqualTo(3);

    calls[0] = 0;
    assertThat(StatusPoll.until(System.nanoTime() + Duration.ofMillis(30).toNanos(), Duration.ofMillis(5),
        () -> ++calls[0] < 0)).isFalse();
    // Checked at once, then every 5 ms, and once more at the deadline.
    assertThat(calls[0]).isGreaterThan(2);
  }
}
