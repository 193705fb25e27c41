package io.meridian.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.agent.admin.NodeAdmin;
import io.vertx.core.json.JsonObject;
import io.meridian.runtime.process.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given the demo, on its defaults (every node TLS-only, replication and the cluster bus on
 * TLS, Meridian connecting with a client certificate), then the cluster forms and the check is
 * clean; a plain-TCP client gets no answer from any node; and when a primary is killed, the leader
 * promotes a replica over TLS and writes to its shard resume, with every acknowledged write kept.
 */
class RedisTlsDemoIT {

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  Path state;

  private DemoCluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theWholeClusterRunsOnTlsAndFailsOverOnIt() throws Exception {
    cluster = DemoCluster.start(state, "performance");
    String conf = Files.readString(state.resolve("demo/redis").resolve(cluster.node(0).split(":")[1])
        .resolve("redis.conf"));
    assertThat(conf).contains("port 0\n").contains("tls-port ").contains("tls-replication yes")
        .contains("tls-cluster yes").contains("tls-auth-clients yes");
    for (int i = 0; i < 9; i++) {
      assertThat(RedisServerProcess.pingReply("127.0.0.1",
          Integer.parseInt(cluster.node(i).split(":")[1]), java.util.Optional.empty(), Duration.ofSeconds(1)))
          .as("plain TCP to %s gets no answer at all", cluster.node(i)).isEmpty();
    }
    JsonObject check = DemoCluster.get(cluster.apiPort, "/api/v1/check");
    assertThat(check.getBoolean("clean")).as(check.encode()).isTrue();

    // Node 0 of region 1 is the primary of slots 0-5461.
    List<String> keys = DemoCluster.keysInSlots(0, 5461, 20);
    DemoCluster.Writer writer = cluster.writer(keys);
    await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledged() > 20);
    ProcessHandle.of(cluster.redisPid("region-1", 0)).orElseThrow().destroyForcibly();
    long killed = System.nanoTime();
    long acknowledgedAtKill = writer.acknowledged();
    await("a write acknowledged after the promotion").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(50)).until(() -> writer.acknowledged() > acknowledgedAtKill + 20);
    System.out.printf("writes to the killed primary's shard resumed over TLS within %d ms%n",
        (System.nanoTime() - killed) / 1_000_000);
    writer.stopAndVerify();
    try (NodeAdmin admin = new NodeAdmin(cluster.node(1), cluster.auth(), Duration.ofSeconds(2))) {
      assertThat(admin.call("PING")).isEqualTo("PONG");
    }
  }

}
