package io.meridian.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MeridianMetricsTest {

  @Test
  void scrapeCarriesCommonLabelsAndJvmSeries() {
    try (MeridianMetrics metrics = MeridianMetrics.create("agent", Map.of("cluster", "demo", "region", "region-1"))) {
      metrics.registry().counter("meridian_test_events").increment();
      String text = metrics.scrape();
      assertThat(text).contains("meridian_test_events_total{cluster=\"demo\",region=\"region-1\",role=\"agent\"} 1.0");
      assertThat(text).contains("jvm_memory_used_bytes{");
      assertThat(text).contains("process_uptime_seconds{");
    }
  }
}
