package io.meridian.coordinator.config;

import io.meridian.coordinator.rebalance.RebalancePlanner;
import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigNode;
import java.time.Duration;

/**
 * How the leader keeps the layout right over time (coordinator.yaml, {@code rebalance}); needs a
 * spec. Documented in the configuration reference, docs/reference/configuration.md.
 *
 * @param enabled           false: the leader never rebalances (the plan is still served)
 * @param automaticFailback true: primaries move back (reliability: to the first region; performance: to an
 *                          even spread) on their own; false: only after {@code meridian rebalance} asks
 * @param maxLagBytes       a replica is in sync when its replication offset is at most this far behind its primary's
 * @param actionInterval    at least this long between two steps the loop starts (the rate limit)
 * @param actionTimeout     a step that has not shown up in the view after this long counts as failed
 */
public record Rebalance(boolean enabled, boolean automaticFailback, long maxLagBytes, Duration actionInterval,
    Duration actionTimeout) {

  /** What the planner needs of this section (the plan served on GET and the loop's both use it). */
  public RebalancePlanner.Settings plannerSettings() {
    return new RebalancePlanner.Settings(maxLagBytes);
  }

  public static Rebalance defaults() {
    return new Rebalance(true, true, 1_048_576, Duration.ofSeconds(2), Duration.ofSeconds(30));
  }

  public static Rebalance read(ConfigNode node) throws ConfigException {
    Rebalance d = defaults();
    boolean enabled = node.bool("enabled", d.enabled());
    String failback = node.string("failback", "automatic");
    if (!failback.equals("automatic") && !failback.equals("manual")) {
      throw node.error("failback", "must be 'automatic' or 'manual', got \"" + failback + "\"");
    }
    int maxLag = node.integer("maxLagBytes", (int) d.maxLagBytes(), 0, Integer.MAX_VALUE);
    Duration interval = node.duration("actionInterval", d.actionInterval(), Duration.ZERO, Duration.ofHours(1));
    Duration timeout = node.duration("actionTimeout", d.actionTimeout(), Duration.ofSeconds(1), Duration.ofHours(1));
    return new Rebalance(enabled, failback.equals("automatic"), maxLag, interval, timeout);
  }
}
