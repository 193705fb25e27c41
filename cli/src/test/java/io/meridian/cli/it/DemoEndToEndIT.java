package io.meridian.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meridian.runtime.testing.FreePorts;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.config.Secret;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given the packaged jar, when an operator runs {@code meridian demo}, then a 3 × 3 cluster comes
 * up under Meridian with every node healthy in every coordinator's view; a killed node shows up
 * as refused through the whole chain (agent process → bus → coordinator process → HTTP); and
 * SIGTERM ends every process the demo started.
 */
class DemoEndToEndIT {

  private static final Path JAR = Path.of("target", "meridian.jar");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // a failure leaves the logs behind
  Path state;
  private Process demo;
  private final List<Long> pids = new ArrayList<>();

  @AfterEach
  void endEverything() {
    if (demo != null && demo.isAlive()) {
      demo.destroyForcibly();
    }
    // If the test failed half-way, make sure nothing it caused outlives it.
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  void demoComesUpReportsKilledNodesAndLeavesNothingBehind() throws Exception {
    int basePort = FreePorts.redisPortRange(9);
    int apiPort = FreePorts.range(6); // 3 coordinators, then 3 agents
    int busPort = FreePorts.busPorts(12);
    Path output = state.resolve("demo.out");
    long started = System.nanoTime();
    demo = new ProcessBuilder(javaBin(), "-jar", JAR.toAbsolutePath().toString(), "demo",
        "--base-port", Integer.toString(basePort), "--api-port", Integer.toString(apiPort),
        "--bus-port", Integer.toString(busPort), "--state-dir", state.resolve("demo").toString())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();

    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
      assertThat(demo.isAlive()).as("demo exited early:%n%s", read(output)).isTrue();
      return read(output).contains("meridian: ready");
    });
    System.out.printf("demo ready after %.1f s%n%s%n", (System.nanoTime() - started) / 1e9, read(output));

    JsonObject pidsJson = new JsonObject(Files.readString(state.resolve("demo").resolve("pids.json")));
    assertThat(pidsJson.fieldNames()).containsExactlyInAnyOrder("region-1", "region-2", "region-3");
    for (String region : pidsJson.fieldNames()) {
      JsonObject r = pidsJson.getJsonObject(region);
      assertThat(r.getJsonArray("redis")).hasSize(3);
      r.getJsonArray("redis").forEach(p -> pids.add(((Number) p).longValue()));
      pids.add(r.getLong("agent"));
      pids.add(r.getLong("coordinator"));
    }
    assertThat(pids).hasSize(15).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

