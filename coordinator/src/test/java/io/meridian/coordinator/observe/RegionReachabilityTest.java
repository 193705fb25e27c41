package io.meridian.coordinator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Given the regions reports arrive from, look after look, then the leader hears of each loss and return once. */
class RegionReachabilityTest {

  private static final List<String> REGIONS = List.of("r1", "r2", "r3");

  @Test
  void aRegionLostAndBackIsReportedOnceEachWay() {
    RegionReachability.Step start = RegionReachability.none().look(REGIONS, Set.of("r1", "r2", "r3"));
    assertThat(start.changes()).as("every region heard at start is not 'back'").isEmpty();
    RegionReachability.Step cut = start.next().look(REGIONS, Set.of("r1", "r3"));
    assertThat(cut.changes()).containsExactly(new RegionReachability.Change("r2", true));
    assertThat(cut.next().look(REGIONS, Set.of("r1", "r3")).changes()).as("still lost: nothing new").isEmpty();
    RegionReachability.Step healed = cut.next().look(REGIONS, Set.of("r1", "r2", "r3"));
    assertThat(healed.changes()).containsExactly(new RegionReachability.Change("r2", false));
  }

  @Test
  void aRegionHeardForTheFirstTimeLateIsNotBackAndOnlyConfiguredRegionsCount() {
    RegionReachability.Step first = RegionReachability.none().look(REGIONS, Set.of("r1", "r2"));
    RegionReachability.Step late = first.next().look(REGIONS, Set.of("r1", "r2", "r3", "elsewhere"));
    assertThat(late.changes()).isEmpty();
    assertThat(late.next().look(REGIONS, Set.of("r1")).changes()).containsExactly(
        new RegionReachability.Change("r2", true), new RegionReachability.Change("r3", true));
  }
}
