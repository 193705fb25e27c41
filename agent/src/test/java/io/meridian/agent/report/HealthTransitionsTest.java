package io.meridian.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.ProbeFailure;
import io.meridian.messages.RedisState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthTransitionsTest {

  private static NodeHealthReport up(long seq) {
    return new NodeHealthReport("a", "c", "r", "127.0.0.1:7000", seq, seq, 1, Optional.empty(),
        Optional.of(new RedisState(RedisState.Role.PRIMARY, Optional.empty(), Optional.empty(), Optional.empty(),
            0, 0, true, Optional.of("ok"), Optional.of("id"), 1, 1, List.of(), 0, List.of(), Map.of(), 0, 0, 0, Optional.empty(), Map.of())));
  }

  private static NodeHealthReport refused(long seq) {
    return new NodeHealthReport("a", "c", "r", "127.0.0.1:7000", seq, seq, 1,
        Optional.of(new ProbeFailure(ProbeFailure.Kind.REFUSED, "connection refused by 127.0.0.1:7000")),
        Optional.empty());
  }

  @Test
  void speaksOnlyWhenTheConditionChanges() {
    HealthTransitions t = new HealthTransitions();
    assertThat(t.observe(up(1))).contains("node 127.0.0.1:7000 is up as primary");
    assertThat(t.observe(up(2))).isEmpty();
    assertThat(t.observe(refused(3)))
        .contains("node 127.0.0.1:7000 is unreachable (refused): connection refused by 127.0.0.1:7000 (was up as primary)");
    assertThat(t.observe(refused(4))).isEmpty();
    assertThat(t.observe(up(5))).contains("node 127.0.0.1:7000 is up as primary (was unreachable (refused))");
  }
}
