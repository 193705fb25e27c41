package io.meridian.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given the demo, an operator's first commands: {@code meridian list} shows every node by shard and
 * region with the leader and the check; after a primary is killed it shows the new primary, and
 * {@code meridian history} the promotion; bad usage exits 2 and an unreachable API says why.
 */
class StatusCommandIT {

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  Path state;
  private DemoCluster cluster;

  @AfterEach
  void end() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void listShowsTheClusterAndFollowsAFailoverAndHistoryExplainsIt() throws Exception {
    cluster = DemoCluster.start(state, "performance");
    Map<String, String> env = Map.of("MERIDIAN_API", cluster.apiUrls());
    DemoCluster.awaitLeader(cluster.apiPort, 0);

    DemoCluster.Run list = cluster.meridian(env, "list");
    assertThat(list.exit()).as(list.output()).isZero();
    List<String> rows = nodeRows(list.output());
    assertThat(rows).as(list.output()).hasSize(9);
    assertThat(rows.stream().map(r -> r.split("\\s+")[1]).distinct()).containsExactlyInAnyOrder("region-1", "region-2",
        "region-3");
    assertThat(rows.stream().filter(r -> r.split("\\s+")[3].equals("primary"))).hasSize(3);
    assertThat(rows).allMatch(r -> r.contains(" healthy"));
    assertThat(list.output()).containsPattern("Leader: coordinator-region-\\d \\(region-\\d\\), term \\d+")
        .contains("maintenance mode off", "CP members 3 of 3", "Check: clean (9 nodes in the spec)",
            "9 nodes: 9 healthy");
    String primary = cluster.node(0);
    assertThat(rows).anyMatch(r -> r.startsWith("0-5461 ") && r.contains(primary + "  primary"));

    // When the primary of shard 0-5461 is killed...
    ProcessHandle.of(cluster.redisPid("region-1", 0)).orElseThrow().destroyForcibly();
    // ...then the same command shows another node serving it, and the dead one unreachable.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      DemoCluster.Run again = cluster.meridian(env, "status", "--output", "json");
      assertThat(again.exit()).as(again.output()).isZero();
      JsonObject doc = new JsonObject(again.output());
      JsonObject dead = node(doc, primary);
      assertThat(dead.getString("status")).isEqualTo("unreachable");
      assertThat(nodes(doc)).anyMatch(n -> "primary".equals(n.getString("role"))
          && n.getJsonArray("slots").contains("0-5461") && !n.getString("address").equals(primary));
    });
    DemoCluster.Run table = cluster.meridian(env, "list");
    assertThat(nodeRows(table.output())).anyMatch(r -> r.startsWith("0-5461 ") && r.contains("  primary")
        && !r.contains(primary)).anyMatch(r -> r.startsWith("- ") && r.contains(primary) && r.contains("unreachable"));

    DemoCluster.Run history = cluster.meridian(env, "history", "--shard", "100", "--output", "json");
    assertThat(history.exit()).as(history.output()).isZero();
    JsonArray entries = new JsonObject(history.output()).getJsonArray("entries");
    assertThat(entries.stream().map(e -> ((JsonObject) e).getString("text")))
        .anyMatch(t -> t.startsWith("promote ") && t.contains("for shard 0-5461"));
    assertThat(entries.stream().map(e -> ((JsonObject) e).getString("shard"))).containsOnly("0-5461");
    DemoCluster.Run leadership = cluster.meridian(env, "history", "--kind", "leadership");
    assertThat(leadership.output()).contains("elected leader").doesNotContain("promote ");

    // Bad usage: exit 2, saying what is wrong; nothing reachable: exit 1, saying why for each.
    DemoCluster.Run malformed = cluster.meridian(Map.of(), "status", "--api", "127.0.0.1:" + cluster.apiPort);
    assertThat(malformed.exit()).isEqualTo(2);
    assertThat(malformed.output()).contains("--api: '127.0.0.1:" + cluster.apiPort + "' is not a coordinator's base URL");
    DemoCluster.Run none = cluster.meridian(Map.of(), "history");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.output()).contains("pass --api URL[,URL...] or set MERIDIAN_API");
    DemoCluster.Run badSince = cluster.meridian(env, "history", "--since", "last tuesday");
    assertThat(badSince.exit()).isEqualTo(2);
    int closed = io.meridian.runtime.testing.FreePorts.range(1);
    DemoCluster.Run unreachable = cluster.meridian(Map.of(), "list", "--api", "http://127.0.0.1:" + closed);
    assertThat(unreachable.exit()).isEqualTo(1);
    assertThat(unreachable.output()).contains("cannot reach http://127.0.0.1:" + closed + ": connection refused")
        .doesNotContain("null");
  }

  /** The table's node rows: those whose NODE column is an address. */
  private static List<String> nodeRows(String output) {
    return Arrays.stream(output.split("\n")).filter(l -> l.matches("\\S+\\s+region-\\d\\s+127\\.0\\.0\\.1:\\d+\\s.*"))
        .toList();
  }

  private static List<JsonObject> nodes(JsonObject status) {
    JsonObject regions = status.getJsonObject("cluster").getJsonObject("regions");
    return regions.fieldNames().stream().flatMap(r -> regions.getJsonObject(r).getJsonArray("nodes").stream())
        .map(n -> (JsonObject) n).toList();
  }

  private static JsonObject node(JsonObject status, String address) {
    return nodes(status).stream().filter(n -> n.getString("address").equals(address)).findFirst().orElseThrow();
  }
}
