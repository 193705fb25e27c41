package io.meridian.coordinator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.notify.EventStamp;
import io.meridian.messages.ClusterEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Given three regions, when one goes silent and comes back, then one event each way, and none at start. */
class RegionEventsTest {

  private static final List<String> REGIONS = List.of("r1", "r2", "r3");
  private final RegionEvents events = new RegionEvents(new EventStamp("coordinator-1",
      Clock.fixed(Instant.parse("2026-12-05T09:00:00Z"), ZoneOffset.UTC)));

  @Test
  void aRegionLostAndBackIsOneEventEachWay() {
    assertThat(events.look(REGIONS, Set.of("r1", "r3"), Duration.ofSeconds(2)))
        .as("r2 never heard yet: not lost, and nothing is back at start").isEmpty();
    assertThat(events.look(REGIONS, Set.of("r1", "r2", "r3"), Duration.ofSeconds(2))).isEmpty();

    List<ClusterEvent> lost = events.look(REGIONS, Set.of("r1", "r3"), Duration.ofSeconds(2));
    assertThat(lost).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(ClusterEvent.Kind.REGION_LOST);
      assertThat(e.severity()).isEqualTo(ClusterEvent.Severity.CRITICAL);
      assertThat(e.region()).contains("r2");
      assertThat(e.summary()).isEqualTo("region r2 is lost: no agent report or coordinator report from it for over "
          + "2000 ms");
    });
    assertThat(events.look(REGIONS, Set.of("r1", "r3"), Duration.ofSeconds(2))).as("said once").isEmpty();

    List<ClusterEvent> back = events.look(REGIONS, Set.of("r1", "r2", "r3"), Duration.ofSeconds(2));
    assertThat(back).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(ClusterEvent.Kind.REGION_RECOVERED);
      assertThat(e.region()).contains("r2");
    });
  }
}
