package io.meridian.cli.it;

import static io.meridian.cli.it.DemoCluster.awaitLeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.runtime.process.RedisBinary;
import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.testing.FreePorts;
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
 * Given the demo (performance, 3 regions × 3 nodes) and a spec that lists one more node per
 * region: {@code meridian add-node} joins them (the first as a new primary that receives an even
 * share of slots by live resharding, the others as its replicas) under a continuous write load,
 * with no acknowledged write lost and {@code check} clean, even when the first run is killed in the
 * middle of resharding and run again; {@code remove-node} takes them out again.
 */
class ScalingIT {

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
  void aNodePerRegionIsAddedWithLiveReshardingUnderLoadAndRemovedAgain() throws Exception {
    cluster = DemoCluster.start(state, "performance");
    awaitLeader(cluster.apiPort, 0);
    int port = FreePorts.redisPortRange(3);
    RedisBinary redis = RedisBinary.locate();
    List<String> added = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      extra.add(RedisServerProcess.start(redis, state.resolve("extra").resolve(Integer.toString(port + i)), port + i,
          cluster.nodeSettings(), Duration.ofSeconds(10)));
      added.add("127.0.0.1:" + (port + i));
    }
    Path original = state.resolve("demo").resolve("spec.yaml");
    String yaml = Files.readString(original);
    StringBuilder grown = new StringBuilder();
    int region = 0;
    for (String line : yaml.split("\n", -1)) {
      grown.append(line.startsWith("    nodes: [") ? line.replace("]", ", " + added.get(region++) + "]") : line)
          .append('\n');
    }
    assertThat(region).isEqualTo(3);
    Path spec = state.resolve("spec-12.yaml");
    Files.writeString(spec, grown.toString());

    DemoCluster.Run reliability = cluster.meridian(Map.of(), "add-node", "--spec", reliabilitySpec(grown.toString()),
        "--node", added.get(0));
    assertThat(reliability.exit()).isEqualTo(2);
    assertThat(reliability.output()).contains("the reliability topology does not scale");

    List<String> keys = DemoCluster.keysInSlots(0, 16383, 300);
    DemoCluster.Writer writer = cluster.writer(keys);
    // Interrupted (kill -9) in the middle of resharding, then run again: it finishes the job.
    Path interrupted = state.resolve("interrupted.out");
    Process first = cluster.spawn(interrupted, Map.of(), "add-node", "--spec", spec.toString(), "--node", added.get(0));
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
        .until(() -> Files.readString(interrupted).contains("moved ") || !first.isAlive());
    assertThat(first.isAlive()).as("add-node ended before moving a slot:%n%s", Files.readString(interrupted)).isTrue();
    first.destroyForcibly().waitFor();
    System.out.printf("add-node %s killed mid-way:%n%s%n", added.get(0), Files.readString(interrupted));
    for (String node : added) {
      long t0 = System.nanoTime();
      DemoCluster.Run run = cluster.meridian(Map.of(), "add-node", "--spec", spec.toString(), "--node", node);
      System.out.printf("add-node %s (%d ms):%n%s%n", node, (System.nanoTime() - t0) / 1_000_000, run.output());
      assertThat(run.exit()).as(run.output()).isZero();
    }
    DemoCluster.Run check = cluster.meridian(Map.of(), "check", "--spec", spec.toString());
    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(slotsOf(added.get(0))).isBetween(4095, 4096);
    writer.stopAndVerify();

    DemoCluster.Writer again = cluster.writer(keys);
    for (String node : List.of(added.get(2), added.get(1), added.get(0))) {
      long t0 = System.nanoTime();
      DemoCluster.Run run = cluster.meridian(Map.of(), "remove-node", "--spec", spec.toString(), "--node", node);
      System.out.printf("remove-node %s (%d ms):%n%s%n", node, (System.nanoTime() - t0) / 1_000_000, run.output());
      if (run.exit() == 1) {
        // Seen once: the node turned replica just before its last slots moved; the documented recovery is to run again.
        run = cluster.meridian(Map.of(), "remove-node", "--spec", spec.toString(), "--node", node);
        System.out.printf("remove-node %s, run again:%n%s%n", node, run.output());
      }
      assertThat(run.exit()).as(run.output()).isZero();
    }
    DemoCluster.Run back = cluster.meridian(Map.of(), "check", "--spec", original.toString());
    assertThat(back.exit()).as(back.output()).isZero();
    again.stopAndVerify();
  }

  private String reliabilitySpec(String performance) throws Exception {
    Path file = state.resolve("spec-reliability.yaml");
    Files.writeString(file, performance.replace("topology: performance", "topology: reliability")
        .replaceAll("(?m)^replicasPerPrimary: .*\n", ""));
    return file.toString();
  }

  private int slotsOf(String node) {
    try (NodeAdmin admin = new NodeAdmin(node, cluster.auth(), Duration.ofSeconds(5))) {
      return io.meridian.agent.redis.ClusterNodesReply.parse(admin.clusterNodes()).myself().slotCount();
    }
  }
}
