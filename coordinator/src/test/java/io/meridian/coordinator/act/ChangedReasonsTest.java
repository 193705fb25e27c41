package io.meridian.coordinator.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.decide.Action;
import io.meridian.coordinator.decide.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangedReasonsTest {

  private static final Decision SILENT = new Decision(new Action.Alert("0-5460"), "agent-1 silent for 10 s");
  private static final Decision WAITING = new Decision(new Action.Wait("5461-10922"), "waiting for the fence");

  @Test
  void aReasonIsNewsOnceWhileItLasts() {
    ChangedReasons reasons = new ChangedReasons();
    assertThat(reasons.news(List.of(SILENT, WAITING))).containsExactly(SILENT, WAITING);
    assertThat(reasons.news(List.of(SILENT, WAITING))).isEmpty();
    Decision louder = new Decision(new Action.Alert("0-5460"), "agent-1 silent for 20 s");
    assertThat(reasons.news(List.of(louder, WAITING))).containsExactly(louder);
  }

  @Test
  void troubleThatComesBackWithTheSameWordsIsNewsAgain() {
    ChangedReasons reasons = new ChangedReasons();
    assertThat(reasons.news(List.of(SILENT, WAITING))).containsExactly(SILENT, WAITING);
    // the first shard is fine for a cycle, the second still waits
    assertThat(reasons.news(List.of(WAITING))).isEmpty();
    assertThat(reasons.news(List.of(SILENT, WAITING))).containsExactly(SILENT);
  }

  @Test
  void aNewLeaderTellsEverythingAgain() {
    ChangedReasons reasons = new ChangedReasons();
    reasons.news(List.of(SILENT));
    reasons.clear();
    assertThat(reasons.news(List.of(SILENT))).containsExactly(SILENT);
  }
}
