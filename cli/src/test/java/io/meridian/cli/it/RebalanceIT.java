package io.meridian.cli.it;

import static io.meridian.cli.it.DemoCluster.awaitLeader;
import static io.meridian.cli.it.DemoCluster.get;
import static io.meridian.cli.it.DemoCluster.nodeAt;
import static io.meridian.cli.it.DemoCluster.primaryOwning;
import static io.meridian.cli.it.DemoCluster.regionIndex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.agent.admin.NodeAdmin;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given the demo (3 regions × 3 nodes, performance, two replicas per primary) under Meridian:
 * a replica moved by hand into its primary's region is moved back by the leader's reconcile loop
 * within 30 s; while paused nothing moves, and {@code meridian rebalance --dry-run} shows the step
 * with its reason.
 */
class RebalanceIT {

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // a failure leaves the logs behind
  Path state;
  private DemoCluster cluster;

  @AfterEach
  void endEverything() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aReplicaMovedByHandIntoItsPrimarysRegionIsMovedBackWithin30Seconds() throws Exception {
    cluster = DemoCluster.start(state, "performance");
    int api = cluster.apiPort;
    JsonObject leader = awaitLeader(api, 0);
    int leaderApi = api + regionIndex(leader);
    String primary = cluster.node(0);
    List<String> replicas = List.of(cluster.node(1), cluster.node(2));
    String primaryId = nodeAt(api, primary).getString("clusterNodeId");
    String token = cluster.operatorToken();
    Map<String, String> env = Map.of("MERIDIAN_OPERATOR_TOKEN", token);

    // 1. Paused: the move by hand stays, the dry run shows the way back, and resuming fixes it.
    String first = replicas.get(0);
    String firstHome = nodeAt(api, first).getString("primary");
    assertThat(cluster.meridian(env, "pause", "--api", cluster.apiUrls()).exit()).isZero();
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
        get(leaderApi, "/api/v1/leader").getBoolean("paused"));
    replicate(first, primaryId);
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
        primary.equals(nodeAt(api, first).getString("primary")) && !get(api, "/api/v1/check").getBoolean("clean"));
    DemoCluster.Run dryRun = cluster.meridian(Map.of(), "rebalance", "--api", "http://127.0.0.1:" + api, "--dry-run");
    System.out.println(dryRun.output());
    assertThat(dryRun.exit()).as(dryRun.output()).isZero();
    assertThat(dryRun.output()).contains("replicas-per-primary")
        .contains("CLUSTER REPLICATE on " + first + " to follow ")
        .contains("nothing was changed");
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    assertThat(nodeAt(api, first).getString("primary")).as("nothing moves while paused").isEqualTo(primary);
    assertThat(cluster.meridian(env, "resume", "--api", cluster.apiUrls()).exit()).isZero();
    long resumedAt = System.nanoTime();
    awaitClean(api, Duration.ofSeconds(30));
    System.out.printf("replica %s moved back to %s %d ms after maintenance mode ended%n", first,
        nodeAt(api, first).getString("primary"), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumedAt));
    assertThat(nodeAt(api, first).getString("primary")).isEqualTo(firstHome);

    // 2. Not paused: the second replica of the region, moved by hand, is back within 30 s.
    String second = replicas.get(1);
    String secondHome = nodeAt(api, second).getString("primary");
    long movedAt = System.nanoTime();
    replicate(second, primaryId);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() ->
        !get(api, "/api/v1/check").getBoolean("clean"));
    awaitClean(api, Duration.ofSeconds(30));
    long backMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - movedAt);
    System.out.printf("replica %s moved back to %s %d ms after it was moved by hand%n", second,
        nodeAt(api, second).getString("primary"), backMs);
    assertThat(nodeAt(api, second).getString("primary")).isEqualTo(secondHome);
    assertThat(backMs).isLessThanOrEqualTo(30_000);
    await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() ->
        assertThat(get(leaderApi, "/api/v1/history").getJsonArray("entries").stream()
            .map(e -> ((JsonObject) e).getString("text")))
            .anyMatch(t -> t.startsWith("REPLICATE on " + second + ": executed"))
            .anyMatch(t -> t.startsWith("move " + second + " (region-1) from " + primary))
            .anyMatch(t -> t.startsWith("done in ") && t.contains("CLUSTER REPLICATE on " + second)));
  }

  @Test
  void aRestartedPrimaryRejoinsAndItsShardFailsBackToTheFirstRegionOnceAcknowledgedWithoutLosingAnAcknowledgedWrite() throws Exception {
    cluster = DemoCluster.start(state, "reliability");
    int api = cluster.apiPort;
    awaitLeader(api, 0);
    String victim = cluster.node(0);
    String key = DemoCluster.keyInSlots(0, 5461);
    assertThat(cluster.write(key, 1)).isTrue();
    ProcessHandle.of(cluster.redisPid("region-1", 0)).orElseThrow().destroyForcibly();
    cluster.awaitWrite(key, Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() ->
        !primaryOwning(api, 0).getString("region").equals("region-1"));
    String promoted = primaryOwning(api, 0).getString("address");

    List<String> keys = new java.util.ArrayList<>(DemoCluster.keysInSlots(0, 5461, 10));
    keys.addAll(DemoCluster.keysInSlots(5462, 16383, 5));
    DemoCluster.Writer writer = cluster.writer(keys);
    long restartedAt = System.nanoTime();
    cluster.restartNode(0);
    // It failed within the anti-flapping window: back as a replica, it gets no automatic failback
    // (that would be Meridian's own back-and-forth) until an operator acknowledges the failover.
    JsonObject leading = awaitLeader(api, 0);
    int leaderApi = api + regionIndex(leading);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
        get(leaderApi, "/api/v1/history").getJsonArray("entries").stream().map(e -> ((JsonObject) e).getString("text"))
            .anyMatch(t -> t.startsWith("anti-flapping: " + victim + " was replaced as the primary of shard 0-5461")));
    assertThat(primaryOwning(api, 0).getString("address")).isEqualTo(promoted);
    // The leader dies (SIGKILL): its successor continues from the memory in the CP group and holds
    // the failback too, instead of forgetting the failover and moving the shard straight back.
    long killedAt = System.nanoTime();
    ProcessHandle.of(cluster.pids.getJsonObject(leading.getString("region")).getLong("coordinator")).orElseThrow()
        .destroyForcibly();
    int survivor = regionIndex(leading) == 0 ? 1 : 0;
    JsonObject successor = awaitLeader(api + survivor, leading.getLong("term"));
    int successorApi = api + regionIndex(successor);
    // The history is shared: only the successor's own entries say what the successor decided.
    String successorId = successor.getString("leader");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
        textsBy(successorApi, successorId)
            .anyMatch(t -> t.startsWith("anti-flapping: " + victim + " was replaced as the primary of shard 0-5461")));
    System.out.printf("leader killed: %s leads (term %d) and holds the failback to %s too, %d ms after the kill%n",
        successor.getString("leader"), successor.getLong("term"), victim,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
    assertThat(primaryOwning(api + survivor, 0).getString("address")).isEqualTo(promoted);
    java.net.http.HttpResponse<String> acknowledged = DemoCluster.send("POST", "http://127.0.0.1:" + successorApi
        + "/api/v1/acknowledge?shard=0-5461", cluster.operatorToken(), "");
    assertThat(acknowledged.statusCode()).as(acknowledged.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
      assertThat(primaryOwning(successorApi, 0).getString("address")).isEqualTo(victim);
      assertThat(get(successorApi, "/api/v1/check").getBoolean("clean")).as("%s", get(successorApi, "/api/v1/check"))
          .isTrue();
    });
    System.out.printf("restarted %s: failback held by anti-flapping, then after the acknowledgement back as the primary "
        + "of 0-5461 (from %s) and check clean %d ms after the restart%n",
        victim, promoted, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt));
    writer.stopAndVerify();
    assertThat(textsBy(successorApi, successorId))
        .anyMatch(t -> t.startsWith("fail shard 0-5461 over to " + victim) && t.contains("failback"))
        .anyMatch(t -> t.startsWith("FAILOVER on " + victim + ": executed") && t.contains("primary after"));
    // The reliability topology does not scale node by node: the leader's API says why, as the CLI does.
    java.net.http.HttpResponse<String> refused = DemoCluster.send("POST", "http://127.0.0.1:" + successorApi
        + "/api/v1/nodes", cluster.operatorToken(), "{\"node\": \"" + victim + "\"}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(refused.body()).contains("the reliability topology does not scale by adding or removing nodes");
  }

  @Test
  void aSwitchoverUnderWriteLoadLosesNoAcknowledgedWriteAndSaysHowLongWritesPaused() throws Exception {
    cluster = DemoCluster.start(state, "performance");
    int api = cluster.apiPort;
    awaitLeader(api, 0);
    String primary = cluster.node(0);
    JsonObject target = get(api, "/api/v1/cluster").getJsonObject("regions").getJsonObject("region-2")
        .getJsonArray("nodes").stream().map(o -> (JsonObject) o).filter(n -> primary.equals(n.getString("primary")))
        .findFirst().orElseThrow();
    Map<String, String> env = Map.of("MERIDIAN_OPERATOR_TOKEN", cluster.operatorToken());
    String url = cluster.apiUrls();

    DemoCluster.Run badShard = cluster.meridian(env, "switchover", "--api", url, "--shard", "first");
    assertThat(badShard.exit()).as(badShard.output()).isEqualTo(2);
    assertThat(badShard.output()).contains("answered 400: shard must be a primary's node id");
    DemoCluster.Run notAReplica = cluster.meridian(env, "switchover", "--api", url, "--shard", "0", "--to", cluster.node(1));
    assertThat(notAReplica.exit()).as(notAReplica.output()).isEqualTo(2);
    assertThat(notAReplica.output()).contains("is not a replica of " + primary);
    DemoCluster.Run noToken = cluster.meridian(Map.of(), "switchover", "--api", url, "--shard", "0");
    assertThat(noToken.exit()).isEqualTo(2);
    assertThat(primaryOwning(api, 0).getString("address")).as("refusals change nothing").isEqualTo(primary);

    List<String> keys = DemoCluster.keysInSlots(0, 5461, 20);
    DemoCluster.Writer writer = cluster.writer(keys);
    await().atMost(Duration.ofSeconds(30)).until(() -> writer.acknowledged() > 2 * keys.size());
    DemoCluster.Run switched = cluster.meridian(env, "switchover", "--api", url, "--shard", "0", "--to",
        target.getString("address"));
    System.out.println(switched.output());
    assertThat(switched.exit()).as(switched.output()).isZero();
    assertThat(switched.output()).containsPattern("switchover: shard 0-5461 is served by " + target.getString("address")
        + " now \\(was " + primary + "\\); writes paused at most \\d+ ms");
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
        primaryOwning(api, 0).getString("address").equals(target.getString("address")));
    // The rebalancer does not move it straight back: an operator's switchover holds failback.
    await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(primaryOwning(api, 0).getString("address")).isEqualTo(target.getString("address"));
    writer.stopAndVerify();

    // The leader dies (SIGKILL): its successor reads the operator's hold from the CP group and
    // leaves the shard where the operator put it, instead of failing it back at once.
    JsonObject leading = awaitLeader(api, 0);
    String heldUntil = get(api + regionIndex(leading), "/api/v1/rebalance").getJsonObject("held").getString("0-5461");
    assertThat(heldUntil).as("the leader shows the operator's hold").isNotNull();
    ProcessHandle.of(cluster.pids.getJsonObject(leading.getString("region")).getLong("coordinator")).orElseThrow()
        .destroyForcibly();
    int survivorApi = api + (regionIndex(leading) == 0 ? 1 : 0);
    JsonObject successor = awaitLeader(survivorApi, leading.getLong("term"));
    await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(9)).until(() -> true);
    assertThat(primaryOwning(survivorApi, 0).getString("address")).as("held across the handover to %s",
        successor.getString("leader")).isEqualTo(target.getString("address"));
    assertThat(textsBy(survivorApi, successor.getString("leader"))).as("the successor's own decisions")
        .noneMatch(t -> t.startsWith("fail shard 0-5461 over to"));
    int successorApi = api + regionIndex(successor);
    assertThat(get(successorApi, "/api/v1/rebalance").getJsonObject("held").getString("0-5461"))
        .as("the successor holds the shard until the same time").isEqualTo(heldUntil);

    // And back, naming the shard by its primary's node id this time.
    DemoCluster.Run back = cluster.meridian(env, "switchover", "--api", url, "--shard",
        target.getString("clusterNodeId"), "--to", primary);
    assertThat(back.exit()).as(back.output()).isZero();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
        assertThat(get(survivorApi, "/api/v1/check").getBoolean("clean")).isTrue());
  }

  private void replicate(String node, String primaryId) {
    try (NodeAdmin admin = new NodeAdmin(node, cluster.auth(), Duration.ofSeconds(5))) {
      admin.call("CLUSTER", "REPLICATE", primaryId);
    }
  }

  private static void awaitClean(int api, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() ->
        assertThat(get(api, "/api/v1/check").getBoolean("clean")).as("%s", get(api, "/api/v1/check")).isTrue());
  }

  /** The texts of the history entries {@code by} recorded, as the coordinator at {@code port} answers them. */
  private static java.util.stream.Stream<String> textsBy(int port, String by) throws Exception {
    return get(port, "/api/v1/history").getJsonArray("entries").stream().map(e -> (JsonObject) e)
        .filter(e -> by.equals(e.getString("by"))).map(e -> e.getString("text"));
  }
}
