package io.meridian.cli.it;

import static io.meridian.cli.it.DemoCluster.awaitLeader;
import static io.meridian.cli.it.DemoCluster.get;
import static io.meridian.cli.it.DemoCluster.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.runtime.process.RedisBinary;
import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.testing.FreePorts;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given the demo (performance, 3 regions × 3 nodes), a spec grown by one node per region and
 * reloaded live (SIGHUP, no restart), and the new nodes given to their regions' agents: the leader
 * adds them through {@code POST /api/v1/nodes} ({@code meridian add-node --api}) under a continuous
 * write load, the first as a primary with an even share of slots moved by the source nodes' agents,
 * the others as replicas; every step is in the history; {@code DELETE /api/v1/nodes/…} takes them
 * out again. Malformed, unauthenticated, concurrent and out-of-spec requests are refused with why.
 * A leader killed in the middle of resharding: the new leader resumes the job by itself and finishes
 * it (that a leader losing its lock stops the job at once and says so is {@code ScalingJobsTest}'s).
 */
class ScalingApiIT {

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // a failure leaves the logs behind
  Path state;
  private DemoCluster cluster;
  private final List<RedisServerProcess> extra = new ArrayList<>();

  @AfterEach
  void endEverything() throws Exception {
    extra.forEach(s -> s.stop(Duration.ofSeconds(5)));
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aNodePerRegionIsAddedAndRemovedThroughTheLeaderUnderLoad() throws Exception {
    cluster = DemoCluster.start(state, "performance");
    JsonObject leader = awaitLeader(cluster.apiPort, 0);
    String api = leader.getString("apiUrl");
    String token = cluster.operatorToken();
    Map<String, String> env = Map.of("MERIDIAN_OPERATOR_TOKEN", token);
    int port = FreePorts.redisPortRange(3);
    RedisBinary redis = RedisBinary.locate();
    List<String> added = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      extra.add(RedisServerProcess.start(redis, state.resolve("extra").resolve(Integer.toString(port + i)), port + i,
          cluster.nodeSettings(), Duration.ofSeconds(10)));
      added.add("127.0.0.1:" + (port + i));
    }

    // Refused with the reason, before anything is touched.
    String body = "{\"node\": \"" + added.get(0) + "\"}";
    assertRefused(send("POST", api + "/api/v1/nodes", null, body), 401, "");
    assertRefused(send("POST", api + "/api/v1/nodes", token, "{not json"), 400, "JSON");
    assertRefused(send("POST", api + "/api/v1/nodes", token, "{\"node\": \"" + added.get(0) + "\", \"role\": \"boss\"}"),
        400, "\"role\" must be auto, primary or replica");
    assertRefused(send("POST", api + "/api/v1/nodes", token, body), 422, added.get(0) + " is not in the spec");
    assertRefused(send("DELETE", api + "/api/v1/nodes/127.0.0.1:1", token, null), 422, "is not in the spec");
    DemoCluster.Run notInSpec = cluster.meridian(env, "add-node", "--api", api, "--node", added.get(0));
    assertThat(notInSpec.exit()).as(notInSpec.output()).isEqualTo(2);
    assertThat(notInSpec.output()).contains("is not in the spec");

    // The spec grows live (no restart), and each region's agent takes its new node.
    Path specFile = state.resolve("demo").resolve("spec.yaml");
    String original = Files.readString(specFile);
    Files.writeString(specFile, grow(original, "    nodes: [", added));
    Map<Path, String> agentConfigs = new java.util.LinkedHashMap<>();
    for (int r = 0; r < 3; r++) {
      Path file = state.resolve("demo").resolve("config").resolve("agent-region-" + (r + 1) + ".yaml");
      agentConfigs.put(file, Files.readString(file));
      Files.writeString(file, Files.readString(file).replaceFirst("(?m)^nodes: \\[(.*)]$", "nodes: [$1, "
          + added.get(r) + "]"));
    }
    reloadAll();
    try {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
        for (int i = 0; i < 3; i++) {
          assertThat(get(cluster.apiPort + i, "/api/v1/check").getInteger("specNodes")).as("coordinator " + (i + 1))
              .isEqualTo(12);
        }
        for (String node : added) {
          DemoCluster.nodeAt(cluster.apiPort, node);
        }
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // What the processes said about the reload: the one place that can tell why it did not take.
      StringBuilder said = new StringBuilder();
      try (var logs = Files.list(state.resolve("demo").resolve("logs"))) {
        for (Path log : logs.sorted().toList()) {
          Files.readAllLines(log).stream().filter(l -> l.contains("SIGHUP") || l.contains("reload")
              || l.contains("spec in force")).forEach(l -> said.append(log.getFileName()).append(": ").append(l)
              .append('\n'));
        }
      }
      throw new AssertionError(e.getMessage() + "\nreload lines in the logs:\n" + said, e);
    }

    List<String> keys = DemoCluster.keysInSlots(0, 16383, 300);
    DemoCluster.Writer writer = cluster.writer(keys);
    long t0 = System.nanoTime();
    Path firstOut = state.resolve("add-first.out");
    Process first = cluster.spawn(firstOut, env, "add-node", "--api", api, "--node", added.get(0));
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> Files.readString(firstOut).contains("MIGRATE_SLOTS on") || !first.isAlive());
    HttpResponse<String> busy = send("POST", api + "/api/v1/nodes", token, "{\"node\": \"" + added.get(1) + "\"}");
    assertRefused(busy, 409, "a scaling job is running");
    assertThat(new JsonObject(busy.body()).getString("runningJob")).isNotBlank();

    // The leader dies mid-resharding (SIGKILL): its job dies with it, and the operator's command with nobody to follow.
    long killed = cluster.pids.getJsonObject(leader.getString("region")).getLong("coordinator");
    int other = cluster.apiPort + (DemoCluster.regionIndex(leader) + 1) % 3;
    // Every coordinator from here on, the dead leader's first: the command skips what does not answer.
    ProcessHandle.of(killed).orElseThrow().destroyForcibly();
    long killedAt = System.nanoTime();
    first.destroyForcibly().waitFor();
    JsonObject successor = awaitLeader(other, leader.getLong("term"));
    System.out.printf("leader %s killed; %s leads %d ms later (term %d)%n", leader.getString("leader"),
        successor.getString("leader"), (System.nanoTime() - killedAt) / 1_000_000, successor.getLong("term"));
    System.out.printf("add-node --api %s until the leader was killed (%d ms):%n%s%n", added.get(0),
        (System.nanoTime() - t0) / 1_000_000, Files.readString(firstOut));
    assertThat(Files.readString(firstOut)).contains("MEET on ").contains("MIGRATE_SLOTS on ");

    // The new leader reads the jobs from the CP group and resumes the one left running, by itself:
    // the same job id, now under its term, and it finishes.
    java.util.regex.Matcher idOf = java.util.regex.Pattern.compile("job (\\w+) started on the leader")
        .matcher(Files.readString(firstOut));
    assertThat(idOf.find()).as(Files.readString(firstOut)).isTrue();
    String jobId = idOf.group(1);
    int successorPort = cluster.apiPort + DemoCluster.regionIndex(successor);
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() ->
        assertThat(get(successorPort, "/api/v1/jobs/" + jobId).getString("state")).isEqualTo("done"));
    JsonObject finished = get(successorPort, "/api/v1/jobs/" + jobId);
    System.out.printf("job %s resumed and finished by %s: %s%n", jobId, successor.getString("leader"),
        finished.getString("result"));
    assertThat(finished.getLong("term")).isEqualTo(successor.getLong("term"));
    assertThat(finished.getJsonArray("progress").stream().map(l -> ((JsonObject) l).getString("text")))
        .anyMatch(t -> t.startsWith("resumed by the new leader (term " + successor.getLong("term") + ")"))
        .anyMatch(t -> t.startsWith("resharding done"));
    // Running the command again is harmless: what is done is skipped.
    DemoCluster.Run resumed = null;
    // Should leadership move once more meanwhile, the run follows the job to the next leader.
    for (int attempt = 0; attempt < 3 && (resumed == null || resumed.exit() == 1); attempt++) {
      resumed = cluster.meridian(env, "add-node", "--api", cluster.apiUrls(), "--node", added.get(0));
      System.out.printf("add-node --api %s run again (%d ms since the first start):%n%s%n", added.get(0),
          (System.nanoTime() - t0) / 1_000_000, resumed.output());
    }
    assertThat(resumed.exit()).as(resumed.output()).isZero();
    assertThat(resumed.output()).contains("as a primary").contains("resharding done: 0 slots moved");
    for (String node : added.subList(1, 3)) {
      long t1 = System.nanoTime();
      DemoCluster.Run run = cluster.meridian(env, "add-node", "--api", cluster.apiUrls(), "--node", node);
      System.out.printf("add-node --api %s (%d ms):%n%s%n", node, (System.nanoTime() - t1) / 1_000_000, run.output());
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(run.output()).contains("as a replica");
    }
    assertThat(slotsOf(added.get(0))).isBetween(4095, 4096);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      DemoCluster.Run check = cluster.meridian(Map.of(), "check", "--spec", specFile.toString());
      assertThat(check.exit()).as(check.output()).isZero();
    });
    writer.stopAndVerify();
    List<String> history = historyTexts();
    assertThat(history)
        .anyMatch(t -> t.startsWith("CONFIGURE on " + added.get(0) + ": executed"))
        .anyMatch(t -> t.contains("batch 1/") && t.contains(" to " + added.get(0) + " for even shares over 4 primaries"))
        .anyMatch(t -> t.startsWith("MIGRATE_SLOTS on ") && t.contains("executed") && t.contains("keys) to " + added.get(0)))
        .anyMatch(t -> t.startsWith("REPLICATE on " + added.get(1) + ": executed"))
        .anyMatch(t -> t.contains("add-node " + added.get(2) + " done: added " + added.get(2) + " as a replica"));
    List<String> jobs = new ArrayList<>();
    for (int i : alive()) {
      get(cluster.apiPort + i, "/api/v1/jobs").getJsonArray("jobs").forEach(j -> jobs.add(((JsonObject) j)
          .getString("operation") + " " + ((JsonObject) j).getString("node") + " " + ((JsonObject) j).getString("state")));
    }
    assertThat(jobs).contains("add-node " + added.get(0) + " done",
        "add-node " + added.get(1) + " done", "add-node " + added.get(2) + " done");

    DemoCluster.Writer again = cluster.writer(keys);
    for (String node : List.of(added.get(2), added.get(1), added.get(0))) {
      long t1 = System.nanoTime();
      DemoCluster.Run run = cluster.meridian(env, "remove-node", "--api", cluster.apiUrls(), "--node", node);
      System.out.printf("remove-node --api %s (%d ms):%n%s%n", node, (System.nanoTime() - t1) / 1_000_000, run.output());
      assertThat(run.exit()).as(run.output()).isZero();
    }
    assertThat(historyTexts())
        .anyMatch(t -> t.startsWith("MIGRATE_SLOTS on " + added.get(0) + ": executed"))
        .anyMatch(t -> t.startsWith("RESET_SOFT on " + added.get(0) + ": executed"))
        .anyMatch(t -> t.startsWith("FORGET on ") && t.contains(": executed"));
    // Back to the original spec and agents, live again.
    Files.writeString(specFile, original);
    for (Map.Entry<Path, String> e : agentConfigs.entrySet()) {
      Files.writeString(e.getKey(), e.getValue());
    }
    reloadAll();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      DemoCluster.Run back = cluster.meridian(Map.of(), "check", "--spec", specFile.toString());
      assertThat(back.exit()).as(back.output()).isZero();
    });
    again.stopAndVerify();
  }

  private void reloadAll() throws Exception {
    for (String region : cluster.pids.fieldNames()) {
      long coordinator = cluster.pids.getJsonObject(region).getLong("coordinator");
      if (ProcessHandle.of(coordinator).map(ProcessHandle::isAlive).orElse(false)) {
        DemoCluster.reload(coordinator);
      }
      DemoCluster.reload(cluster.pids.getJsonObject(region).getLong("agent"));
    }
  }

  /** The indexes (0-2) of the coordinators still running. */
  private List<Integer> alive() {
    List<Integer> alive = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long pid = cluster.pids.getJsonObject("region-" + (i + 1)).getLong("coordinator");
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        alive.add(i);
      }
    }
    return alive;
  }

  private static String grow(String yaml, String prefix, List<String> added) {
    StringBuilder grown = new StringBuilder();
    int region = 0;
    for (String line : yaml.split("\n", -1)) {
      grown.append(line.startsWith(prefix) ? line.replace("]", ", " + added.get(region++) + "]") : line).append('\n');
    }
    assertThat(region).isEqualTo(3);
    return grown.substring(0, grown.length() - 1);
  }

  private static void assertRefused(HttpResponse<String> response, int status, String text) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(new JsonObject(response.body()).getString("error")).isNotBlank().contains(text);
  }

  /** The history as every coordinator that is alive answers it (shared: the same entries each time). */
  private List<String> historyTexts() throws Exception {
    List<String> texts = new ArrayList<>();
    for (int i : alive()) {
      get(cluster.apiPort + i, "/api/v1/history").getJsonArray("entries")
          .forEach(e -> texts.add(((JsonObject) e).getString("text")));
    }
    return texts;
  }


  private int slotsOf(String node) {
    try (NodeAdmin admin = new NodeAdmin(node, cluster.auth(), Duration.ofSeconds(5))) {
      return io.meridian.agent.redis.ClusterNodesReply.parse(admin.clusterNodes()).myself().slotCount();
    }
  }
}
