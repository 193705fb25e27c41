package io.meridian.coordinator.notify;

import io.meridian.coordinator.observe.RegionReachability;
import io.meridian.messages.ClusterEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Which events leave this coordinator for the webhooks: its own (regions lost and back, raised
 * only while it leads), and those others publish on the bus (agents' write fences, operator
 * actions), sent by the leader. Without a leader heard (a minority partition: exactly when fences
 * go on) every coordinator that hears one sends it: a duplicate is better than silence. On the
 * coordinator's context.
 */
public final class EventForwarding {

  private final WebhookNotifier notifier;
  private final EventStamp stamp;
  private final BooleanSupplier leading;
  private final BooleanSupplier leaderHeard;
  /** Regions heard from at the last look, and those ever heard from (a region never seen is not "lost"). */
  private RegionReachability regions = RegionReachability.none();

  /** @param leaderHeard whether a fresh leader announcement is known */
  public EventForwarding(WebhookNotifier notifier, EventStamp stamp, BooleanSupplier leading,
      BooleanSupplier leaderHeard) {
    this.notifier = notifier;
    this.stamp = stamp;
    this.leading = leading;
    this.leaderHeard = leaderHeard;
  }

  /** An event from the bus. */
  public void heard(ClusterEvent event) {
    if (leading.getAsBoolean() || !leaderHeard.getAsBoolean()) {
      notifier.notify(event);
    }
  }

  /** The regions reachable now: a region lost or back is an event, raised by the leader. */
  public void regionsReachable(List<String> configured, Set<String> reachable, Duration staleAfter) {
    RegionReachability.Step step = regions.look(configured, reachable);
    regions = step.next();
    if (leading.getAsBoolean()) {
      step.changes().forEach(change -> notifier.notify(change.lost()
          ? stamp.of(ClusterEvent.Kind.REGION_LOST, ClusterEvent.Severity.CRITICAL, Optional.of(change.region()),
              "region " + change.region() + " is lost: no agent report or coordinator report from it for over "
                  + staleAfter.toMillis() + " ms")
          : stamp.of(ClusterEvent.Kind.REGION_RECOVERED, ClusterEvent.Severity.INFO, Optional.of(change.region()),
              "region " + change.region() + " is back: reports from it arrive again")));
    }
  }
}
