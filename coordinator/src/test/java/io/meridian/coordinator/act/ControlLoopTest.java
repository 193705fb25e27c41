package io.meridian.coordinator.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Given a leader's cycle, the loop says what each run did, survives one that throws, and counts overruns. */
class ControlLoopTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-05T01:00:00Z"), ZoneOffset.UTC);

  @Test
  void aCycleThatThrowsBecomesItsReasonAndTheNextRunsAsUsual() {
    Deque<Supplier<String>> cycles = new ArrayDeque<>(List.of(
        () -> "nothing to do",
        () -> {
          throw new IllegalStateException("the view has no region-2");
        },
        () -> "1 decision(s) (promote 1)"));
    ControlLoop loop = new ControlLoop(Duration.ofMillis(250), () -> cycles.pop().get(), registry, clock);
    assertThat(loop.last()).isEmpty();

    loop.run();
    assertThat(loop.last().orElseThrow().summary()).isEqualTo("nothing to do");
    loop.run();
    assertThat(loop.last().orElseThrow().summary())
        .isEqualTo("the cycle failed: java.lang.IllegalStateException: the view has no region-2");
    loop.run();
    assertThat(loop.last().orElseThrow().summary()).isEqualTo("1 decision(s) (promote 1)");
    assertThat(loop.last().orElseThrow().at()).isEqualTo(clock.instant());

    assertThat(registry.get("meridian_control_loop_failures").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("meridian_control_loop").timer().count()).isEqualTo(3);
    assertThat(registry.get("meridian_control_loop_overruns").counter().count()).isZero();
  }

  @Test
  void aCycleLongerThanTheCadenceIsAnOverrun() {
    ControlLoop loop = new ControlLoop(Duration.ofNanos(1), () -> {
      long until = System.nanoTime() + 1_000_000;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      return "slow";
    }, registry, clock);
    loop.run();
    assertThat(registry.get("meridian_control_loop_overruns").counter().count()).isEqualTo(1.0);
    assertThat(loop.last().orElseThrow().tookMicros()).isGreaterThanOrEqualTo(1000);
  }
}
