package io.meridian.coordinator.notify;

import io.meridian.messages.ClusterEvent;
import java.time.Clock;
import java.util.Optional;

/** Stamps the events this coordinator raises itself with its id and the time. */
public record EventStamp(String coordinatorId, Clock clock) {

  public ClusterEvent of(ClusterEvent.Kind kind, ClusterEvent.Severity severity, Optional<String> region,
      String summary) {
    return new ClusterEvent(coordinatorId, kind, severity, region, Optional.empty(), summary, clock.millis());
  }
}
