package io.meridian.coordinator.notify;

import io.meridian.messages.ClusterEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Lets an event through once per window: the same kind, region, node and sender within the
 * window is a duplicate (every cycle re-derives the same facts; an operator wants one message).
 * Pure: time comes in as a value. Not thread-safe: one context.
 */
public final class Dedup {

  private final Duration window;
  private final Map<String, Instant> lastAdmitted = new HashMap<>();

  public Dedup(Duration window) {
    this.window = window;
  }

  public static String key(ClusterEvent e) {
    return e.kind() + "|" + e.region().orElse("") + "|" + e.node().orElse("") + "|" + e.sender();
  }

  /** True when the event should be sent (and from now on counts as sent). */
  public boolean admit(ClusterEvent e, Instant now) {
    lastAdmitted.values().removeIf(at -> !Duration.between(at, now).minus(window).isNegative());
    return lastAdmitted.putIfAbsent(key(e), now) == null;
  }
}
