package io.meridian.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.testing.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Given the demo (3 regions × 3 nodes) with Meridian as the only failover authority
 * ({@code cluster-replica-no-failover yes}) and a cluster-mode client writing throughout:
 * a killed primary is replaced by its leader-chosen replica and writes resume; a killed agent
 * alone causes no promotion; a killed leader is replaced, and the new leader handles the next crash.
 */
class FailoverIT {

  private static final Path JAR = Path.of("target", "meridian.jar");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path state;
  private Process demo;
  private RedissonClient client;
  private final List<Long> pids = new ArrayList<>();

  @AfterEach
  void endEverything() throws Exception {
    if (client != null) {
      client.shutdown();
    }
    if (demo != null && demo.isAlive()) {
      demo.destroy();
      if (!demo.waitFor(10, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
      }
    }
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  private int basePort;
  private int apiPort;
  private JsonObject pidsJson;

  /** Starts the demo with Meridian as the failover authority and a cluster-mode client. */
  private void startDemo() throws Exception {
    startDemo("performance");
  }

  private void startDemo(String topology, String... extra) throws Exception {
    basePort = FreePorts.redisPortRange(9);
    apiPort = FreePorts.range(3);
    int busPort = FreePorts.range(12);
    Path output = state.resolve("demo.out");
    List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toAbsolutePath().toString(), "demo",
        "--failover", "meridian", "--topology", topology,
        "--base-port", Integer.toString(basePort), "--api-port", Integer.toString(apiPort),
        "--bus-port", Integer.toString(busPort), "--state-dir", state.resolve("demo").toString()));
    command.addAll(List.of(extra));
    demo = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
      assertThat(demo.isAlive()).as("demo exited early:%n%s%n%s", Files.readString(output), logTails()).isTrue();
      return Files.readString(output).contains("meridian: ready");
    });
    pidsJson = new JsonObject(Files.readString(state.resolve("demo").resolve("pids.json")));
    for (String region : pidsJson.fieldNames()) {
      pidsJson.getJsonObject(region).getJsonArray("redis").forEach(p -> pids.add(((Number) p).longValue()));
      pids.add(pidsJson.getJsonObject(region).getLong("agent"));
      pids.add(pidsJson.getJsonObject(region).getLong("coordinator"));
    }
    Config config = new Config();
    // Writes to primaries only, few connections: the test measures failover, not the client's pools.
    config.useClusterServers().addNodeAddress("redis://127.0.0.1:" + basePort).setScanInterval(250)
        .setTimeout(500).setRetryAttempts(0).setConnectTimeout(2000)
        .setReadMode(org.redisson.config.ReadMode.MASTER)
        .setMasterConnectionMinimumIdleSize(1).setMasterConnectionPoolSize(4)
        .setSlaveConnectionMinimumIdleSize(1).setSlaveConnectionPoolSize(2);
    client = Redisson.create(config);
  }

  @Test
  void inMaintenanceModeACrashIsNotActedOnUntilResumedAndAHungPrimaryIsPromotedAwayAfterTheFailureTimeout()
      throws Exception {
    startDemo();
    awaitLeader(apiPort, 0);
    String token = Files.readString(state.resolve("demo").resolve("operator-token")).trim();
    Run wrong = meridian(Map.of("MERIDIAN_OPERATOR_TOKEN", "not-the-token-at-all"), "pause", "--api",
        "http://127.0.0.1:" + apiPort);
    assertThat(wrong.exit()).as(wrong.output()).isEqualTo(2);
    assertThat(wrong.output()).contains("answered 401: wrong operator token").doesNotContain(token);
    Run pause = meridian(Map.of("MERIDIAN_OPERATOR_TOKEN", token), "pause", "--api", "http://127.0.0.1:" + (apiPort + 2));
    assertThat(pause.exit()).as(pause.output()).isZero();
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
        get(apiPort, "/api/v1/leader").getBoolean("paused"));
    String crashed = "127.0.0.1:" + (basePort + 6);
    String crashKey = keyInSlots(crashed, 10923, 16383);
    ProcessHandle.of(pidsJson.getJsonObject("region-3").getJsonArray("redis").getLong(0)).orElseThrow()
        .destroyForcibly();
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    assertThat(commands(apiPort)).as("no command while paused").isZero();
    assertThat(write(crashKey, 1)).as("the shard stays down while paused").isFalse();
    Run resume = meridian(Map.of("MERIDIAN_OPERATOR_TOKEN", token), "resume", "--api", "http://127.0.0.1:" + apiPort);
    assertThat(resume.exit()).as(resume.output()).isZero();
    awaitWrite(crashKey, Duration.ofSeconds(30));

    String victim = "127.0.0.1:" + (basePort + 3);
    String key = keyInSlots(victim, 5462, 10922);
    assertThat(write(key, 1)).isTrue();
    long pid = pidsJson.getJsonObject("region-2").getJsonArray("redis").getLong(0);
    io.meridian.runtime.process.Signals.send(pid, "STOP");
    long frozenAt = System.nanoTime();
    try {
      long recovered = awaitWrite(key, Duration.ofSeconds(30));
      System.out.printf("client-observed recovery after SIGSTOP of %s: %d ms (failure timeout 3000 ms)%n", victim,
          TimeUnit.NANOSECONDS.toMillis(recovered - frozenAt));
      assertThat(primaryOwning(apiPort, 5462).getString("address")).isNotEqualTo(victim);
    } finally {
      io.meridian.runtime.process.Signals.send(pid, "CONT");
    }
    // The old primary learns the higher epoch and follows the new one.
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
      JsonObject node = nodeAt(apiPort, victim);
      assertThat(node.getString("role")).isEqualTo("replica");
      assertThat(node.getString("primary")).isEqualTo(primaryOwning(apiPort, 5462).getString("address"));
    });
    // …and the leader verifies it and says so in the history.
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
      JsonObject current = awaitLeader(apiPort, 0);
      assertThat(get(apiPort + regionIndex(current), "/api/v1/history").getJsonArray("entries").stream()
          .map(e -> ((JsonObject) e).getString("text")))
          .anyMatch(t -> t.startsWith("old primary " + victim + " of shard 5462-10922 is back as a replica of "));
    });

    // A leader stopped gracefully (SIGTERM) releases its lock: another coordinator leads at once.
    JsonObject leader = awaitLeader(apiPort, 0);
    ProcessHandle coordinator = ProcessHandle.of(pidsJson.getJsonObject(leader.getString("region"))
        .getLong("coordinator")).orElseThrow();
    long stoppedAt = System.nanoTime();
    coordinator.destroy();
    int other = regionIndex(leader) == 0 ? 1 : 0;
    JsonObject successor = awaitLeader(apiPort + other, leader.getLong("term"));
    long handoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
    System.out.printf("graceful stop of leader %s: %s leads (term %d) after %d ms%n", leader.getString("leader"),
        successor.getString("leader"), successor.getLong("term"), handoverMs);
    assertThat(coordinator.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(handoverMs).as("another coordinator leads within 2 s of a graceful stop").isLessThanOrEqualTo(2000);
  }

  @Test
  void aFrozenLeaderIsReplacedAndExecutesNothingAfterItResumes() throws Exception {
    startDemo();
    JsonObject leader = awaitLeader(apiPort, 0);
    int leaderIndex = regionIndex(leader);
    int oldLeaderPort = apiPort + leaderIndex;
    long leaderPid = pidsJson.getJsonObject(leader.getString("region")).getLong("coordinator");
    int survivor = leaderIndex == 0 ? 1 : 0;
    // The primary of the next region (node 0 of region i owns the i-th third of the slots).
    int victimRegion = (leaderIndex + 1) % 3;
    String victim = "127.0.0.1:" + (basePort + 3 * victimRegion);
    int firstSlot = new int[] {0, 5462, 10923}[victimRegion];
    String key = keyInSlots(victim, firstSlot, new int[] {5461, 10922, 16383}[victimRegion]);
    assertThat(write(key, 1)).isTrue();

    io.meridian.runtime.process.Signals.send(leaderPid, "STOP");
    long frozenAt = System.nanoTime();
    JsonObject next;
    try {
      next = awaitLeader(apiPort + survivor, leader.getLong("term"));
      System.out.printf("leader %s frozen (SIGSTOP): %s leads (term %d) after %d ms%n", leader.getString("leader"),
          next.getString("leader"), next.getLong("term"), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt));
      ProcessHandle.of(pidsJson.getJsonObject("region-" + (victimRegion + 1)).getJsonArray("redis").getLong(0))
          .orElseThrow().destroyForcibly();
      awaitWrite(key, Duration.ofSeconds(30));
    } finally {
      io.meridian.runtime.process.Signals.send(leaderPid, "CONT");
    }
    // Woken with a lock it no longer holds, the old leader stops on its own lease deadline and
    // sends nothing: its history gains a "stopped leading" entry and no command.
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
        assertThat(get(oldLeaderPort, "/api/v1/history").getJsonArray("entries").stream()
            .map(e -> ((JsonObject) e).getString("text")))
            .anyMatch(t -> t.contains("stopped leading")));
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    assertThat(get(oldLeaderPort, "/api/v1/history").getJsonArray("entries").stream()
        .filter(e -> "command".equals(((JsonObject) e).getString("kind"))))
        .as("the resumed old leader sent no command").isEmpty();
    assertThat(get(oldLeaderPort, "/api/v1/leader").getString("leader")).isEqualTo(next.getString("leader"));
    int newLeaderPort = apiPort + regionIndex(next);
    assertThat(get(newLeaderPort, "/api/v1/history").getJsonArray("entries").stream().map(e -> (JsonObject) e)
        .filter(e -> "command".equals(e.getString("kind"))))
        .isNotEmpty().allMatch(e -> e.getLong("term") == next.getLong("term"));
  }

  @Test
  void losingTheFirstRegionOfAReliabilityClusterMovesEveryShardToOneSurvivingRegion() throws Exception {
    startDemo("reliability");
    awaitLeader(apiPort, 0);
    List<String> keys = List.of(keyInSlots("127.0.0.1:" + basePort, 0, 5461),
        keyInSlots("127.0.0.1:" + (basePort + 1), 5462, 10922),
        keyInSlots("127.0.0.1:" + (basePort + 2), 10923, 16383));
    keys.forEach(k -> assertThat(write(k, 1)).isTrue());
    JsonObject region1 = pidsJson.getJsonObject("region-1");
    long lostAt = System.nanoTime();
    region1.getJsonArray("redis").forEach(p -> ProcessHandle.of(((Number) p).longValue()).ifPresent(ProcessHandle::destroyForcibly));
    ProcessHandle.of(region1.getLong("agent")).ifPresent(ProcessHandle::destroyForcibly);
    ProcessHandle.of(region1.getLong("coordinator")).ifPresent(ProcessHandle::destroyForcibly);
    for (String key : keys) {
      awaitWrite(key, Duration.ofSeconds(45));
    }
    System.out.printf("client-observed recovery of all 3 shards after losing region-1: %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lostAt));
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
      List<String> regions = new ArrayList<>();
      for (int slot : new int[] {0, 5462, 10923}) {
        regions.add(primaryOwning(apiPort + 1, slot).getString("region"));
      }
      assertThat(regions).as("all primaries in one surviving region").hasSize(3).doesNotContain("region-1")
          .containsOnly(regions.get(0));
    });
    JsonObject leader = awaitLeader(apiPort + 1, 0);
    assertThat(get(apiPort + regionIndex(leader), "/api/v1/history").getJsonArray("entries").stream()
        .map(e -> ((JsonObject) e).getString("text")))
        .filteredOn(t -> t.startsWith("FAILOVER_TAKEOVER on ") && t.contains("executed"))
        .hasSize(3);
  }

  @Test
  void whenTwoOfThreeRegionsAreLostNothingHappensUntilAnOperatorTakesOverInTheSurvivor() throws Exception {
    startDemo();
    awaitLeader(apiPort, 0);
    String key1 = keyInSlots("127.0.0.1:" + basePort, 0, 5461);
    String key2 = keyInSlots("127.0.0.1:" + (basePort + 3), 5462, 10922);
    for (String region : List.of("region-1", "region-2")) {
      JsonObject r = pidsJson.getJsonObject(region);
      r.getJsonArray("redis").forEach(p -> ProcessHandle.of(((Number) p).longValue()).ifPresent(ProcessHandle::destroyForcibly));
      ProcessHandle.of(r.getLong("agent")).ifPresent(ProcessHandle::destroyForcibly);
      ProcessHandle.of(r.getLong("coordinator")).ifPresent(ProcessHandle::destroyForcibly);
    }
    await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
    assertThat(write(key1, 1)).as("no automatic action without a majority").isFalse();
    assertThat(get(apiPort + 2, "/api/v1/leader").getString("leader")).as("no leader without a CP majority").isNull();
    Path spec = state.resolve("demo").resolve("spec.yaml");
    Run refused = meridian(Map.of(), "failover", "--spec", spec.toString(), "--region", "region-3", "--force");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.output()).contains("--force --accept-data-loss");
    Run takeover = meridian(Map.of(), "failover", "--spec", spec.toString(), "--region", "region-3", "--force",
        "--accept-data-loss");
    assertThat(takeover.exit()).as(takeover.output()).isZero();
    assertThat(takeover.output()).contains("failover: 2 shard(s) taken over in region-3, 0 failed");
    awaitWrite(key1, Duration.ofSeconds(30));
    awaitWrite(key2, Duration.ofSeconds(30));
  }

  @Test
  void crashedPrimaryIsReplacedSilentAgentIsNotAndANewLeaderTakesOver() throws Exception {
    // A webhook receiver: the leader's cluster events are pushed here as JSON.
    List<JsonObject> events = java.util.Collections.synchronizedList(new ArrayList<>());
    com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/events", exchange -> {
      events.add(new JsonObject(new String(exchange.getRequestBody().readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8)));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    hook.start();
    try {
      crashReplaceAndHandOver(events, "http://127.0.0.1:" + hook.getAddress().getPort() + "/events");
    } finally {
      hook.stop(0);
    }
  }

  private void crashReplaceAndHandOver(List<JsonObject> events, String webhook) throws Exception {
    startDemo("performance", "--webhook", webhook);
    JsonObject leader = awaitLeader(apiPort, 0);
    long firstTerm = leader.getLong("term");
    int leaderPort = apiPort + regionIndex(leader);

    // 1. kill -9 the primary of region-1 (node 0 of region-1 owns slots 0-5461 in this plan).
    String victim = "127.0.0.1:" + basePort;
    String key = keyInSlots(victim, 0, 5461);
    assertThat(write(key, 1)).isTrue();
    long killedAt = System.nanoTime();
    ProcessHandle.of(pidsJson.getJsonObject("region-1").getJsonArray("redis").getLong(0)).orElseThrow()
        .destroyForcibly();
    long firstWriteNanos = awaitWrite(key, Duration.ofSeconds(30));
    System.out.printf("client-observed recovery after kill -9 of %s: %d ms%n", victim,
        TimeUnit.NANOSECONDS.toMillis(firstWriteNanos - killedAt));
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
      JsonArray entries = get(leaderPort, "/api/v1/history").getJsonArray("entries");
      assertThat(entries.stream().map(e -> ((JsonObject) e).getString("text")))
          .anyMatch(t -> t.startsWith("FAILOVER_FORCE on ") && t.contains("executed by agent-region-"))
          .anyMatch(t -> t.startsWith("shard 0-5461 recovered: "));
    });
    JsonObject promoted = primaryOwning(apiPort, 0);
    assertThat(promoted.getString("address")).isNotEqualTo(victim);
    assertThat(promoted.getString("region")).isNotEqualTo("region-1");
    // The failover reached the webhook once as started and once as succeeded, and the leader's metrics.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<String> kinds;
      synchronized (events) {
        kinds = events.stream().filter(e -> e.getString("summary").contains("shard 0-5461"))
            .map(e -> e.getString("kind")).toList();
      }
      assertThat(kinds).containsExactlyInAnyOrder("failover_started", "failover_succeeded");
    });
    String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + leaderPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics.lines().filter(l -> l.startsWith("meridian_failovers_total{") && l.contains("kind=\"dead_primary\"")
        && l.contains("result=\"succeeded\"")).toList()).singleElement().asString().matches(".* 1(\\.0)?");
    assertThat(metrics.lines().filter(l -> l.startsWith("meridian_failover_detection_seconds_count")).toList())
        .singleElement().asString().matches(".* 1(\\.0)?");

    // 2. kill only the agent of region-2: its nodes go stale, nobody is promoted.
    int commandsBefore = commands(apiPort);
    ProcessHandle.of(pidsJson.getJsonObject("region-2").getLong("agent")).orElseThrow().destroyForcibly();
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
        assertThat(get(apiPort, "/api/v1/cluster").getJsonObject("summary").getLong("stale")).isEqualTo(3));
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    assertThat(commands(apiPort)).as("no command for a silent agent").isEqualTo(commandsBefore);
    assertThat(write(key, 2)).isTrue();

    // 3. kill -9 the leader coordinator; a new one is elected with a higher term and handles the next crash.
    String leaderRegion = leader.getString("region");
    ProcessHandle.of(pidsJson.getJsonObject(leaderRegion).getLong("coordinator")).orElseThrow().destroyForcibly();
    int survivor = leaderRegion.equals("region-1") ? 1 : 0;
    long leaderKilledAt = System.nanoTime();
    JsonObject next = awaitLeader(apiPort + survivor, firstTerm);
    System.out.printf("new leader %s (term %d, was %d) %d ms after kill -9 of the leader%n", next.getString("leader"),
        next.getLong("term"), firstTerm, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leaderKilledAt));
    String region3Primary = "127.0.0.1:" + (basePort + 6);
    String key3 = keyInSlots(region3Primary, 10923, 16383);
    ProcessHandle.of(pidsJson.getJsonObject("region-3").getJsonArray("redis").getLong(0)).orElseThrow()
        .destroyForcibly();
    awaitWrite(key3, Duration.ofSeconds(30));
    int newLeaderPort = apiPort + regionIndex(next);
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
        assertThat(get(newLeaderPort, "/api/v1/history").getJsonArray("entries").stream()
            .map(e -> (JsonObject) e)
            .filter(e -> e.getString("text").startsWith("FAILOVER_FORCE on ") && e.getString("shard").equals("10923-16383")))
            .anyMatch(e -> e.getLong("term") == next.getLong("term") && e.getString("text").contains("executed")));
  }

  /** The last lines of every process log of the demo: what a failed start leaves to read. */
  private String logTails() throws IOException {
    Path logs = state.resolve("demo").resolve("logs");
    if (!Files.isDirectory(logs)) {
      return "(no logs)";
    }
    StringBuilder b = new StringBuilder();
    try (java.util.stream.Stream<Path> files = Files.list(logs)) {
      for (Path f : files.sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        b.append("--- ").append(f.getFileName()).append(" (last 15 lines)\n");
        lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> b.append(l).append('\n'));
      }
    }
    return b.toString();
  }

  private static int regionIndex(JsonObject leader) {
    return Integer.parseInt(leader.getString("region").substring("region-".length())) - 1;
  }

  private boolean write(String key, long value) {
    try {
      client.getBucket(key).set(value);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Writes every 20 ms until one is acknowledged; returns when (System.nanoTime). */
  private long awaitWrite(String key, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    long i = 0;
    while (System.nanoTime() < deadline) {
      if (write(key, ++i)) {
        return System.nanoTime();
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new AssertionError("no write to " + key + " was acknowledged within " + atMost);
  }

  private static String keyInSlots(String node, int from, int to) {
    try (NodeAdmin admin = new NodeAdmin(node, RedisAuth.none(), Duration.ofSeconds(5))) {
      for (int i = 0; i < 10_000; i++) {
        int slot = Integer.parseInt(admin.call("CLUSTER", "KEYSLOT", "k" + i));
        if (slot >= from && slot <= to) {
          return "k" + i;
        }
      }
    }
    throw new AssertionError("no key found for slots " + from + "-" + to);
  }

  private static JsonObject awaitLeader(int port, long aboveTerm) {
    JsonObject[] leader = new JsonObject[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
      leader[0] = get(port, "/api/v1/leader");
      return leader[0].getString("leader") != null && leader[0].getLong("term") > aboveTerm;
    });
    return leader[0];
  }

  private static JsonObject primaryOwning(int apiPort, int slot) throws Exception {
    JsonObject regions = get(apiPort, "/api/v1/cluster").getJsonObject("regions");
    for (String region : regions.fieldNames()) {
      for (Object o : regions.getJsonObject(region).getJsonArray("nodes")) {
        JsonObject n = (JsonObject) o;
        if ("primary".equals(n.getString("role")) && n.getBoolean("healthy") && n.getJsonArray("slots").stream()
            .anyMatch(s -> String.valueOf(s).startsWith(slot + "-"))) {
          return n;
        }
      }
    }
    throw new AssertionError("no primary owns slot " + slot);
  }

  record Run(int exit, String output) {
  }

  private Run meridian(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(state, "run", ".out");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out));
  }

  private static JsonObject nodeAt(int apiPort, String address) throws Exception {
    JsonObject regions = get(apiPort, "/api/v1/cluster").getJsonObject("regions");
    for (String region : regions.fieldNames()) {
      for (Object o : regions.getJsonObject(region).getJsonArray("nodes")) {
        if (((JsonObject) o).getString("address").equals(address)) {
          return (JsonObject) o;
        }
      }
    }
    throw new AssertionError(address + " not in the view");
  }

  private static int commands(int apiPort) throws Exception {
    int count = 0;
    for (int i = 0; i < 3; i++) {
      try {
        count += (int) get(apiPort + i, "/api/v1/history").getJsonArray("entries").stream()
            .filter(e -> "command".equals(((JsonObject) e).getString("kind"))).count();
      } catch (IOException unreachable) {
        // a stopped coordinator has no history to add
      }
    }
    return count;
  }

  private static JsonObject get(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body());
  }

  private static String javaBin() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
