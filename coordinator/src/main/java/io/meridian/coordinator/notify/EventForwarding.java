package io.meridian.coordinator.notify;

import io.meridian.messages.ClusterEvent;
import java.util.function.BooleanSupplier;

/**
 * Which events that others publish on the bus (agents' write fences, operator actions) leave this
 * coordinator for the webhooks: the leader sends them. Without a leader heard (a minority
 * partition: exactly when fences go on) every coordinator that hears one sends it: a duplicate is
 * better than silence. On the coordinator's context.
 */
public final class EventForwarding {

  private final WebhookNotifier notifier;
  private final BooleanSupplier leading;
  private final BooleanSupplier leaderHeard;

  /** @param leaderHeard whether a fresh leader announcement is known */
  public EventForwarding(WebhookNotifier notifier, BooleanSupplier leading, BooleanSupplier leaderHeard) {
    this.notifier = notifier;
    this.leading = leading;
    this.leaderHeard = leaderHeard;
  }

  /** An event from the bus. */
  public void heard(ClusterEvent event) {
    if (leading.getAsBoolean() || !leaderHeard.getAsBoolean()) {
      notifier.notify(event);
    }
  }
}
