package io.meridian.coordinator.act;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the leader's cycle: on its cadence, and early when crash evidence arrives. Every cycle
 * says what it did, or why it did nothing ("not leading", "nothing to do: …"), which the leader
 * API shows; a cycle that throws becomes a logged reason and the next cycle runs as usual; a
 * cycle longer than the cadence is counted as an overrun. Used from one context.
 */
public final class ControlLoop {

  private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);

  /** One cycle: when it started, how long it took, and what it did or why it did nothing. */
  public record Cycle(Instant at, long tookMicros, String summary) {
  }

  private final Duration cadence;
  private final Supplier<String> step;
  private final Clock clock;
  private final Timer duration;
  private final Counter overruns;
  private final Counter failures;
  private volatile Cycle last;
  private String lastFailure;

  /** @param step one cycle; answers what it did or why it did nothing */
  public ControlLoop(Duration cadence, Supplier<String> step, MeterRegistry registry, Clock clock) {
    this.cadence = cadence;
    this.step = step;
    this.clock = clock;
    this.duration = Timer.builder("meridian_control_loop").description("Time one cycle of the leader's control loop took")
        .register(registry);
    this.overruns = Counter.builder("meridian_control_loop_overruns")
        .description("Cycles of the control loop that took longer than its cadence").register(registry);
    this.failures = Counter.builder("meridian_control_loop_failures")
        .description("Cycles of the control loop that ended with an error (logged; the loop goes on)")
        .register(registry);
  }

  public Duration cadence() {
    return cadence;
  }

  /** One cycle, now. */
  public void run() {
    Instant at = clock.instant();
    long start = System.nanoTime();
    String summary;
    try {
      summary = step.get();
      lastFailure = null;
    } catch (RuntimeException e) {
      failures.increment();
      summary = "the cycle failed: " + e;
      // Said once per distinct failure, not four times a second.
      if (!summary.equals(lastFailure)) {
        LOG.atError().setCause(e).log("the leader's control loop cycle failed, the next runs as usual: {}", e.toString());
        lastFailure = summary;
      }
    }
    long took = System.nanoTime() - start;
    duration.record(took, TimeUnit.NANOSECONDS);
    if (took > cadence.toNanos()) {
      overruns.increment();
    }
    last = new Cycle(at, TimeUnit.NANOSECONDS.toMicros(took), summary);
  }

  /** The last cycle, if one ran. */
  public Optional<Cycle> last() {
    return Optional.ofNullable(last);
  }
}
