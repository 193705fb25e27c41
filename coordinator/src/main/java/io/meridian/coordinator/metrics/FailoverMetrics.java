package io.meridian.coordinator.metrics;

import io.meridian.monitoring.GaugeSet;
import io.meridian.monitoring.MeridianMetrics;
import io.meridian.monitoring.Sample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The leader's failover and action series. Every label combination is registered at start with 0,
 * so {@code increase()} and alert rules see a series before the first failover (a counter that
 * appears at 1 hides its first increment from {@code rate}). Followers export them too, at 0.
 */
public final class FailoverMetrics {

  /** Analysis kinds that lead to a promotion. */
  public static final List<String> KINDS = List.of("dead_primary", "region_lost", "unreachable_by_majority");
  public static final List<String> RESULTS = List.of("succeeded", "failed");
  public static final List<String> MODES = List.of("force", "takeover");
  public static final List<String> COMMAND_RESULTS = List.of("executed", "refused", "failed", "not_sent");
  public static final List<String> ACTIONS = List.of("promote", "recovered", "wait", "alert");
  public static final List<String> STAGES = List.of("planned", "executed", "failed");

  /** Failover durations and detection latencies span sub-second (crash) to minutes (timeouts). */
  private static final Duration[] BUCKETS = {Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

  private final MeterRegistry registry;
  private final Timer duration;
  private final Timer detection;
  private final GaugeSet failbackHeld;

  public FailoverMetrics(MeridianMetrics metrics) {
    this.registry = metrics.registry();
    KINDS.forEach(k -> RESULTS.forEach(r -> failovers(k, r)));
    MODES.forEach(m -> COMMAND_RESULTS.forEach(r -> commands(m, r)));
    ACTIONS.forEach(a -> STAGES.forEach(s -> actions(a, s)));
    duration = Timer.builder("meridian_failover_duration")
        .description("From the first promotion ordered for a shard to its new primary serving it")
        .serviceLevelObjectives(BUCKETS).register(registry);
    detection = Timer.builder("meridian_failover_detection")
        .description("From the failed primary's last answer (as its agent saw it) to the promotion being ordered")
        .serviceLevelObjectives(BUCKETS).register(registry);
    failbackHeld = new GaugeSet(metrics, Map.of("meridian_failback_held",
        "1 for each shard whose automatic failback to its replaced primary waits out the anti-flapping window"));
  }

  private Counter failovers(String kind, String result) {
    return Counter.builder("meridian_failovers").description("Failovers by analysis kind and result")
        .tag("kind", kind).tag("result", result).register(registry);
  }

  private Counter commands(String mode, String result) {
    return Counter.builder("meridian_failover_commands")
        .description("Promotion commands sent by the leader, by mode and the agent's answer")
        .tag("mode", mode).tag("result", result).register(registry);
  }

  private Counter actions(String action, String stage) {
    return Counter.builder("meridian_actions")
        .description("Leader decisions: planned (each time a shard's reason changes), executed, failed")
        .tag("action", action).tag("stage", stage).register(registry);
  }

  public void failover(String kind, boolean succeeded) {
    failovers(kind, succeeded ? "succeeded" : "failed").increment();
  }

  public void command(String mode, String result) {
    commands(mode, result).increment();
  }

  public void action(String action, String stage) {
    actions(action, stage).increment();
  }

  public void duration(Duration d) {
    duration.record(d.isNegative() ? Duration.ZERO : d);
  }

  public void detection(Duration d) {
    detection.record(d.isNegative() ? Duration.ZERO : d);
  }

  /** The shards whose failback is held at the last cycle, exactly. */
  public void failbackHeld(Collection<String> shards) {
    failbackHeld.replace(shards.stream().map(s -> Sample.of("meridian_failback_held", 1, "shard", s)).toList());
  }
}
