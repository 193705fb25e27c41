package io.meridian.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Given the compose stack on the real Docker engine with the images built on this machine
 * (compose/images/build.sh; scripts/test.sh starts the engine), when it comes up, then bootstrap
 * forms the cluster, the coordinators' {@code check} is clean and Prometheus scrapes every target;
 * when a primary's container stops, then the leader fails its shard over (coordinator API, history,
 * {@code meridian_failovers_total} in Prometheus); when a whole region is cut off the interregion
 * network, then the majority side takes over and keeps serving writes while the cut-off primary is
 * fenced (its agent pauses writes); when the region joins again, the layout is restored. Everything
 * is torn down at the end, leaving no container, network or volume of the run's project.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ComposeStackIT {

  private static final Path REPO = Path.of(System.getProperty("meridian.repo", "..")).toAbsolutePath().normalize();
  private static final Path COMPOSE_DIR = REPO.resolve("compose");
  private static final Path LOGS = Path.of("target", "compose-it").toAbsolutePath();
  private static final String PROJECT = "meridian-it-" + ProcessHandle.current().pid();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration POLL = Duration.ofMillis(500);

  private static List<String> compose;
  private static final Map<String, String> ENV = new HashMap<>();
  private static final int[] API_PORTS = new int[4];
  private static int prometheusPort;
  private static boolean started;
  /** The nodes' password, read once the stack is up: no container's log may hold it. */
  private static String redisPassword;
  private static final List<String> FIGURES = new ArrayList<>();

  @BeforeAll
  static void upAndClean() throws Exception {
    compose = composeCommand();
    Files.createDirectories(LOGS);
    run(Duration.ofMinutes(10), "build-images", List.of("bash", COMPOSE_DIR.resolve("images/build.sh").toString()));
    for (int r = 1; r <= 3; r++) {
      API_PORTS[r] = freePort();
      ENV.put("MERIDIAN_API_PORT_" + r, Integer.toString(API_PORTS[r]));
    }
    prometheusPort = freePort();
    ENV.put("MERIDIAN_PROMETHEUS_PORT", Integer.toString(prometheusPort));
    ENV.put("MERIDIAN_ALERTMANAGER_PORT", Integer.toString(freePort()));
    ENV.put("MERIDIAN_TOPOLOGY", "performance");
    ENV.put("COMPOSE_PROJECT_NAME", PROJECT);

    long t0 = System.nanoTime();
    started = true;
    compose(Duration.ofMinutes(6), "up", "up", "-d");
    JsonObject check = await(Duration.ofMinutes(5), "a clean check from every coordinator", () -> {
      JsonObject last = null;
      for (int r = 1; r <= 3; r++) {
        last = getJson(api(r) + "/api/v1/check").orElse(null);
        if (last == null || !last.getBoolean("clean", false)) {
          return Optional.empty();
        }
      }
      return Optional.of(last);
    });
    figure("up -> clean check on all three coordinators: %.1f s", seconds(t0));
    // Read through a pipe only: run() would keep it in a log file.
    Process cat = start(List.of("docker", "exec", container("redis-1-1"), "cat", "/keys/redis-server.password"),
        LOGS.resolve("redis-password.log"), true);
    redisPassword = new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(cat.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(redisPassword).as("the password the keys service generated").matches("[A-Za-z0-9_-]{43}");
    assertThat(check.getJsonArray("violations")).isEmpty();
    // The leader key's private half is on the coordinators only: no agent can sign as the leader.
    // (The image has bash but no ls: test -f; exit 1 = no such file, so an exec that cannot run fails both.)
    String leaderKey = "test -f /var/lib/meridian/leader/leader.key";
    assertThat(exitCode(List.of("docker", "exec", container("agent-1-1"), "bash", "-c", leaderKey)))
        .as("an agent's container has no leader key").isEqualTo(1);
    assertThat(exitCode(List.of("docker", "exec", container("coordinator-1"), "bash", "-c", leaderKey)))
        .as("a coordinator's container has it").isZero();
    JsonArray targets = await(Duration.ofMinutes(2), "every Prometheus target up", () ->
        getJson(prometheus() + "/api/v1/targets?state=active").map(t -> t.getJsonObject("data").getJsonArray("activeTargets"))
            .filter(list -> list.size() == 14 && list.stream().allMatch(t -> "up".equals(((JsonObject) t).getString("health")))));
    figure("up -> every Prometheus target up (%d targets): %.1f s", targets.size(), seconds(t0));
    memoryFigures();
  }

  /**
   * Queries written for redis_exporter, against the stack's real Prometheus: each gets data, and
   * each Redis node is its own instance (the agent's node label relabelled into instance).
   */
  @Test
  @org.junit.jupiter.api.Order(1)
  void redisExporterQueriesGetDataFromTheStacksPrometheus() throws Exception {
    Map<String, Integer> exactly = new java.util.LinkedHashMap<>();
    exactly.put("count(count by (instance) (redis_up == 1))", 9);
    exactly.put("count(redis_instance_info{redis_mode=\"cluster\"})", 9);
    exactly.put("count(redis_master_link_up == 1)", 6);
    exactly.put("count(meridian_build_info)", 12);
    for (String name : List.of("redis_uptime_in_seconds", "redis_commands_processed_total", "redis_keyspace_hits_total",
        "redis_keyspace_misses_total", "redis_net_input_bytes_total", "redis_net_output_bytes_total",
        "redis_expired_keys_total", "redis_evicted_keys_total", "redis_rejected_connections_total",
        "redis_rdb_last_save_timestamp_seconds", "redis_blocked_clients", "redis_memory_used_bytes",
        "redis_memory_used_rss_bytes", "redis_mem_fragmentation_ratio", "redis_connected_clients",
        "redis_cluster_state", "redis_cluster_size", "redis_cluster_my_epoch", "redis_connected_slaves")) {
      exactly.put("count(" + name + ")", 9);
    }
    for (Map.Entry<String, Integer> q : exactly.entrySet()) {
      await(Duration.ofSeconds(60), q.getKey() + " = " + q.getValue(), () ->
          promScalar(q.getKey()).filter(v -> v == q.getValue().doubleValue()));
    }
    // Rates need two scrapes; the commands per command exist on every node (the agent's own INFO at least).
    for (String query : List.of("sum(rate(redis_commands_processed_total[1m])) > 0",
        "sum by (cmd) (rate(redis_commands_total[1m]))", "topk(5, sum by (cmd) (redis_commands_duration_seconds_total))",
        "sum(redis_connected_slaves) by (instance)", "redis_up{instance=\"127.0.0.1:7011\"}")) {
      await(Duration.ofSeconds(60), "data for " + query, () -> promScalar(query));
    }
    figure("redis_exporter-style queries with data in the stack's Prometheus: %d", exactly.size() + 5);
  }

  /**
   * Every node serves TLS only and requires the keys service's password: a plain client gets no
   * answer, a TLS client without the password is refused (NOAUTH), one with both is served; and
   * replication and the cluster bus run over TLS (bootstrap formed the cluster through them).
   */
  @Test
  @org.junit.jupiter.api.Order(2)
  void everyRedisNodeServesTlsOnlyAndRefusesAClientWithoutThePassword() throws Exception {
    for (int r = 1; r <= 3; r++) {
      for (int n = 1; n <= 3; n++) {
        String service = "redis-" + r + "-" + n;
        int port = 7000 + 10 * r + n;
        assertThat(redisCli(Duration.ofSeconds(10), service, List.of(), port, "PING")).as(service + " to a plain client")
            .hasValueSatisfying(answer -> assertThat(answer).doesNotContain("PONG").doesNotContain("NOAUTH"));
        assertThat(redisCli(Duration.ofSeconds(10), service, TLS, port, "PING")).as(service + " without the password")
            .hasValueSatisfying(answer -> assertThat(answer).startsWith("NOAUTH"));
        assertThat(execRedis(Duration.ofSeconds(10), service, port, "PING")).as(service + " with it").contains("PONG");
        assertThat(execRedis(Duration.ofSeconds(10), service, port, "CONFIG", "GET", "tls-cluster"))
            .as(service + ": the cluster bus on TLS").contains("yes");
      }
    }
    figure("every Redis node serves TLS only (a plain client gets no answer), answers NOAUTH without the password "
        + "and PONG with it, cluster bus on TLS: 9 of 9");
  }

  @Test
  @org.junit.jupiter.api.Order(3)
  void aStoppedPrimaryIsReplacedAndACutOffRegionIsFencedWhileTheMajorityServes() throws Exception {
    // --- a primary's container stops: its agent sees connection refused; the leader promotes a replica.
    String shard = shardOf("10.77.0.11:7011");
    double failoversBefore = promScalar("sum(meridian_failovers_total{result=\"succeeded\"})").orElse(0.0);
    long stop = System.nanoTime();
    compose(Duration.ofMinutes(1), "stop-redis-1-1", "stop", "redis-1-1");
    String successor = await(Duration.ofSeconds(60), "another primary serving shard " + shard, () ->
        primaryOf(2, shard).filter(p -> !p.equals("10.77.0.11:7011")));
    figure("redis-1-1 stopped -> %s serves shard %s (coordinator API): %.1f s", successor, shard, seconds(stop));
    String leaderApi = leaderApi();
    await(Duration.ofSeconds(30), "the promotion of " + successor + " in the leader's history", () ->
        getJson(leaderApi + "/api/v1/history").map(h -> h.encode()).filter(h -> h.contains("promote " + successor)));
    double failovers = await(Duration.ofSeconds(60), "meridian_failovers_total{result=succeeded} to grow in Prometheus", () ->
        promScalar("sum(meridian_failovers_total{result=\"succeeded\"})").filter(v -> v >= failoversBefore + 1));
    figure("meridian_failovers_total{result=succeeded} in Prometheus: %.0f -> %.0f", failoversBefore, failovers);

    // --- it comes back as a replica; the failback to it waits out anti-flapping, so it is done by hand.
    compose(Duration.ofMinutes(1), "start-redis-1-1", "start", "redis-1-1");
    awaitReplicaOfCurrentPrimary(2, "10.77.0.11:7011", shard);
    restoreLayout("redis-1-1", 7011, shard);

    // --- region-3 cut off the interregion network.
    String shard3 = shardOf("10.77.0.31:7031");
    long cut = System.nanoTime();
    run(Duration.ofMinutes(1), "region-cut", List.of("bash", COMPOSE_DIR.resolve("region.sh").toString(), "cut", "region-3"));
    String successor3 = await(Duration.ofSeconds(90), "a primary outside region-3 for shard " + shard3, () ->
        primaryOf(1, shard3).filter(p -> !p.startsWith("10.77.0.3")));
    figure("region-3 cut off -> %s serves shard %s: %.1f s", successor3, shard3, seconds(cut));
    await(Duration.ofSeconds(60), "writes to every shard acknowledged on the majority side", () ->
        allShardsWritable("redis-2-1", 7021) ? Optional.of(true) : Optional.empty());
    await(Duration.ofSeconds(60), "agent-3-1 fencing writes (meridian_agent_write_fence in Prometheus)", () ->
        promScalar("max(meridian_agent_write_fence{agent=\"agent-3-1\"})").filter(v -> v == 1.0));
    String key3 = keyInSlots(shard3);
    Optional<String> answer = execRedis(Duration.ofSeconds(4), "redis-3-1", 7031, "SET", key3, "written-while-isolated");
    assertThat(answer).as("a write to the fenced, isolated primary 10.77.0.31:7031").isNotEqualTo(Optional.of("OK"));
    figure("write to the isolated primary of shard %s: %s", shard3, answer.map(a -> "answered '" + a + "'")
        .orElse("no answer within 4 s (paused)"));

    // --- region-3 joins again: its old primary follows the new one, the fence lifts, the layout is restored.
    long join = System.nanoTime();
    run(Duration.ofMinutes(1), "region-join", List.of("bash", COMPOSE_DIR.resolve("region.sh").toString(), "join", "region-3"));
    awaitReplicaOfCurrentPrimary(1, "10.77.0.31:7031", shard3);
    await(Duration.ofSeconds(60), "agent-3-1's fence lifted", () ->
        promScalar("max(meridian_agent_write_fence{agent=\"agent-3-1\"})").filter(v -> v == 0.0));
    figure("region-3 joined -> its old primary is back (a replica, or primary again after failback) and the fence is off: %.1f s", seconds(join));
    restoreLayout("redis-3-1", 7031, shard3);
    // The region's bus members merge back into the majority's cluster after the join; while they
    // do (a few seconds) its agents hear nobody and may fence once more before it settles.
    long restored = System.nanoTime();
    await(Duration.ofSeconds(60), "writes to every shard from region-3 again", () ->
        allShardsWritable("redis-3-1", 7031) ? Optional.of(true) : Optional.empty());
    figure("layout restored -> writes to every shard from region-3: %.1f s", seconds(restored));
  }

  @AfterAll
  static void down() throws Exception {
    try {
      if (started) {
        memoryFigures();
        List<String> logs = new ArrayList<>(compose);
        logs.addAll(List.of("logs", "--no-color", "--timestamps"));
        String everything = run(Duration.ofMinutes(3), "logs", logs);
        // Unset only when the stack never came up clean, which failed the run already.
        if (redisPassword != null) {
          assertThat(everything.contains(redisPassword)).as("the Redis password in a container's log (logs.log)")
              .isFalse();
        }
      }
    } finally {
      if (started) {
        compose(Duration.ofMinutes(3), "down", "down", "-v", "--remove-orphans", "-t", "5");
        for (String kind : List.of("ps -a", "network ls", "volume ls")) {
          List<String> command = new ArrayList<>(List.of("docker"));
          command.addAll(List.of(kind.split(" ")));
          command.addAll(List.of("-q", "--filter", "label=com.docker.compose.project=" + PROJECT));
          assertThat(run(Duration.ofMinutes(1), "leftovers", command).trim()).as("docker " + kind + " of " + PROJECT).isEmpty();
        }
      }
      Files.write(LOGS.resolve("figures.txt"), FIGURES);
    }
  }

  /**
   * Waits until {@code node} answers again as a healthy replica of the primary that serves {@code
   * shard} now (under heavy load a promotion that timed out may still take effect after the next
   * candidate's, so the serving primary is read afresh, not remembered), or as that primary
   * itself: the leader's failback may already have moved the shard back to it.
   */
  private static void awaitReplicaOfCurrentPrimary(int region, String node, String shard) throws Exception {
    await(Duration.ofSeconds(120), node + " back as a replica of the primary serving shard " + shard, () ->
        primaryOf(region, shard).flatMap(primary -> node(region, node)
            .filter(n -> "healthy".equals(n.getString("status"))
                && (primary.equals(n.getString("primary")) || primary.equals(node)))));
  }

  // --- the layout: once the old primary is back, an operator restores it (the leader does not fail
  // back to a node that failed within leadership.antiFlapping: that would be its own back-and-forth).

  /**
   * Waits until the leader says its failback to {@code service} is held by anti-flapping (or the
   * layout is clean already, another node of the region having taken the shard back), then
   * restores the original primary with a coordinated CLUSTER FAILOVER, as an operator would, and
   * waits for a clean check.
   */
  private static void restoreLayout(String service, int port, String shard) throws Exception {
    String self = "10.77.0." + service.substring("redis-".length()).replace("-", "") + ":" + port;
    long since = System.nanoTime();
    String held = "anti-flapping: " + self + " was replaced as the primary of shard";
    String seen = await(Duration.ofSeconds(60), "the leader holding the failback to " + self + " (anti-flapping)", () ->
        layoutClean() ? Optional.of("clean") : leaderApiNow().flatMap(leader -> getJson(leader + "/api/v1/history"))
            .map(JsonObject::encode).filter(h -> h.contains(held)).map(h -> "held"));
    if (seen.equals("clean")) {
      figure("after %s came back, check was clean again in %.1f s (shard %s served by %s)", self, seconds(since), shard,
          primaryOf(2, shard).orElse("?"));
      return;
    }
    figure("after %s came back, the leader held the failback to it (anti-flapping) within %.1f s; restored by hand "
        + "with a coordinated CLUSTER FAILOVER", self, seconds(since));
    assertThat(execRedis(Duration.ofSeconds(20), service, port, "CLUSTER", "FAILOVER")).contains("OK");
    await(Duration.ofSeconds(60), self + " primary of shard " + shard + " again", () ->
        primaryOf(2, shard).filter(self::equals));
    await(Duration.ofSeconds(90), "a clean check after restoring the layout", () ->
        layoutClean() ? Optional.of(true) : Optional.empty());
  }

  private static boolean layoutClean() {
    return getJson(api(2) + "/api/v1/check").map(c -> c.getBoolean("clean", false)).orElse(false);
  }

  // --- coordinator API

  private static String api(int region) {
    return "http://127.0.0.1:" + API_PORTS[region];
  }

  private static String leaderApi() throws Exception {
    return await(Duration.ofSeconds(30), "a leader", ComposeStackIT::leaderApiNow);
  }

  /** The leader's API, as region-2's coordinator knows it now. */
  private static Optional<String> leaderApiNow() {
    return getJson(api(2) + "/api/v1/leader").map(l -> l.getString("leader")).filter(id -> id.startsWith("coordinator-"))
        .map(id -> api(Integer.parseInt(id.substring(id.lastIndexOf('-') + 1))));
  }

  private static List<JsonObject> nodes(int region) {
    List<JsonObject> all = new ArrayList<>();
    getJson(api(region) + "/api/v1/cluster").ifPresent(c -> c.getJsonObject("regions").forEach(e ->
        ((JsonObject) e.getValue()).getJsonArray("nodes").forEach(n -> all.add((JsonObject) n))));
    return all;
  }

  private static Optional<JsonObject> node(int region, String announced) {
    return nodes(region).stream().filter(n -> announced.equals(n.getString("announced"))).findFirst();
  }

  private static String shardOf(String primary) throws Exception {
    JsonObject n = await(Duration.ofSeconds(30), primary + " as a primary with slots", () ->
        node(2, primary).filter(x -> "primary".equals(x.getString("role")) && !x.getJsonArray("slots").isEmpty()));
    return String.join(",", n.getJsonArray("slots").stream().map(Object::toString).toList());
  }

  /** The healthy primary that owns exactly the slots of {@code shard}, in coordinator-{@code region}'s view. */
  private static Optional<String> primaryOf(int region, String shard) {
    return nodes(region).stream()
        .filter(n -> "healthy".equals(n.getString("status")) && "primary".equals(n.getString("role"))
            && shard.equals(String.join(",", n.getJsonArray("slots").stream().map(Object::toString).toList())))
        .map(n -> n.getString("announced")).findFirst();
  }

  // --- Prometheus

  private static String prometheus() {
    return "http://127.0.0.1:" + prometheusPort;
  }

  private static Optional<Double> promScalar(String query) {
    return getJson(prometheus() + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))
        .map(j -> j.getJsonObject("data").getJsonArray("result"))
        .filter(r -> !r.isEmpty())
        .map(r -> Double.parseDouble(r.getJsonObject(0).getJsonArray("value").getString(1)));
  }

  // --- Redis, from inside the stack (docker exec: the interregion network is internal)

  private static boolean allShardsWritable(String service, int port) {
    for (String range : List.of("0-5461", "5462-10922", "10923-16383")) {
      try {
        Optional<String> answer = execRedis(Duration.ofSeconds(5), service, port, "-c", "SET", keyInSlots(range), "v");
        if (!answer.equals(Optional.of("OK"))) {
          System.out.printf("compose-it: SET in shard %s through %s answered %s%n", range, service,
              answer.map(a -> "'" + a + "'").orElse("nothing within 5 s"));
          return false;
        }
      } catch (Exception e) {
        System.out.printf("compose-it: SET in shard %s through %s failed: %s%n", range, service, e);
        return false;
      }
    }
    return true;
  }

  private static final Map<String, String> CONTAINERS = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The container of one of this run's services, looked up once (a stopped and started service
   * keeps it). Docker's own client, not docker-compose's: on a loaded 2-core host the latter took
   * seconds just to start, longer than the 5 s a write is given.
   */
  private static String container(String service) throws Exception {
    String known = CONTAINERS.get(service);
    if (known != null) {
      return known;
    }
    String id = run(Duration.ofMinutes(1), "docker-ps", List.of("docker", "ps", "-aq", "--filter",
        "label=com.docker.compose.project=" + PROJECT, "--filter", "label=com.docker.compose.service=" + service))
        .lines().findFirst().orElse("").trim();
    if (id.isEmpty()) {
      fail("no container of service " + service + " in project " + PROJECT);
    }
    CONTAINERS.put(service, id);
    return id;
  }

  /** redis-cli's TLS options in a Redis container: the keys service's CA and certificate. */
  private static final List<String> TLS = List.of("--tls", "--cacert", "/keys/ca.crt", "--cert", "/keys/node.crt",
      "--key", "/keys/redis-node.key");

  /**
   * The last line redis-cli printed through the node's /tmp/redis-cli (TLS and the nodes'
   * password, as its health check and the README use it), or empty when it did not finish within
   * {@code limit}.
   */
  private static Optional<String> execRedis(Duration limit, String service, int port, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker", "exec", container(service), "sh", "/tmp/redis-cli",
        "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    return lastLine(limit, command);
  }

  /** The same with redis-cli itself, given {@code options} (TLS or none) and no password. */
  private static Optional<String> redisCli(Duration limit, String service, List<String> options, int port,
      String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker", "exec", container(service), "redis-cli"));
    command.addAll(options);
    command.addAll(List.of("-p", Integer.toString(port)));
    command.addAll(List.of(args));
    return lastLine(limit, command);
  }

  private static Optional<String> lastLine(Duration limit, List<String> command) throws Exception {
    Process p = start(command, LOGS.resolve("redis-cli.log"), true);
    if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return Optional.empty();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    return Optional.of(out.lines().reduce((a, b) -> b).orElse(""));
  }

  /** A key whose slot (CRC16 mod 16384, as Redis Cluster computes it) lies in {@code ranges} ("a-b,c-d"). */
  static String keyInSlots(String ranges) {
    for (int i = 0; ; i++) {
      String key = "compose-it-" + i;
      int slot = crc16(key.getBytes(StandardCharsets.UTF_8)) % 16384;
      for (String range : ranges.split(",")) {
        String[] ends = range.split("-");
        if (slot >= Integer.parseInt(ends[0]) && slot <= Integer.parseInt(ends[ends.length - 1])) {
          return key;
        }
      }
    }
  }

  static int crc16(byte[] bytes) {
    int crc = 0;
    for (byte b : bytes) {
      crc ^= (b & 0xff) << 8;
      for (int i = 0; i < 8; i++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
    }
    return crc & 0xffff;
  }

  // --- figures

  private static void memoryFigures() throws Exception {
    String stats = run(Duration.ofMinutes(1), "stats", List.of("docker", "stats", "--no-stream", "--format",
        "{{.Name}}\t{{.MemUsage}}\t{{.CPUPerc}}"));
    stats.lines().filter(l -> l.startsWith(PROJECT) && (l.contains("agent") || l.contains("coordinator")
        || l.contains("redis") || l.contains("prometheus") || l.contains("alertmanager")))
        .sorted().forEach(l -> figure("docker stats: %s", l.substring(PROJECT.length() + 1)));
  }

  private static void figure(String format, Object... args) {
    String line = String.format(java.util.Locale.ROOT, format, args);
    FIGURES.add(line);
    System.out.println("compose-it figure: " + line);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  // --- processes and polling

  private static List<String> composeCommand() throws Exception {
    List<List<String>> candidates = List.of(List.of("docker", "compose"), List.of("docker-compose"));
    String missing = null;
    try {
      if (new ProcessBuilder("docker", "info").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start().waitFor() != 0) {
        missing = "the Docker engine does not answer `docker info` (scripts/test.sh starts one)";
      }
    } catch (IOException e) {
      missing = "docker is not installed (scripts/test.sh installs Debian's docker.io when run as root)";
    }
    if (missing == null) {
      for (List<String> c : candidates) {
        List<String> version = new ArrayList<>(c);
        version.add("version");
        try {
          if (new ProcessBuilder(version).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start().waitFor() == 0) {
            List<String> command = new ArrayList<>(c);
            command.addAll(List.of("-f", COMPOSE_DIR.resolve("docker-compose.yml").toString(),
                "-f", COMPOSE_DIR.resolve("local-images.yml").toString(), "-p", PROJECT));
            return command;
          }
        } catch (IOException e) {
          // not this one
        }
      }
      missing = "neither `docker compose` nor `docker-compose` is installed (scripts/test.sh installs Debian's "
          + "docker-compose when run as root)";
    }
    if ("true".equals(System.getenv("CI"))) {
      fail(missing);
    }
    Assumptions.abort(missing);
    throw new IllegalStateException("unreachable");
  }

  private static void compose(Duration limit, String log, String... args) throws Exception {
    List<String> command = new ArrayList<>(compose);
    command.addAll(List.of(args));
    run(limit, log, command);
  }

  private static int exitCode(List<String> command) throws Exception {
    Process p = start(command, LOGS.resolve("exec.log"), false);
    assertThat(p.waitFor(1, TimeUnit.MINUTES)).as("%s finished", command).isTrue();
    return p.exitValue();
  }

  private static Process start(List<String> command, Path log, boolean stdoutToPipe) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(COMPOSE_DIR.toFile());
    pb.environment().putAll(ENV);
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (!stdoutToPipe) {
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }
    return pb.start();
  }

  /** Runs a command to completion within {@code limit}; its output is appended to target/compose-it/LOG.log. */
  private static String run(Duration limit, String log, List<String> command) throws Exception {
    Path file = LOGS.resolve(log + ".log");
    Files.writeString(file, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    Process p = start(command, file, true);
    byte[] out = p.getInputStream().readAllBytes();
    Files.write(file, out, java.nio.file.StandardOpenOption.APPEND);
    if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish within " + limit.toSeconds() + " s (log: " + file + ")");
    }
    if (p.exitValue() != 0) {
      fail(String.join(" ", command) + " exited with " + p.exitValue() + " (log: " + file + ")");
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private static Optional<JsonObject> getJson(String url) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(new JsonObject(r.body())) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Polls {@code probe} every 500 ms until it gives a value, or fails naming {@code what} after {@code limit}. */
  private static <T> T await(Duration limit, String what, Supplier<Optional<T>> probe) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() > deadline) {
        fail("waited " + limit.toSeconds() + " s for " + what);
      }
      Object lock = new Object();
      synchronized (lock) {
        lock.wait(POLL.toMillis()); // a pause between polls, not a wait for the condition
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
