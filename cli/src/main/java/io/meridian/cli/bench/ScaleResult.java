package io.meridian.cli.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one cluster size in {@code meridian bench scale}: detection latencies (kill →
 * promotion command at the replica's agent), deaths never acted on, and the leader
 * coordinator's CPU (percent of one core), highest heap used, RSS and health reports received
 * per second.
 */
record ScaleResult(int nodes, int agents, List<Long> latenciesMs, int missed, double leaderCpuPercent,
    long leaderHeapMaxBytes, long leaderRssBytes, double reportsPerSecond) {

  ScaleResult {
    latenciesMs = List.copyOf(latenciesMs);
  }

  /** Nearest-rank percentile of the detections that happened; -1 when none did. */
  long percentile(double p) {
    if (latenciesMs.isEmpty()) {
      return -1;
    }
    List<Long> sorted = new ArrayList<>(latenciesMs);
    sorted.sort(null);
    return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
  }

  static String table(List<ScaleResult> results) {
    StringBuilder t = new StringBuilder(String.format("%6s %6s %8s %8s %8s %7s %10s %10s %10s %12s%n", "nodes", "agents",
        "p50", "p99", "max", "missed", "leader CPU", "heap max", "RSS", "reports/s"));
    for (ScaleResult r : results) {
      t.append(String.format("%6d %6d %8s %8s %8s %7d %9.0f%% %7d MiB %7d MiB %12.0f%n", r.nodes(), r.agents(),
          ms(r.percentile(0.5)), ms(r.percentile(0.99)), ms(r.percentile(1.0)), r.missed(), r.leaderCpuPercent(),
          r.leaderHeapMaxBytes() >> 20, r.leaderRssBytes() >> 20, r.reportsPerSecond()));
    }
    return t.toString();
  }

  private static String ms(long v) {
    return v < 0 ? "none" : v + " ms";
  }

  /** The target: detection p99 ≤ 1 s at 1000 nodes with the coordinator's heap ≤ 512 MiB. */
  static String targets(List<ScaleResult> results) {
    StringBuilder t = new StringBuilder("Targets:\n");
    for (ScaleResult r : results) {
      if (r.nodes() >= 999 && r.nodes() <= 1002) {
        boolean latency = r.missed() == 0 && r.percentile(0.99) >= 0 && r.percentile(0.99) <= 1000;
        boolean heap = r.leaderHeapMaxBytes() <= 512L << 20;
        t.append(String.format("  [%s] 1000 nodes: detection p99 <= 1000 ms: %s%n", latency ? "met" : "MISSED",
            r.missed() > 0 ? r.missed() + " death(s) never acted on" : ms(r.percentile(0.99))));
        t.append(String.format("  [%s] 1000 nodes: coordinator heap <= 512 MiB: %d MiB%n", heap ? "met" : "MISSED",
            r.leaderHeapMaxBytes() >> 20));
      }
    }
    return t.length() == "Targets:\n".length() ? "Targets: judged at 1000 nodes (not measured in this run)\n"
        : t.toString();
  }

  JsonObject json() {
    return new JsonObject().put("nodes", nodes).put("agents", agents).put("latenciesMs", new JsonArray(latenciesMs))
        .put("p50Ms", percentile(0.5)).put("p99Ms", percentile(0.99)).put("maxMs", percentile(1.0))
        .put("missed", missed).put("leaderCpuPercent", leaderCpuPercent).put("leaderHeapMaxBytes", leaderHeapMaxBytes)
        .put("leaderRssBytes", leaderRssBytes).put("reportsPerSecond", reportsPerSecond);
  }
}
