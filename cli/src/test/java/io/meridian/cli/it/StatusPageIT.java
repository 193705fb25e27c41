package io.meridian.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given the demo and a real headless Chromium on a coordinator's page at {@code /}: the page shows
 * 9 nodes in 3 regions with the leader and a clean check, loads nothing from elsewhere, and after a
 * primary is killed shows the new primary without a reload. Screenshots are kept in
 * {@code cli/target/status-page/} as test artifacts.
 */
class StatusPageIT {

  private static final Path ARTIFACTS = Path.of("target", "status-page");
  /** Every node box on the page, as the test reads it. */
  private static final String NODES = "return Array.from(document.querySelectorAll('#grid .node')).map(n => ({"
      + "address: n.dataset.address, role: n.dataset.role, region: n.dataset.region, shard: n.dataset.shard,"
      + "status: n.dataset.status}));";

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  Path state;
  private DemoCluster cluster;
  private HeadlessBrowser browser;

  @AfterEach
  void end() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  void thePageShowsEveryNodeByRegionAndFollowsAFailoverWithoutAReload() throws Exception {
    cluster = DemoCluster.start(state, "performance");
    // The leader's page (its control-loop card is the one that decides).
    int port = cluster.apiPort + DemoCluster.regionIndex(DemoCluster.awaitLeader(cluster.apiPort, 0));
    browser = HeadlessBrowser.start(state.resolve("browser"));
    browser.open("http://127.0.0.1:" + port + "/");

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      List<JsonObject> nodes = nodes();
      assertThat(nodes).hasSize(9);
      assertThat(nodes.stream().map(n -> n.getString("region")).distinct()).containsExactlyInAnyOrder("region-1",
          "region-2", "region-3");
      assertThat(nodes).filteredOn(n -> "primary".equals(n.getString("role"))).hasSize(3);
      assertThat(nodes).allMatch(n -> "healthy".equals(n.getString("status")));
      assertThat(text("#leader")).startsWith("coordinator-region-");
      assertThat(text("#check")).isEqualTo("clean");
      assertThat(text("#cp")).isEqualTo("3 of 3");
      assertThat(text("#paused")).isEqualTo("off");
      assertThat(text("#loop")).isEqualTo("nothing to do: no shard is in trouble and no promotion is under way");
      assertThat(text("#history tbody")).contains("elected leader");
      assertThat(text("#history-source")).contains("the same on every coordinator");
    });
    // Offline by construction: every resource the page loaded came from this coordinator.
    JsonArray loaded = (JsonArray) browser.eval("return performance.getEntriesByType('resource').map(r => r.name)"
        + ".concat([location.href]);");
    assertThat(loaded.stream().map(String::valueOf)).hasSizeGreaterThan(2)
        .allMatch(url -> url.startsWith("http://127.0.0.1:" + port + "/"));
    browser.screenshot(ARTIFACTS.resolve("status-page.png"));

    // When the primary of shard 0-5461 is killed...
    String primary = cluster.node(0);
    ProcessHandle.of(cluster.redisPid("region-1", 0)).orElseThrow().destroyForcibly();
    long killedAt = System.nanoTime();
    // ...then the same page, never reloaded, shows it unreachable and another node serving the shard.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      List<JsonObject> nodes = nodes();
      assertThat(nodes).anyMatch(n -> primary.equals(n.getString("address")) && "unreachable".equals(n.getString("status")));
      assertThat(nodes).anyMatch(n -> "primary".equals(n.getString("role")) && "0-5461".equals(n.getString("shard"))
          && !primary.equals(n.getString("address")));
    });
    System.out.printf("the status page showed the new primary %d ms after the kill, without a reload%n",
        (System.nanoTime() - killedAt) / 1_000_000);
    assertThat(text("#history tbody")).contains("for shard 0-5461");
    browser.screenshot(ARTIFACTS.resolve("status-page-after-failover.png"));
    assertThat(Files.size(ARTIFACTS.resolve("status-page-after-failover.png"))).isGreaterThan(10_000);
  }

  private List<JsonObject> nodes() throws Exception {
    return ((JsonArray) browser.eval(NODES)).stream().map(o -> (JsonObject) o).toList();
  }

  private String text(String selector) throws Exception {
    return String.valueOf(browser.eval("const e = document.querySelector('" + selector + "'); return e ? e.textContent : '';"));
  }
}
