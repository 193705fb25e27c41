package io.meridian.coordinator.act;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandRoutesTest {

  private static final Instant T0 = Instant.parse("2026-12-02T03:00:00Z");

  @Test
  void anAgentIsWarmedWhenFirstSeenThenEveryThirtySeconds() {
    CommandRoutes routes = new CommandRoutes();
    assertThat(routes.due(List.of("agent-1", "agent-2"), T0)).containsExactly("agent-1", "agent-2");
    assertThat(routes.due(List.of("agent-1", "agent-2", "agent-3"), T0.plusSeconds(1))).containsExactly("agent-3");
    assertThat(routes.due(List.of("agent-1", "agent-2", "agent-3"), T0.plusSeconds(29))).isEmpty();
    assertThat(routes.due(List.of("agent-1", "agent-2", "agent-3"), T0.plusSeconds(30)))
        .containsExactly("agent-1", "agent-2");
  }

  @Test
  void theLeaderAddressIsWarmedAtOnceThenEveryThirtySeconds() {
    CommandRoutes routes = new CommandRoutes();
    assertThat(routes.leaderRouteDue(T0)).isTrue();
    assertThat(routes.leaderRouteDue(T0.plusSeconds(29))).isFalse();
    assertThat(routes.leaderRouteDue(T0.plusSeconds(30))).isTrue();
    assertThat(routes.leaderRouteDue(T0.plusSeconds(31))).isFalse();
  }

  @Test
  void anAgentThatWentAwayIsWarmedAgainAsSoonAsItIsBack() {
    CommandRoutes routes = new CommandRoutes();
    routes.due(List.of("agent-1"), T0);
    assertThat(routes.due(List.of(), T0.plusSeconds(5))).isEmpty();
    assertThat(routes.due(List.of("agent-1"), T0.plusSeconds(6))).containsExactly("agent-1");
  }
}
