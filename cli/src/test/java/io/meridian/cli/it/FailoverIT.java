package io.meridian.cli.it;

import static io.meridian.cli.it.DemoCluster.awaitLeader;
import static io.meridian.cli.it.DemoCluster.get;
import static io.meridian.cli.it.DemoCluster.keyInSlots;
import static io.meridian.cli.it.DemoCluster.nodeAt;
import static io.meridian.cli.it.DemoCluster.primaryOwning;
import static io.meridian.cli.it.DemoCluster.regionIndex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given the demo (3 regions × 3 nodes) with Meridian as the only failover authority
 * ({@code cluster-replica-no-failover yes}) and a cluster-mode client writing throughout:
 * a killed primary is replaced by its leader-chosen replica and writes resume; a killed agent
 * alone causes no promotion; a killed leader is replaced, and the new leader handles the next crash.
 */
class FailoverIT {

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // a failure leaves the logs behind
  Path state;
  private DemoCluster cluster;
  private int basePort;
  private int apiPort;
  private JsonObject pidsJson;

  @AfterEach
  void endEverything() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Starts the demo with Meridian as the failover authority and a cluster-mode client. */
  private void startDemo() throws Exception {
    startDemo("performance");
  }

  private void startDemo(String topology, String... extra) throws Exception {
    cluster = DemoCluster.start(state, topology, extra);
    basePort = cluster.basePort;
    apiPort = cluster.apiPort;
    pidsJson = cluster.pids;
  }

