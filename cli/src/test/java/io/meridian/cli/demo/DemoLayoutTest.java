package io.meridian.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.agent.admin.SlotRange;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DemoLayoutTest {

  @Test
  void defaultDemoIsOnePrimaryPerRegionWithAReplicaInEachOtherRegion() {
    DemoLayout l = DemoLayout.plan(Topology.PERFORMANCE, 3, 3, 7000);
    assertThat(l.formation().primaries()).containsOnlyKeys("127.0.0.1:7000", "127.0.0.1:7003", "127.0.0.1:7006");
    assertThat(l.formation().replicaOf()).containsEntry("127.0.0.1:7001", "127.0.0.1:7003")
        .containsEntry("127.0.0.1:7002", "127.0.0.1:7006")
        .containsEntry("127.0.0.1:7004", "127.0.0.1:7006")
        .containsEntry("127.0.0.1:7005", "127.0.0.1:7000");
    assertThat(l.nodesOf("region-2")).containsExactly("127.0.0.1:7003", "127.0.0.1:7004", "127.0.0.1:7005");
    assertThat(l.regionOf()).containsEntry("127.0.0.1:7008", "region-3");
  }

  @ParameterizedTest
  @CsvSource({"PERFORMANCE,3,2", "PERFORMANCE,3,3", "PERFORMANCE,4,5", "PERFORMANCE,5,7", "PERFORMANCE,3,6",
      "RELIABILITY,3,1", "RELIABILITY,3,3", "RELIABILITY,5,2"})
  void everyLayoutCoversAllSlotsAndSurvivesTheLossOfAnyRegion(Topology topology, int regions, int perRegion) {
    DemoLayout l = DemoLayout.plan(topology, regions, perRegion, 7000);
    assertThat(l.nodeCount()).isEqualTo(regions * perRegion);
    assertThat(l.formation().nodes()).hasSize(regions * perRegion).doesNotHaveDuplicates();
    assertThat(l.formation().primaries().values().stream().mapToInt(SlotRange::size).sum()).isEqualTo(16384);
    for (String primary : l.formation().primaries().keySet()) {
      Set<String> copies = new HashSet<>();
      copies.add(l.regionOf().get(primary));
      l.formation().replicaOf().forEach((replica, p) -> {
        if (p.equals(primary)) {
          copies.add(l.regionOf().get(replica));
        }
      });
      assertThat(copies).as("regions holding shard of %s", primary).hasSizeGreaterThan(1);
    }
    if (topology == Topology.PERFORMANCE) {
      Map<String, Long> perRegionPrimaries = l.formation().primaries().keySet().stream()
          .collect(Collectors.groupingBy(l.regionOf()::get, Collectors.counting()));
      assertThat(perRegionPrimaries).hasSize(regions);
      assertThat(perRegionPrimaries.values().stream().mapToLong(Long::longValue).max().getAsLong()
          - perRegionPrimaries.values().stream().mapToLong(Long::longValue).min().getAsLong()).isLessThanOrEqualTo(1);
    } else {
      assertThat(l.formation().primaries().keySet()).allMatch(p -> l.regionOf().get(p).equals("region-1"));
      for (String region : List.copyOf(l.regions()).subList(1, regions)) {
        Set<String> followed = l.formation().replicaOf().entrySet().stream()
            .filter(e -> l.regionOf().get(e.getKey()).equals(region)).map(Map.Entry::getValue)
            .collect(Collectors.toSet());
        assertThat(followed).as("%s holds a copy of every shard", region)
            .isEqualTo(l.formation().primaries().keySet());
      }
    }
  }

  @Test
  void impossibleRequestsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> DemoLayout.plan(Topology.PERFORMANCE, 2, 3, 7000))
        .hasMessage("--regions must be between 3 and 5, got 2");
    assertThatThrownBy(() -> DemoLayout.plan(Topology.PERFORMANCE, 3, 1, 7000))
        .hasMessageContaining("needs at least 2 nodes per region");
    assertThatThrownBy(() -> DemoLayout.plan(Topology.PERFORMANCE, 3, 3, 60000))
        .hasMessageContaining("choose a base port from 1024 to");
  }
}
