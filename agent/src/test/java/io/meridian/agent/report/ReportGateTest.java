package io.meridian.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.ProbeFailure;
import io.meridian.messages.RedisState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportGateTest {

  private static final String NODE = "127.0.0.1:7001";

  private static NodeHealthReport replica(long at, long offset, boolean linkUp) {
    return new NodeHealthReport("a", "c", "r", NODE, at, at, 120, Optional.empty(),
        Optional.of(new RedisState(RedisState.Role.REPLICA, Optional.of("127.0.0.1:7000"), Optional.of(linkUp),
            Optional.of(at % 2), offset, 0, true, Optional.of("ok"), Optional.of("id"), 3, 6, List.of(), 0,
            List.of("myself", "slave"), Map.of(), 1_000_000 + offset, 0, 3 + at % 5, Optional.of(NODE), Map.of())));
  }

  private static NodeHealthReport refused(long at) {
    return new NodeHealthReport("a", "c", "r", NODE, at, at, 300,
        Optional.of(new ProbeFailure(ProbeFailure.Kind.REFUSED, "connection refused by " + NODE)), Optional.empty());
  }

  @Test
  void anUnchangedNodeIsReportedOncePerHeartbeatWithoutEverExceedingIt() {
    ReportGate gate = new ReportGate(Duration.ofSeconds(1), Duration.ofMillis(250));
    List<Long> published = new java.util.ArrayList<>();
    // Four probe rounds a second for 3 s, offsets, memory and clients moving all the time.
    for (long at = 0; at <= 3000; at += 250) {
      if (gate.admit(replica(at, 1000 + at, true), at)) {
        published.add(at);
      }
    }
    assertThat(published).containsExactly(0L, 1000L, 2000L, 3000L);
  }

  @Test
  void aChangeIsReportedInTheRoundThatSawIt() {
    ReportGate gate = new ReportGate(Duration.ofSeconds(1), Duration.ofMillis(250));
    assertThat(gate.admit(replica(0, 10, true), 0)).isTrue();
    assertThat(gate.admit(replica(250, 20, true), 250)).isFalse();
    assertThat(gate.admit(replica(500, 20, false), 500)).as("link down").isTrue();
    assertThat(gate.admit(refused(750), 750)).as("node gone").isTrue();
    assertThat(gate.admit(refused(1000), 1000)).isFalse();
    assertThat(gate.admit(replica(1250, 20, true), 1250)).as("back").isTrue();
  }

  @Test
  void aForgottenNodeIsReportedAtOnceWhenWatchedAgainAndEveryRoundWhenTheHeartbeatIsTheInterval() {
    ReportGate gate = new ReportGate(Duration.ofSeconds(1), Duration.ofMillis(250));
    assertThat(gate.admit(replica(0, 10, true), 0)).isTrue();
    gate.forget(NODE);
    assertThat(gate.admit(replica(250, 10, true), 250)).isTrue();

    ReportGate everyRound = new ReportGate(Duration.ofMillis(250), Duration.ofMillis(250));
    assertThat(everyRound.admit(replica(0, 10, true), 0)).isTrue();
    assertThat(everyRound.admit(replica(250, 10, true), 250)).isTrue();
    assertThat(everyRound.admit(replica(500, 10, true), 500)).isTrue();
  }
}
