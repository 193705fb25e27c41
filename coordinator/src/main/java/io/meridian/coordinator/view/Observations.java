package io.meridian.coordinator.view;

import io.meridian.messages.ReachabilityReport;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the coordinators in each region can reach, from their {@link ReachabilityReport}s.
 * Observers' clocks are never compared with ours: a report says for how long it has failed to
 * reach a node, and that duration is laid back from when we received the report. Immutable.
 */
public record Observations(Map<String, Observer> observers) {

  /** One coordinator's latest report, on our clock. */
  public record Observer(String region, Instant receivedAt, Map<String, Instant> failingSince) {
    public Observer {
      failingSince = Map.copyOf(failingSince);
    }
  }

  public Observations {
    observers = Map.copyOf(observers);
  }

  public static Observations empty() {
    return new Observations(Map.of());
  }

  public Observations apply(ReachabilityReport report, Instant receivedAt) {
    Map<String, Instant> failing = new HashMap<>();
    report.failing().forEach((node, since) -> failing.put(node,
        receivedAt.minusMillis(Math.max(0, report.observedAt() - since))));
    Map<String, Observer> next = new HashMap<>(observers);
    next.put(report.sender(), new Observer(report.region(), receivedAt, failing));
    return new Observations(next);
  }

  /**
   * Of the cluster's {@code regions}, how many had a coordinator heard within {@code within}; the
   * caller's own region always counts.
   */
  public int regionsHeard(Instant now, Duration within, String own, java.util.List<String> regions) {
    Set<String> heard = new TreeSet<>();
    heard.add(own);
    observers.values().stream().filter(o -> Duration.between(o.receivedAt(), now).compareTo(within) <= 0)
        .forEach(o -> heard.add(o.region()));
    heard.retainAll(regions);
    return heard.size();
  }

  /**
   * Regions of fresh observers that have failed to reach {@code node} (announced address) for at
   * least {@code failureTimeout}.
   */
  public Set<String> failingRegions(String node, Instant now, Duration staleAfter, Duration failureTimeout) {
    return failingRegions(node, now, staleAfter, failureTimeout, Instant.MIN);
  }

  /**
   * As {@link #failingRegions(String, Instant, Duration, Duration)}, counting only observers that
   * started failing at or after {@code notBefore}.
   */
  public Set<String> failingRegions(String node, Instant now, Duration staleAfter, Duration failureTimeout,
      Instant notBefore) {
    Set<String> regions = new TreeSet<>();
    for (Observer o : observers.values()) {
      if (Duration.between(o.receivedAt(), now).compareTo(staleAfter) > 0) {
        continue;
      }
      Instant since = o.failingSince().get(node);
      if (since != null && !since.isBefore(notBefore) && Duration.between(since, now).compareTo(failureTimeout) >= 0) {
        regions.add(o.region());
      }
    }
    return regions;
  }
}