    for (int i = 0; i < 3; i++) {
      JsonObject cluster = get(apiPort + i, "/api/v1/cluster");
      assertThat(cluster.getJsonObject("summary").getLong("nodes")).isEqualTo(9);
      assertThat(cluster.getJsonObject("summary").getLong("healthy")).isEqualTo(9);
      Map<String, String> roles = new TreeMap<>();
      for (int region = 0; region < 3; region++) {
        JsonArray nodes = cluster.getJsonObject("regions").getJsonObject("region-" + (region + 1)).getJsonArray("nodes");
        assertThat(nodes).hasSize(3);
        for (int j = 0; j < 3; j++) {
          JsonObject node = nodes.getJsonObject(j);
          assertThat(node.getString("address")).isEqualTo("127.0.0.1:" + (basePort + region * 3 + j));
          assertThat(node.getString("region")).isEqualTo("region-" + (region + 1));
          assertThat(node.getBoolean("healthy")).isTrue();
          assertThat(node.getString("clusterNodeId")).hasSize(40);
          assertThat(node.getString("agentVersion")).isEqualTo(io.meridian.monitoring.MeridianVersion.current());
          roles.put(node.getString("address"), node.getString("role"));
          if (node.getString("role").equals("replica")) {
            int primaryPort = Integer.parseInt(node.getString("primary").split(":")[1]);
            assertThat((primaryPort - basePort) / 3).as("replica %s follows a primary in another region", node)
                .isNotEqualTo(region);
          } else {
            assertThat(node.getLong("slotCount")).isBetween(5461L, 5462L);
          }
        }
      }
      // performance topology: node 0 of each region is its primary
      assertThat(roles.values().stream().filter("primary"::equals).count()).isEqualTo(3);
      assertThat(roles).containsEntry("127.0.0.1:" + basePort, "primary")
          .containsEntry("127.0.0.1:" + (basePort + 3), "primary")
          .containsEntry("127.0.0.1:" + (basePort + 6), "primary");
    }
    for (int i = 0; i < 3; i++) {
      JsonObject ready = get(apiPort + 3 + i, "/ready");
      assertThat(ready.getBoolean("ready")).as("agent of region-%d: %s", i + 1, ready).isTrue();
    }
    JsonObject check = get(apiPort + 1, "/api/v1/check");
    assertThat(check.getBoolean("clean")).as("check: %s", check).isTrue();
    assertThat(check.getString("topology")).isEqualTo("performance");
    JsonObject endpoints = get(apiPort + 2, "/api/v1/endpoints");
    assertThat(endpoints.getJsonArray("seeds")).containsExactly("127.0.0.1:" + basePort, "127.0.0.1:" + (basePort + 3),
        "127.0.0.1:" + (basePort + 6));
    Path security = state.resolve("demo").resolve("security").toAbsolutePath();
    assertThat(endpoints.getString("redisCli")).isEqualTo("redis-cli -c -h 127.0.0.1 -p " + basePort + " --tls --cacert "
        + security.resolve("ca.crt") + " --cert " + security.resolve("node.crt") + " --key " + security.resolve("node.key")
        + " --askpass");
    assertThat(read(output)).contains("check: clean", "client: redis-cli -c -h 127.0.0.1 -p " + basePort + " --tls");
    assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body()).contains("meridian_nodes{", "status=\"healthy\"} 9.0");

    // Every node requires the password the demo generated beside the operator token, owner-only.
    Path passwordFile = state.resolve("demo").resolve("security").resolve("redis.password");
    assertThat(Files.getPosixFilePermissions(passwordFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(state.resolve("demo").resolve("redis").resolve(Integer.toString(basePort))
        .resolve("redis.conf"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String password = Files.readString(passwordFile).trim();
    assertThat(password).hasSizeGreaterThanOrEqualTo(40);
    assertThat(read(output)).contains("password: " + passwordFile.toAbsolutePath());
    // ...and serves TLS only, by default: a plain client gets no answer at all.
    Optional<io.meridian.runtime.config.RedisTls> tls = io.meridian.runtime.spec.ClusterSpecReader.load(
        state.resolve("demo").resolve("spec.yaml"), java.util.Map.of()).auth().tls();
    assertThat(tls).as("the demo's spec names the nodes' CA").isPresent();
    for (int i = 0; i < 9; i++) {
      String node = "127.0.0.1:" + (basePort + i);
      assertThat(io.meridian.runtime.process.RedisServerProcess.pingReply("127.0.0.1", basePort + i, Optional.empty(),
          Duration.ofSeconds(1))).as("%s to a plain-TCP client", node).isEmpty();
      try (NodeAdmin anonymous = new NodeAdmin(node, RedisAuth.none().withTls(tls), Duration.ofSeconds(2))) {
        assertThatThrownBy(() -> anonymous.call("GET", "k")).as("%s without the password", node)
            .hasMessageContaining("NOAUTH");
      }
      try (NodeAdmin admin = new NodeAdmin(node, new RedisAuth(Optional.empty(), Optional.of(new Secret(password)))
          .withTls(tls), Duration.ofSeconds(2))) {
        assertThat(admin.call("PING")).isEqualTo("PONG");
      }
    }
    // The password and the operator token appear nowhere an operator or a scraper can read: not in
    // the demo's output, the processes' logs, the APIs' answers or the metrics.
    String token = Files.readString(state.resolve("demo").resolve("operator-token")).trim();
    StringBuilder readable = new StringBuilder(read(output));
    try (java.util.stream.Stream<Path> logs = Files.walk(state.resolve("demo").resolve("logs"))) {
      for (Path log : logs.filter(Files::isRegularFile).toList()) {
        readable.append(Files.readString(log));
      }
    }
    for (int i = 0; i < 3; i++) {
      for (String path : List.of("/api/v1/cluster", "/api/v1/leader", "/api/v1/history", "/api/v1/check",
          "/api/v1/endpoints", "/api/v1/rebalance", "/api/v1/jobs", "/metrics", "/health", "/ready")) {
        readable.append(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (apiPort + i) + path))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body());
      }
      for (String path : List.of("/metrics", "/health", "/ready")) {
        readable.append(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (apiPort + 3 + i) + path))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body());
      }
    }
    assertThat(readable).as("logs, output, API answers and metrics").contains("meridian_nodes{")
        .doesNotContain(password).doesNotContain(token);

    // When an operator kills a replica by the PID the demo recorded...
    long victim = pidsJson.getJsonObject("region-2").getJsonArray("redis").getLong(1);
    String victimAddress = "127.0.0.1:" + (basePort + 4);
    ProcessHandle.of(victim).orElseThrow().destroyForcibly();
    // ...then every coordinator shows it refused, and the demo keeps running.
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
      for (int i = 0; i < 3; i++) {
        JsonObject node = nodeIn(get(apiPort + i, "/api/v1/cluster"), "region-2", victimAddress);
        assertThat(node.getString("status")).isEqualTo("unreachable");
        assertThat(node.getString("reason")).isEqualTo("connection refused by " + victimAddress);
      }
    });
    assertThat(demo.isAlive()).isTrue();

    long stopAt = System.nanoTime();
    demo.destroy();
    assertThat(demo.waitFor(10, TimeUnit.SECONDS)).as("demo stops within 10 s after SIGTERM").isTrue();
    System.out.printf("demo stopped %.1f s after SIGTERM%n", (System.nanoTime() - stopAt) / 1e9);
    assertThat(read(output)).contains("meridian: stopped");
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d still alive", pid).isFalse();
    }
  }

  private static JsonObject nodeIn(JsonObject cluster, String region, String address) {
    JsonArray nodes = cluster.getJsonObject("regions").getJsonObject(region).getJsonArray("nodes");
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.getJsonObject(i).getString("address").equals(address)) {
        return nodes.getJsonObject(i);
      }
    }
    throw new AssertionError(address + " not in " + region);
  }

  private static JsonObject get(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  private static String javaBin() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
