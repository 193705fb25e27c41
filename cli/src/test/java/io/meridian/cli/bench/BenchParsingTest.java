package io.meridian.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmarks read other programs' output; given real samples of it, they read it right. */
class BenchParsingTest {

  @Test
  void redisBenchmarkCsvGivesRequestsPerSecondPerTest() {
    String csv = "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\",\"p95_latency_ms\","
        + "\"p99_latency_ms\",\"max_latency_ms\"\n"
        + "\"SET\",\"98619.32\",\"0.271\",\"0.056\",\"0.263\",\"0.391\",\"0.495\",\"1.431\"\n"
        + "\"GET\",\"101522.84\",\"0.262\",\"0.048\",\"0.255\",\"0.375\",\"0.463\",\"0.951\"\n";
    assertThat(BenchmarkCsv.requestsPerSecond(csv)).containsExactly(Map.entry("SET", 98619.32),
        Map.entry("GET", 101522.84));
    assertThatThrownBy(() -> BenchmarkCsv.requestsPerSecond("Could not connect to Redis at 127.0.0.1:7300"))
        .hasMessageContaining("no results in redis-benchmark's output: Could not connect");
  }

  @Test
  void prometheusSamplesAreSummedByNameAndLabels() {
    String text = "# HELP jvm_memory_used_bytes The amount of used memory\n"
        + "# TYPE jvm_memory_used_bytes gauge\n"
        + "jvm_memory_used_bytes{area=\"heap\",id=\"Tenured Gen\",role=\"coordinator\"} 1000.0\n"
        + "jvm_memory_used_bytes{area=\"heap\",id=\"Eden Space\",role=\"coordinator\"} 500.0\n"
        + "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\",role=\"coordinator\"} 9999.0\n"
        + "jvm_memory_used_bytes_other 7\n"
        + "meridian_reports_received_total 42.0\n";
    assertThat(PrometheusText.sum(text, "jvm_memory_used_bytes", Map.of("area", "heap"))).isEqualTo(1500.0);
    assertThat(PrometheusText.sum(text, "meridian_reports_received_total", Map.of())).isEqualTo(42.0);
    assertThat(PrometheusText.sum(null, "meridian_reports_received_total", Map.of())).isZero();
  }

  @Test
  void scalePercentilesAndTargetAreJudgedOnTheDetections() {
    ScaleResult r = new ScaleResult(999, 100, List.of(300L, 200L, 900L, 250L), 0, 80, 300L << 20, 400L << 20, 4000);
    assertThat(r.percentile(0.5)).isEqualTo(250);
    assertThat(r.percentile(0.99)).isEqualTo(900);
    assertThat(ScaleResult.targets(List.of(r))).contains("[met] 1000 nodes: detection p99 <= 1000 ms: 900 ms")
        .contains("[met] 1000 nodes: coordinator heap <= 512 MiB: 300 MiB");
    ScaleResult missed = new ScaleResult(999, 100, List.of(300L), 1, 80, 600L << 20, 700L << 20, 4000);
    assertThat(ScaleResult.targets(List.of(missed))).contains("[MISSED] 1000 nodes: detection p99 <= 1000 ms: 1 death(s)")
        .contains("[MISSED] 1000 nodes: coordinator heap <= 512 MiB: 600 MiB");
    assertThat(ScaleResult.table(List.of(r))).contains("250 ms").contains("900 ms");
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(OverheadBench.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(OverheadBench.median(new double[] {5, 1, 3})).isEqualTo(3);
  }
}
