package io.meridian.coordinator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.coordinator.Coordinator;
import io.meridian.coordinator.CoordinatorVerticle;
import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.messages.Addresses;
import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.ProbeFailure;
import io.meridian.messages.RedisState;
import io.meridian.messages.Wire;
import io.meridian.runtime.bus.BusProcess;
import io.meridian.runtime.testing.BusListener;
import io.meridian.runtime.testing.FreePorts;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Given a coordinator on a real clustered bus with its real HTTP port, when reports (good and
 * bad) are published by another member, then the API shows the good ones, the bad ones are only
 * counted, and the coordinator keeps serving.
 */
class CoordinatorApiIT {

  static BusListener publisher;
  static BusProcess<CoordinatorVerticle> coordinator;
  static int httpPort;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    publisher = BusListener.startNewBus();
    httpPort = FreePorts.any();
    CoordinatorConfig config = new CoordinatorConfig("coord-r1", "demo", "r1", List.of("r1", "r2", "r3"),
        Duration.ofSeconds(2), "127.0.0.1", httpPort, publisher.joinConfig(), Optional.empty());
    coordinator = Coordinator.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (coordinator != null) {
      coordinator.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (publisher != null) {
      publisher.close();
    }
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void publish(String region, Buffer body) {
    publisher.vertx().eventBus().publish(Addresses.health(region), body);
  }

  @Test
  void reportsFromEveryRegionShowUpAndGarbageIsCountedNotFatal() throws Exception {
    long now = System.currentTimeMillis();
    RedisState primary = new RedisState(RedisState.Role.PRIMARY, Optional.empty(), Optional.empty(), Optional.empty(),
        4242, 1, true, Optional.of("ok"), Optional.of("abc123"), 3, 3, List.of("0-16383"), 16384,
        List.of("myself", "master"), Map.of(), 1000, 0, 2, Optional.empty(), Map.of());
    // Publishing before the coordinator's consumers are known cluster-wide would lose messages: retry until seen.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      publish("r1", Wire.encode(new NodeHealthReport("agent-r1", "demo", "r1", "127.0.0.1:7000", 1, now, 150,
          Optional.empty(), Optional.of(primary))));
      publish("r2", Wire.encode(new NodeHealthReport("agent-r2", "demo", "r2", "127.0.0.1:7001", 1, now, 150,
          Optional.of(new ProbeFailure(ProbeFailure.Kind.REFUSED, "connection refused by 127.0.0.1:7001")),
          Optional.empty())));
      return coordinator.verticle().view().nodes().size() == 2;
    });

    publish("r1", Buffer.buffer("{not json"));
    publish("r1", Wire.toJson(new NodeHealthReport("agent-bad", "demo", "r1", "127.0.0.1:7009", 1, now, 1,
        Optional.empty(), Optional.of(primary))).put("v", 99).toBuffer());
    publish("r3", Wire.encode(new io.meridian.messages.LeaderAnnouncement("x", "r3", 1, 1, "http://x", 3, 3)));
    // A report from an hour ahead would look fresh for an hour: refused, and the node never enters the view.
    publish("r1", Wire.encode(new NodeHealthReport("agent-r1", "demo", "r1", "127.0.0.1:7008", 1, now + 3_600_000, 150,
        Optional.empty(), Optional.of(primary))));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String metrics = get("/metrics").body();
      assertThat(metrics).contains("meridian_messages_rejected_total{", "reason=\"malformed_json\"",
          "reason=\"unsupported_version\"", "reason=\"unexpected_type\"")
          .containsPattern("meridian_messages_rejected_total\\{[^}]*reason=\"future_timestamp\"[^}]*type=\"node-health\"[^}]*\\} 1.0");
    });

    HttpResponse<String> response = get("/api/v1/cluster");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).contains("application/json");
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("observedBy")).isEqualTo("coord-r1");
    JsonObject regions = body.getJsonObject("regions");
    assertThat(regions.fieldNames()).containsExactly("r1", "r2", "r3");
    JsonArray r1 = regions.getJsonObject("r1").getJsonArray("nodes");
    assertThat(r1).hasSize(1);
    JsonObject node = r1.getJsonObject(0);
    assertThat(node.getString("address")).isEqualTo("127.0.0.1:7000");
    assertThat(node.getString("role")).isEqualTo("primary");
    assertThat(node.getString("clusterNodeId")).isEqualTo("abc123");
    assertThat(node.getLong("slotCount")).isEqualTo(16384);
    assertThat(node.getLong("replicationOffset")).isEqualTo(4242);
    assertThat(node.getBoolean("healthy")).isTrue();
    assertThat(node.getLong("lastReportAgeMs")).isNotNegative();
    JsonObject refused = regions.getJsonObject("r2").getJsonArray("nodes").getJsonObject(0);
    assertThat(refused.getBoolean("healthy")).isFalse();
    assertThat(refused.getString("status")).isEqualTo("unreachable");
    assertThat(refused.getString("reason")).isEqualTo("connection refused by 127.0.0.1:7001");
    assertThat(regions.getJsonObject("r3").getJsonArray("nodes")).isEmpty();

    JsonObject endpoints = new JsonObject(get("/api/v1/endpoints").body());
    assertThat(endpoints.getJsonArray("seeds")).containsExactly("127.0.0.1:7000");
    assertThat(endpoints.getString("redisCli")).isEqualTo("redis-cli -c -h 127.0.0.1 -p 7000");
    HttpResponse<String> check = get("/api/v1/check");
    assertThat(check.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(check.body()).getString("error")).startsWith("no cluster spec configured");

    assertThat(get("/health").statusCode()).isEqualTo(200);
    assertThat(new JsonObject(get("/health").body()).getString("version"))
        .isEqualTo(io.meridian.monitoring.MeridianVersion.current()).matches("\\d+\\.\\d+\\.\\d+.*");
    // The status page: from the jar, with a policy that lets it load nothing from elsewhere.
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("content-security-policy").orElseThrow()).contains("default-src 'none'")
        .contains("connect-src 'self'");
    assertThat(page.body()).contains("<script src=\"/status.js\"></script>").doesNotContain("http://", "https://");
    assertThat(get("/status.js").body()).contains("/api/v1/cluster").doesNotContain("http://", "https://", "innerHTML");
    assertThat(get("/status.css").statusCode()).isEqualTo(200);
    HttpResponse<String> missing = get("/api/v1/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(missing.body()).getString("error")).isEqualTo("no such endpoint: GET /api/v1/nope");
  }

  @Test
  void whenReportsStopTheNodeTurnsStale() throws Exception {
    long now = System.currentTimeMillis();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      publish("r3", Wire.encode(new NodeHealthReport("agent-r3", "demo", "r3", "127.0.0.1:7777", 1, now, 150,
          Optional.of(new ProbeFailure(ProbeFailure.Kind.TIMEOUT, "no answer")), Optional.empty())));
      return coordinator.verticle().view().nodes().containsKey("127.0.0.1:7777");
    });
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonObject node = new JsonObject(get("/api/v1/cluster").body()).getJsonObject("regions").getJsonObject("r3")
          .getJsonArray("nodes").getJsonObject(0);
      assertThat(node.getString("status")).isEqualTo("stale");
      assertThat(node.getString("reason")).startsWith("no report from agent agent-r3 for ");
    });
  }

  @Test
  void metricsExportExactlyTheListedSeries() {
    // The cluster series are computed once a second: wait for the first round.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      String text = get("/metrics").body();
      assertThat(text).contains("meridian_region_reachable{").contains("target_region=\"r2\"");
      assertThat(io.meridian.monitoring.MetricNames.mismatches(
          io.meridian.monitoring.MetricNames.read(java.nio.file.Path.of("..", "monitoring", "metric-names.txt")),
          io.meridian.monitoring.MetricNames.inScrape(text), "coordinator",
          coordinator.verticle().view().nodes().isEmpty() ? java.util.Set.of() : java.util.Set.of("nodes-reported")))
          .isEmpty();
      assertThat(text).contains("meridian_failovers_total{").contains("vertx_eventbus_");
    });
  }
}
