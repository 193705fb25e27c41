package io.meridian.coordinator.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.coordinator.decide.Action;
import io.meridian.coordinator.decide.FailoverMemory;
import io.meridian.coordinator.decide.Recovery;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The failover memory handed from one leader to the next survives the trip exactly, or is refused. */
class FailoverMemoryCodecTest {

  static final Instant T0 = Instant.parse("2026-12-03T10:00:00.123Z");

  static FailoverMemory busy() {
    return FailoverMemory.empty()
        .started("0-5460", "10.0.0.1:7000", "n1:7000", "10.0.0.2:7000", Action.Mode.FORCE, T0, false)
        .recovered("0-5460", T0.plusSeconds(2))
        .started("5461-10922", "10.0.0.3:7000", "n3:7000", "10.0.0.4:7000", Action.Mode.TAKEOVER, T0.plusSeconds(3), false)
        .started("5461-10922", "10.0.0.3:7000", "n3:7000", "10.0.0.5:7000", Action.Mode.TAKEOVER, T0.plusSeconds(9), false)
        .returning("10.0.0.9:7000", Optional.of(new FailoverMemory.Returning("10923-16383", "10.0.0.8:7000",
            Optional.of(T0.plusSeconds(4)))))
        .recovery("5461-10922", Optional.of(Recovery.start("5461-10922", 41, "unreachable_by_majority",
            "unreachable from 2 of 3 regions", "n3:7000", Optional.empty(), T0.plusSeconds(3)).commandSent()
            .step(new Recovery.Step(T0.plusSeconds(4), 41, "FAILOVER_TAKEOVER", "n4:7000", "not executed: no answer",
                "5461-t41-1764756003123/t41/1/failover_takeover")).attemptFailed(true)));
  }

  @Test
  void aRecoveryUnderWayIsHandedOverWithItAndAMemoryWrittenBeforeRecoveryRecordsReadsWithNone() {
    FailoverMemory back = FailoverMemoryCodec.decode(FailoverMemoryCodec.encode(busy(), 42)).value();
    Recovery running = back.recovery("5461-10922").orElseThrow();
    assertThat(running).isEqualTo(busy().recovery("5461-10922").orElseThrow());
    assertThat(running.outcome()).isEmpty();
    assertThat(running.nextCommandId(43, "FAILOVER_FORCE")).isEqualTo(running.id() + "/t43/2/failover_force");
    JsonObject older = new JsonObject(FailoverMemoryCodec.encode(busy(), 42));
    older.remove("recoveries");
    assertThat(FailoverMemoryCodec.decode(older.encode()).value().recoveries()).isEmpty();
    assertThatThrownBy(() -> FailoverMemoryCodec.decode(FailoverMemoryCodec.encode(busy(), 42)
        .replace("\"trigger\":\"unreachable_by_majority\"", "\"trigger\":7")))
        .hasMessage("field 'recoveries.5461-10922.trigger': expected a string, got 7");
  }

  @Test
  void aMemoryWithAttemptsFailuresAndReturnsRoundTripsWithItsTerm() {
    FailoverMemory memory = busy();
    CpTermRegister.Stamped<FailoverMemory> back = FailoverMemoryCodec.decode(FailoverMemoryCodec.encode(memory, 42));
    assertThat(back.term()).isEqualTo(42);
    assertThat(back.value()).isEqualTo(memory);
    assertThat(back.value().attempt("5461-10922").orElseThrow().tried())
        .containsExactlyInAnyOrder("10.0.0.4:7000", "10.0.0.5:7000");
    assertThat(back.value().recentFailures()).containsKey("10.0.0.1:7000");
  }

  @Test
  void theMaintenanceFlagIsNotPartOfIt() {
    assertThat(FailoverMemoryCodec.decode(FailoverMemoryCodec.encode(busy().paused(true), 1)).value().paused())
        .isFalse();
  }

  @Test
  void malformedMemoriesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> FailoverMemoryCodec.decode("[1]")).hasMessageStartingWith("not a JSON object");
    assertThatThrownBy(() -> FailoverMemoryCodec.decode("{\"version\":2,\"term\":1}"))
        .hasMessage("field 'version': expected 1, got 2");
    assertThatThrownBy(() -> FailoverMemoryCodec.decode("{\"version\":1,\"term\":-3}"))
        .hasMessage("field 'term': expected a non-negative integer, got -3");
    String good = FailoverMemoryCodec.encode(busy(), 7);
    assertThatThrownBy(() -> FailoverMemoryCodec.decode(good.replace("\"TAKEOVER\"", "\"SOFT\"")))
        .hasMessage("field 'attempts.5461-10922.mode': expected FORCE or TAKEOVER, got SOFT");
    assertThatThrownBy(() -> FailoverMemoryCodec.decode(good.replace("2026-12-03T10:00:02.123Z", "yesterday")))
        .hasMessage("field 'recentFailures.10.0.0.1:7000.at': expected an ISO-8601 instant, got yesterday");
    assertThatThrownBy(() -> FailoverMemoryCodec.decode(good.replace("\"returning\":{", "\"returning\":{\"x\":3,")))
        .hasMessage("field 'returning.x': expected an object, got 3");
  }
}
