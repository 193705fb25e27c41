package io.meridian.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GaugeSetTest {

  @Test
  void replaceAddsUpdatesAndRemovesSeries() {
    try (MeridianMetrics metrics = MeridianMetrics.create("agent", Map.of("cluster", "c"))) {
      GaugeSet set = new GaugeSet(metrics, Map.of("redis_instance_info", "role"));
      set.replace(List.of(Sample.of("redis_instance_info", 1, "node", "n:1", "role", "master"),
          Sample.of("redis_up", 1, "node", "n:1")));
      assertThat(metrics.scrape())
          .contains("# HELP redis_instance_info role")
          .contains("redis_instance_info{cluster=\"c\",node=\"n:1\",role=\"master\"} 1")
          .contains("redis_up{cluster=\"c\",node=\"n:1\",role=\"agent\"} 1.0");

      set.replace(List.of(Sample.of("redis_instance_info", 1, "node", "n:1", "role", "slave"),
          Sample.of("redis_up", 0, "node", "n:1")));
      assertThat(metrics.scrape())
          .contains("redis_instance_info{cluster=\"c\",node=\"n:1\",role=\"slave\"} 1")
          .doesNotContain("role=\"master\"")
          .contains("redis_up{cluster=\"c\",node=\"n:1\",role=\"agent\"} 0.0");

      set.clear();
      assertThat(metrics.scrape()).doesNotContain("redis_up").doesNotContain("redis_instance_info");
      assertThat(set.keys()).isEmpty();
    }
  }

  @Test
  void namesEndingInTotalAreCountersThatFollowTheirSource() {
    try (MeridianMetrics metrics = MeridianMetrics.create("agent", Map.of("cluster", "c"))) {
      GaugeSet set = new GaugeSet(metrics, Map.of("redis_commands_processed_total", "total_commands_processed"));
      set.replace(List.of(Sample.of("redis_commands_processed_total", 41, "node", "n:1")));
      assertThat(metrics.scrape())
          .containsPattern("# TYPE redis_commands_processed(_total)? counter")
          .contains("redis_commands_processed_total{cluster=\"c\",node=\"n:1\",role=\"agent\"} 41.0");

      set.replace(List.of(Sample.of("redis_commands_processed_total", 57, "node", "n:1")));
      assertThat(metrics.scrape()).contains("redis_commands_processed_total{cluster=\"c\",node=\"n:1\",role=\"agent\"} 57.0");

      set.clear();
      assertThat(metrics.scrape()).doesNotContain("redis_commands_processed");
    }
  }
}