  @Test
  void inMaintenanceModeACrashIsNotActedOnUntilResumedAndAHungPrimaryIsPromotedAwayAfterTheFailureTimeout()
      throws Exception {
    startDemo();
    JsonObject first = awaitLeader(apiPort, 0);
    int leaderPort = apiPort + regionIndex(first);
    int followerPort = apiPort + (regionIndex(first) + 1) % 3;
    // Every coordinator's control loop says why it does nothing.
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
      assertThat(get(leaderPort, "/api/v1/leader").getJsonObject("controlLoop").getString("summary"))
          .isEqualTo("nothing to do: no shard is in trouble and no promotion is under way");
      assertThat(get(followerPort, "/api/v1/leader").getJsonObject("controlLoop").getString("summary"))
          .isEqualTo("not leading");
    });
    DemoCluster.Run status = cluster.meridian(Map.of(), "status", "--api", cluster.apiUrls());
    assertThat(status.output()).as(status.output())
        .contains("Leader's control loop: nothing to do: no shard is in trouble and no promotion is under way");
    String token = cluster.operatorToken();
    DemoCluster.Run wrong = cluster.meridian(Map.of("MERIDIAN_OPERATOR_TOKEN", "not-the-token-at-all"), "pause", "--api",
        "http://127.0.0.1:" + apiPort);
    assertThat(wrong.exit()).as(wrong.output()).isEqualTo(2);
    assertThat(wrong.output()).contains("answered 401: wrong operator token").doesNotContain(token);
    DemoCluster.Run pause = cluster.meridian(Map.of("MERIDIAN_OPERATOR_TOKEN", token), "pause", "--api", cluster.apiUrls());
    assertThat(pause.exit()).as(pause.output()).isZero();
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
        get(apiPort, "/api/v1/leader").getBoolean("paused"));
    String crashed = "127.0.0.1:" + (basePort + 6);
    String crashKey = keyInSlots(10923, 16383);
    ProcessHandle.of(pidsJson.getJsonObject("region-3").getJsonArray("redis").getLong(0)).orElseThrow()
        .destroyForcibly();
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    assertThat(cluster.commands()).as("no command while paused").isZero();
    assertThat(get(leaderPort, "/api/v1/leader").getJsonObject("controlLoop").getString("summary"))
        .as("the leader says why it does not act").endsWith("; maintenance mode is on: the leader observes only");
    assertThat(cluster.write(crashKey, 1)).as("the shard stays down while paused").isFalse();
    DemoCluster.Run resume = cluster.meridian(Map.of("MERIDIAN_OPERATOR_TOKEN", token), "resume", "--api", cluster.apiUrls());
    assertThat(resume.exit()).as(resume.output()).isZero();
    cluster.awaitWrite(crashKey, Duration.ofSeconds(30));

    String victim = "127.0.0.1:" + (basePort + 3);
    String key = keyInSlots(5462, 10922);
    assertThat(cluster.write(key, 1)).isTrue();
    long pid = pidsJson.getJsonObject("region-2").getJsonArray("redis").getLong(0);
    io.meridian.runtime.process.Signals.send(pid, "STOP");
    long frozenAt = System.nanoTime();
    try {
      long recovered = cluster.awaitWrite(key, Duration.ofSeconds(30));
      System.out.printf("client-observed recovery after SIGSTOP of %s: %d ms (failure timeout 3000 ms)%n", victim,
          TimeUnit.NANOSECONDS.toMillis(recovered - frozenAt));
      // The client can write before the promoted node's agent has probed it again: the coordinators' view
      // follows within a probe round and the bus hop.
      await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() ->
          assertThat(primaryOwning(apiPort, 5462).getString("address")).isNotEqualTo(victim));
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

    // Each failover is one recovery record, in the shared history: the successor shows both, with
    // what triggered them, every command sent (ids derived from the record's id) and the outcome.
    int successorPort = apiPort + other;
    JsonObject recoveries = get(successorPort, "/api/v1/history?kind=recovery");
    assertThat(recoveries.getString("source")).isEqualTo("cp-group");
    List<JsonObject> records = recoveries.getJsonArray("entries").stream()
        .map(e -> ((JsonObject) e).getJsonObject("recovery")).toList();
    assertThat(records).extracting(r -> r.getString("shard")).containsExactly("10923-16383", "5462-10922");
    assertThat(records.get(0).getString("trigger")).isEqualTo("dead_primary");
    assertThat(records.get(0).getString("failedPrimary")).isEqualTo(crashed);
    assertThat(records.get(1).getString("failedPrimary")).isEqualTo(victim);
    for (JsonObject r : records) {
      assertThat(r.getJsonObject("outcome").getString("result")).as(r.encodePrettily()).isEqualTo("succeeded");
      assertThat(r.getString("evidence")).as(r.encodePrettily()).isNotBlank();
      assertThat(r.getLong("durationMs")).as(r.encodePrettily()).isPositive();
      List<JsonObject> steps = r.getJsonArray("steps").stream().map(x -> (JsonObject) x).toList();
      assertThat(steps).as(r.encodePrettily()).isNotEmpty()
          .allMatch(x -> x.getString("commandId").startsWith(r.getString("id") + "/t"));
      assertThat(steps).as(r.encodePrettily()).anyMatch(x -> x.getString("command").startsWith("FAILOVER_")
          && x.getString("result").startsWith("executed"));
    }
    DemoCluster.Run badKind = cluster.meridian(Map.of(), "history", "--api", "http://127.0.0.1:" + successorPort,
        "--kind", "nonsense");
    assertThat(badKind.exit()).as(badKind.output()).isEqualTo(2);
    assertThat(badKind.output()).contains("--kind must be one of").contains("recovery");
    DemoCluster.Run shown = cluster.meridian(Map.of(), "history", "--api", "http://127.0.0.1:" + successorPort,
        "--kind", "recovery");
    assertThat(shown.exit()).as(shown.output()).isZero();
    assertThat(shown.output()).contains("recovery " + records.get(0).getString("id") + " of shard 10923-16383 succeeded");
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
    String key = keyInSlots(firstSlot, new int[] {5461, 10922, 16383}[victimRegion]);
    assertThat(cluster.write(key, 1)).isTrue();

    io.meridian.runtime.process.Signals.send(leaderPid, "STOP");
    long frozenAt = System.nanoTime();
    JsonObject next;
    try {
      next = awaitLeader(apiPort + survivor, leader.getLong("term"));
      System.out.printf("leader %s frozen (SIGSTOP): %s leads (term %d) after %d ms%n", leader.getString("leader"),
          next.getString("leader"), next.getLong("term"), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt));
      // A primary dies just before the old leader wakes: the most tempting moment for it to act.
      ProcessHandle.of(pidsJson.getJsonObject("region-" + (victimRegion + 1)).getJsonArray("redis").getLong(0))
          .orElseThrow().destroyForcibly();
    } finally {
      io.meridian.runtime.process.Signals.send(leaderPid, "CONT");
    }
    cluster.awaitWrite(key, Duration.ofSeconds(30));
    // Woken with a lock it no longer holds, the old leader stops on its own lease deadline and
    // sends nothing: it records "stopped leading" and no command; the new leader promoted the
    // replica. The history is shared through the CP group, so every coordinator tells the same.
    String oldLeaderId = leader.getString("leader");
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
        assertThat(entries(oldLeaderPort)).anyMatch(e -> e.getString("by").equals(oldLeaderId)
            && e.getString("text").contains("stopped leading")));
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    assertThat(entries(oldLeaderPort)).filteredOn(e -> "command".equals(e.getString("kind")))
        .as("the resumed old leader sent no command").noneMatch(e -> e.getString("by").equals(oldLeaderId));
    // Once it hears the successor's announcements again (it may first have to rejoin the bus), it names it.
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
        assertThat(get(oldLeaderPort, "/api/v1/leader").getString("leader")).isEqualTo(next.getString("leader")));
    int newLeaderPort = apiPort + regionIndex(next);
    List<JsonObject> shared = entries(newLeaderPort);
    assertThat(shared).filteredOn(e -> "command".equals(e.getString("kind")))
        .as("every command came from the new leader, under its term").isNotEmpty()
        .allMatch(e -> e.getString("by").equals(next.getString("leader")) && e.getLong("term") == next.getLong("term"));
    // What the old leader recorded before it froze is still there on the new leader...
    assertThat(shared).anyMatch(e -> e.getString("by").equals(oldLeaderId) && e.getString("text").endsWith("elected leader")
        && e.getLong("term") == leader.getLong("term"));
    // ...and every coordinator, the resumed old leader included, answers the same history.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<JsonObject> onNew = entries(newLeaderPort);
      for (int i = 0; i < 3; i++) {
        JsonObject doc = get(apiPort + i, "/api/v1/history");
        assertThat(doc.getString("source")).as("coordinator %d reads the CP group", i).isEqualTo("cp-group");
        assertThat(numbered(entries(apiPort + i))).as("coordinator %d's history", i).isEqualTo(numbered(onNew));
      }
    });
  }

  /** The history's entries as a coordinator answers them. */
  private static List<JsonObject> entries(int port) throws Exception {
    return get(port, "/api/v1/history").getJsonArray("entries").stream().map(e -> (JsonObject) e).toList();
  }

  /** The entries already in the CP group (numbered), by number: what every coordinator must agree on. */
  private static List<String> numbered(List<JsonObject> entries) {
    return entries.stream().filter(e -> e.getValue("seq") != null).map(e -> e.getLong("seq") + " " + e.getString("by")
        + " " + e.getString("text")).toList();
  }

  @Test
  void aRestartedCoordinatorRejoinsTheCpGroupSoThatLosingTheLeaderLaterStillElectsANewOne() throws Exception {
    startDemo();
    JsonObject leader = awaitLeader(apiPort, 0);
    int restartedIndex = (regionIndex(leader) + 1) % 3;
    ProcessHandle old = coordinator(restartedIndex);
    List<String> command = commandOf(old);
    old.destroyForcibly();
    old.onExit().get(10, TimeUnit.SECONDS);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(state.resolve("restarted-coordinator.log").toFile());
    builder.environment().put("MERIDIAN_OPERATOR_TOKEN", cluster.operatorToken());
    Process restarted = builder.start();
    try {
      long startedAt = System.nanoTime();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
          get(apiPort + restartedIndex, "/api/v1/leader").getBoolean("cpMember"));
      System.out.printf("restarted coordinator back in the CP group after %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
      // The leader dies: of the three CP seats, the restarted coordinator and the third one are left,
      // a majority. Had the restarted one stayed outside, one of two would be left: no leader ever.
      ProcessHandle.of(pidsJson.getJsonObject(leader.getString("region")).getLong("coordinator")).orElseThrow()
          .destroyForcibly();
      JsonObject next = awaitLeader(apiPort + restartedIndex, leader.getLong("term"));
      assertThat(next.getString("leader")).isNotEqualTo(leader.getString("leader"));
    } finally {
      restarted.destroy();
      if (!restarted.waitFor(15, TimeUnit.SECONDS)) {
        restarted.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void afterEveryCoordinatorRestartsAtOnceTheNewLeaderOutranksTheTermTheAgentsRememberAndFailsOverACrash()
      throws Exception {
    startDemo();
    JsonObject first = awaitLeader(apiPort, 0);
    // A handover some seconds in: the CP group's Raft log, whose index is the lock's fence, has grown
    // by then, so the agents come to remember a term that a CP group formed afresh starts below.
    await().pollDelay(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(16)).until(() -> true);
    List<List<String>> commands = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      commands.add(commandOf(coordinator(i)));
    }
    kill(coordinator(regionIndex(first)));
    int survivor = (regionIndex(first) + 1) % 3;
    long remembered = awaitLeader(apiPort + survivor, first.getLong("term")).getLong("term");
    // The agents have the new term from its announcements (once a second) before every coordinator goes.
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
    for (int i = 0; i < 3; i++) {
      if (i != regionIndex(first)) {
        kill(coordinator(i));
      }
    }
    List<Process> restarted = new ArrayList<>();
    try {
      long restartedAt = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        ProcessBuilder builder = new ProcessBuilder(commands.get(i)).redirectErrorStream(true)
            .redirectOutput(state.resolve("restarted-coordinator-" + (i + 1) + ".log").toFile());
        builder.environment().put("MERIDIAN_OPERATOR_TOKEN", cluster.operatorToken());
        restarted.add(builder.start());
      }
      JsonObject next = awaitLeader(apiPort, remembered);
      System.out.printf("every coordinator restarted: leader %s under term %d (agents remembered %d) after %d ms%n",
          next.getString("leader"), next.getLong("term"), remembered,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt));
      String raise = state.resolve("restarted-coordinator-" + (regionIndex(next) + 1) + ".log").toString();
      assertThat(java.nio.file.Files.readString(Path.of(raise)))
          .as("the fresh CP group numbered below the agents' term, and the leader raised its own")
          .contains("agents remember term " + remembered);

      // The restarted coordinators hear every agent again (the agents' bus found them), and the
      // agents take the new leader's commands: a crashed primary is failed over.
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
          assertThat(get(apiPort, "/api/v1/cluster").getJsonObject("summary").getLong("healthy")).isEqualTo(9));
      String key = keyInSlots(0, 5461);
      assertThat(cluster.write(key, 1)).isTrue();
      ProcessHandle.of(pidsJson.getJsonObject("region-1").getJsonArray("redis").getLong(0)).orElseThrow()
          .destroyForcibly();
      cluster.awaitWrite(key, Duration.ofSeconds(30));
      int leaderPort = apiPort + regionIndex(next);
      await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
          assertThat(get(leaderPort, "/api/v1/history").getJsonArray("entries").stream()
              .map(e -> ((JsonObject) e).getString("text")))
              .anyMatch(t -> t.matches("FAILOVER_(FORCE|TAKEOVER) on .*: executed by agent-region-.* \\(term "
                  + next.getLong("term") + "\\).*"))
              .anyMatch(t -> t.startsWith("shard 0-5461 recovered: ")));
      assertThat(primaryOwning(apiPort, 0).getString("address")).isNotEqualTo("127.0.0.1:" + basePort);
    } finally {
      for (Process p : restarted) {
        p.destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      }
    }
  }

  private ProcessHandle coordinator(int regionIndex) {
    return ProcessHandle.of(pidsJson.getJsonObject("region-" + (regionIndex + 1)).getLong("coordinator"))
        .orElseThrow();
  }

  private static void kill(ProcessHandle process) throws Exception {
    process.destroyForcibly();
    process.onExit().get(10, TimeUnit.SECONDS);
  }

  private static List<String> commandOf(ProcessHandle process) {
    List<String> command = new ArrayList<>();
    command.add(process.info().command().orElseThrow());
    command.addAll(List.of(process.info().arguments().orElseThrow()));
    return command;
  }

  @Test
  void losingTheFirstRegionOfAReliabilityClusterMovesEveryShardToOneSurvivingRegion() throws Exception {
    startDemo("reliability");
    awaitLeader(apiPort, 0);
    List<String> keys = List.of(keyInSlots(0, 5461),
        keyInSlots(5462, 10922),
        keyInSlots(10923, 16383));
    keys.forEach(k -> assertThat(cluster.write(k, 1)).isTrue());
    JsonObject region1 = pidsJson.getJsonObject("region-1");
    long lostAt = System.nanoTime();
    region1.getJsonArray("redis").forEach(p -> ProcessHandle.of(((Number) p).longValue()).ifPresent(ProcessHandle::destroyForcibly));
    ProcessHandle.of(region1.getLong("agent")).ifPresent(ProcessHandle::destroyForcibly);
    ProcessHandle.of(region1.getLong("coordinator")).ifPresent(ProcessHandle::destroyForcibly);
    for (String key : keys) {
      cluster.awaitWrite(key, Duration.ofSeconds(45));
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
  void whenEveryPrimaryDiesAtOnceEachShardIsTakenOverByItsFirstCandidateEvenIfItWasFirstOrderedToForce()
      throws Exception {
    startDemo("reliability");
    JsonObject leader = awaitLeader(apiPort, 0);
    List<String> keys = List.of(keyInSlots(0, 5461),
        keyInSlots(5462, 10922),
        keyInSlots(10923, 16383));
    keys.forEach(k -> assertThat(cluster.write(k, 1)).isTrue());
    // Only the redis-servers die; region-1's agent stays and reports them refused one by one, so
    // the first may be ordered up by FORCE while the others still look alive. While the other
    // primaries are the dead ones, that FORCE cannot gather the votes of a majority.
    long killedAt = System.nanoTime();
    pidsJson.getJsonObject("region-1").getJsonArray("redis")
        .forEach(p -> ProcessHandle.of(((Number) p).longValue()).ifPresent(ProcessHandle::destroyForcibly));
    for (String key : keys) {
      cluster.awaitWrite(key, Duration.ofSeconds(30));
    }
    System.out.printf("client-observed recovery of all 3 shards after every primary died: %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
    int leaderPort = apiPort + regionIndex(leader);
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
      List<String> history = get(leaderPort, "/api/v1/history").getJsonArray("entries").stream()
          .map(e -> ((JsonObject) e).getString("text")).toList();
      for (String shard : List.of("0-5461", "5462-10922", "10923-16383")) {
        String first = history.stream().filter(t -> t.startsWith("promote ") && t.contains(" for shard " + shard))
            .findFirst().orElseThrow();
        String candidate = first.substring("promote ".length(), first.indexOf(' ', "promote ".length()));
        assertThat(history).as("shard %s recovered by its first candidate %s, no deadline waited out", shard, candidate)
            .contains("shard " + shard + " recovered: " + candidate + " now serves it as primary");
        if (first.contains("FORCE because")) {
          // A FORCE ordered while a majority of primaries looked alive either won its election (the
          // other shards' new primaries may vote by then) or was turned into a TAKEOVER, by the
          // agent after 500 ms or by the leader once it knew: never waited out.
          assertThat(history).as("shard %s: the FORCE of %s won or was escalated", shard, candidate).anyMatch(t ->
              t.startsWith("FAILOVER_FORCE on " + candidate + ": executed ") && t.contains(": OK; primary after ")
              || t.startsWith("FAILOVER_FORCE on " + candidate + ": executed ") && t.contains(", so TAKEOVER: OK")
              || t.startsWith("promote " + candidate + " ") && t.contains(" for shard " + shard
                  + " again, by TAKEOVER: the FORCE ordered at "));
        }
      }
    });
  }

  @Test
  void whenTwoOfThreeRegionsAreLostNothingHappensUntilAnOperatorTakesOverInTheSurvivor() throws Exception {
    // With write fencing: the survivor's own primary stops taking writes once it is cut off, and
    // the operator's takeover there makes the whole region serve again (the fence stands down).
    startDemo("performance");
    awaitLeader(apiPort, 0);
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
        assertThat(cpQuorum(apiPort + 2)).as("meridian_cp_quorum with every coordinator up").isEqualTo("1"));
    String key1 = keyInSlots(0, 5461);
    String key2 = keyInSlots(5462, 10922);
    String key3 = keyInSlots(10923, 16383);
    cluster.awaitWrite(key3, Duration.ofSeconds(10));
    for (String region : List.of("region-1", "region-2")) {
      JsonObject r = pidsJson.getJsonObject(region);
      r.getJsonArray("redis").forEach(p -> ProcessHandle.of(((Number) p).longValue()).ifPresent(ProcessHandle::destroyForcibly));
      ProcessHandle.of(r.getLong("agent")).ifPresent(ProcessHandle::destroyForcibly);
      ProcessHandle.of(r.getLong("coordinator")).ifPresent(ProcessHandle::destroyForcibly);
    }
    await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
    assertThat(cluster.write(key1, 1)).as("no automatic action without a majority").isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> !cluster.write(key3, 1));
    assertThat(get(apiPort + 2, "/api/v1/leader").getString("leader")).as("no leader without a CP majority").isNull();
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
        assertThat(cpQuorum(apiPort + 2)).as("meridian_cp_quorum on the survivor").isEqualTo("0"));
    Path spec = state.resolve("demo").resolve("spec.yaml");
    DemoCluster.Run refused = cluster.meridian(Map.of(), "failover", "--spec", spec.toString(), "--region", "region-3", "--force");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.output()).contains("--force --accept-data-loss");
    DemoCluster.Run takeover = cluster.meridian(Map.of(), "failover", "--spec", spec.toString(), "--region", "region-3", "--force",
        "--accept-data-loss");
    assertThat(takeover.exit()).as(takeover.output()).isZero();
    assertThat(takeover.output()).contains("failover: 2 shard(s) taken over in region-3, 0 failed");
    cluster.awaitWrite(key1, Duration.ofSeconds(30));
    cluster.awaitWrite(key2, Duration.ofSeconds(30));
    cluster.awaitWrite(key3, Duration.ofSeconds(10));
    // Past several renewals of the 3 s pause: the fence stays down while the region is still cut off.
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
    assertThat(cluster.write(key1, 2)).isTrue();
    assertThat(cluster.write(key3, 2)).as("region-3's own primary").isTrue();
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
    String key = keyInSlots(0, 5461);
    assertThat(cluster.write(key, 1)).isTrue();
    long killedAt = System.nanoTime();
    ProcessHandle.of(pidsJson.getJsonObject("region-1").getJsonArray("redis").getLong(0)).orElseThrow()
        .destroyForcibly();
    long firstWriteNanos = cluster.awaitWrite(key, Duration.ofSeconds(30));
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
    String metrics = scrape(leaderPort);
    assertThat(metrics.lines().filter(l -> l.startsWith("meridian_failovers_total{") && l.contains("kind=\"dead_primary\"")
        && l.contains("result=\"succeeded\"")).toList()).singleElement().asString().matches(".* 1(\\.0)?");
    assertThat(metrics.lines().filter(l -> l.startsWith("meridian_failover_detection_seconds_count")).toList())
        .singleElement().asString().matches(".* 1(\\.0)?");

    // 2. kill only the agent of region-2: its nodes go stale, nobody is promoted.
    int commandsBefore = cluster.commands();
    ProcessHandle.of(pidsJson.getJsonObject("region-2").getLong("agent")).orElseThrow().destroyForcibly();
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
        assertThat(get(apiPort, "/api/v1/cluster").getJsonObject("summary").getLong("stale")).isEqualTo(3));
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    assertThat(cluster.commands()).as("no command for a silent agent").isEqualTo(commandsBefore);
    assertThat(cluster.write(key, 2)).isTrue();

    // 3. kill -9 the leader coordinator; a new one is elected with a higher term and handles the next crash.
    String leaderRegion = leader.getString("region");
    ProcessHandle.of(pidsJson.getJsonObject(leaderRegion).getLong("coordinator")).orElseThrow().destroyForcibly();
    int survivor = leaderRegion.equals("region-1") ? 1 : 0;
    long leaderKilledAt = System.nanoTime();
    JsonObject next = awaitLeader(apiPort + survivor, firstTerm);
    System.out.printf("new leader %s (term %d, was %d) %d ms after kill -9 of the leader%n", next.getString("leader"),
        next.getLong("term"), firstTerm, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leaderKilledAt));
    String region3Primary = "127.0.0.1:" + (basePort + 6);
    String key3 = keyInSlots(10923, 16383);
    ProcessHandle.of(pidsJson.getJsonObject("region-3").getJsonArray("redis").getLong(0)).orElseThrow()
        .destroyForcibly();
    cluster.awaitWrite(key3, Duration.ofSeconds(30));
    int newLeaderPort = apiPort + regionIndex(next);
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
        assertThat(get(newLeaderPort, "/api/v1/history").getJsonArray("entries").stream()
            .map(e -> (JsonObject) e)
            .filter(e -> e.getString("text").startsWith("FAILOVER_FORCE on ") && e.getString("shard").equals("10923-16383")))
            .anyMatch(e -> e.getLong("term") == next.getLong("term") && e.getString("text").contains("executed")));
  }


  /** A coordinator's /metrics, over HTTP/1.1 (the JDK client's h2c upgrade is not for a Prometheus endpoint). */
  private static String scrape(int port) throws Exception {
    return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
        .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The value of {@code meridian_cp_quorum} in a coordinator's /metrics ("1" or "0"). */
  private static String cpQuorum(int port) throws Exception {
    String metrics = scrape(port);
    String line = metrics.lines().filter(l -> l.startsWith("meridian_cp_quorum")).findFirst()
        .orElseThrow(() -> new AssertionError("no meridian_cp_quorum in /metrics"));
    return line.substring(line.lastIndexOf(' ') + 1).replace(".0", "");
  }
}
