package io.meridian.coordinator.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.messages.Terms;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Given a leader under some term, it follows what agents remember, but never a term near the top of the range. */
class TermCatchUpTest {

  private final List<Long> raisedTo = new ArrayList<>();
  private final TermCatchUp catchUp = new TermCatchUp(seen -> {
    raisedTo.add(seen);
    return CompletableFuture.completedFuture(seen + 1);
  }, Runnable::run);

  @Test
  void aHigherTermAgentsRememberIsFollowedAnEqualOrLowerOneIsNot() {
    catchUp.check(500, 400);
    catchUp.check(500, 500);
    assertThat(raisedTo).isEmpty();
    catchUp.check(500, 90_000);
    assertThat(raisedTo).containsExactly(90_000L);
  }

  @Test
  void aTermAboveWhatALeaderFollowsIsAForgedReportAndIsNotFollowed() {
    catchUp.check(500, Terms.FOLLOWED + 1);
    catchUp.check(500, Terms.MAX);
    assertThat(raisedTo).as("following it would push the leader's terms past Terms.MAX").isEmpty();
    catchUp.check(500, Terms.FOLLOWED);
    assertThat(raisedTo).containsExactly(Terms.FOLLOWED);
  }
}
