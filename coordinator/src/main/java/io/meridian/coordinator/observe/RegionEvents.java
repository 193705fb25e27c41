package io.meridian.coordinator.observe;

import io.meridian.coordinator.notify.EventStamp;
import io.meridian.messages.ClusterEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Regions lost and back, as events, look after look ({@link RegionReachability}). Every
 * coordinator looks, so that a new leader knows which regions it heard; only the leader sends
 * what changed. On the coordinator's context.
 */
public final class RegionEvents {

  private final EventStamp stamp;
  private RegionReachability regions = RegionReachability.none();

  public RegionEvents(EventStamp stamp) {
    this.stamp = stamp;
  }

  /** The regions reachable now; the events for those lost or back since the last look. */
  public List<ClusterEvent> look(List<String> configured, Set<String> reachable, Duration staleAfter) {
    RegionReachability.Step step = regions.look(configured, reachable);
    regions = step.next();
    return step.changes().stream().map(change -> change.lost()
        ? stamp.of(ClusterEvent.Kind.REGION_LOST, ClusterEvent.Severity.CRITICAL, Optional.of(change.region()),
            "region " + change.region() + " is lost: no agent report or coordinator report from it for over "
                + staleAfter.toMillis() + " ms")
        : stamp.of(ClusterEvent.Kind.REGION_RECOVERED, ClusterEvent.Severity.INFO, Optional.of(change.region()),
            "region " + change.region() + " is back: reports from it arrive again")).toList();
  }
}
