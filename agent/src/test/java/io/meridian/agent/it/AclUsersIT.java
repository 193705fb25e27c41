package io.meridian.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.agent.admin.AdminCommandException;
import io.meridian.agent.admin.Bootstrap;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.admin.Resharding;
import io.meridian.agent.command.Promotion;
import io.meridian.agent.probe.NodeProbe;
import io.meridian.agent.probe.ProbeResources;
import io.meridian.agent.probe.ProbeResult;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.agent.redis.InfoText;
import io.meridian.messages.KeySlot;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.config.Secret;
import io.meridian.runtime.process.RedisServerProcess;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given six real nodes with exactly the ACL users docs/concepts/security.md documents (taken from
 * that page), when Meridian forms the cluster as the {@code meridian} user with replication as the
 * {@code replica} user, then every replica syncs, and probing, fencing, resharding and a takeover
 * all work as {@code meridian}, which still cannot read a value.
 */
class AclUsersIT {

  private static final Path SECURITY_DOC = Path.of("..", "docs", "concepts", "security.md");

  @TempDir
  Path dir;
  private final List<RedisServerProcess> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.stop(Duration.ofSeconds(5)));
    servers.forEach(s -> assertThat(s.isAlive()).isFalse());
  }

  @Test
  void meridianFormsProbesFencesReshardsAndPromotesAsTheDocumentedLeastPrivilegeUsers() throws Exception {
    List<String> nodes = BootstrapIT.start(dir, servers, 6, Map.of());
    String meridianPassword = "meridian-" + System.nanoTime();
    String replicaPassword = "replica-" + System.nanoTime();
    List<String> acl = documentedAcl();
    assertThat(acl).as("the ACL lines of %s", SECURITY_DOC).hasSize(2);
    for (String node : nodes) {
      // The default user stays on, as an application's would: the data below is written through it.
      try (NodeAdmin admin = new NodeAdmin(node, RedisAuth.none(), Duration.ofSeconds(5))) {
        for (String line : acl) {
          String[] words = line.replace("<meridian-password>", meridianPassword)
              .replace("<replication-password>", replicaPassword).split(" +");
          assertThat(admin.call(words[0], Arrays.copyOfRange(words, 1, words.length, Object[].class))).isEqualTo("OK");
        }
      }
    }
    RedisAuth meridian = new RedisAuth(Optional.of("meridian"), Optional.of(new Secret(meridianPassword)),
        Optional.of(new RedisAuth.Replication(Optional.of("replica"), new Secret(replicaPassword))));

    Bootstrap.Result formed = new Bootstrap(meridian, Duration.ofSeconds(40), false, line -> { })
        .run(BootstrapIT.sixNodes(nodes));
    assertThat(formed.changes()).anyMatch(c -> c.contains("masteruser=replica"));
    Awaitility.await("every node ok and every replica's link up, as the meridian user").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> nodes.stream().allMatch(n -> {
          try (NodeAdmin admin = new NodeAdmin(n, meridian, Duration.ofSeconds(2))) {
            return admin.clusterInfo().contains("cluster_state:ok")
                && !admin.info("replication").contains("master_link_status:down");
          }
        }));

    try (NodeAdmin admin = new NodeAdmin(nodes.get(0), meridian, Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> admin.call("GET", "any")).as("meridian reads no value")
          .isInstanceOf(AdminCommandException.class).hasMessageContaining("NOPERM");
      // The write fence and the leader's hold.
      assertThat(admin.call("CLIENT", "PAUSE", 500, "WRITE")).isEqualTo("OK");
      assertThat(admin.call("CLIENT", "UNPAUSE")).isEqualTo("OK");
    }

    Vertx vertx = Vertx.vertx();
    ProbeResources resources = new ProbeResources();
    try {
      Context context = vertx.getOrCreateContext();
      for (String node : List.of(nodes.get(0), nodes.get(3))) {
        NodeProbe probe = new NodeProbe(node, context, resources, Duration.ofSeconds(1), meridian);
        Promise<ProbeResult> result = Promise.promise();
        context.runOnContext(v -> probe.probe().onComplete(result));
        ProbeResult probed = result.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        context.runOnContext(v -> probe.close());
        assertThat(probed.failure()).as("probe of %s", node).isEmpty();
        // Every part of the round answered: INFO, CLUSTER INFO and NODES, and CONFIG GET of the owned settings.
        assertThat(probed.state()).as("probe of %s", node).hasValueSatisfying(s -> {
          assertThat(s.clusterState()).contains("ok");
          assertThat(s.clusterNodeId()).isPresent();
          assertThat(s.settings()).containsEntry("cluster-node-timeout", "5000");
          if (node.equals(nodes.get(0))) {
            assertThat(s.role()).isEqualTo(io.meridian.messages.RedisState.Role.PRIMARY);
            assertThat(s.slotCount()).isEqualTo(io.meridian.messages.SlotRange.split(3).get(0).size());
          } else {
            assertThat(s.role()).isEqualTo(io.meridian.messages.RedisState.Role.REPLICA);
            assertThat(s.masterLinkUp()).contains(true);
          }
        });
      }
    } finally {
      resources.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    // Resharding: ten keys of one slot move with MIGRATE from their primary to another.
    int slot = KeySlot.of("{acl}");
    List<io.meridian.messages.SlotRange> ranges = io.meridian.messages.SlotRange.split(3);
    int shard = 0;
    while (slot > ranges.get(shard).to()) {
      shard++;
    }
    String owner = nodes.get(shard);
    String target = nodes.get(owner.equals(nodes.get(0)) ? 1 : 0);
    try (NodeAdmin app = new NodeAdmin(owner, RedisAuth.none(), Duration.ofSeconds(5))) {
      for (int i = 0; i < 10; i++) {
        app.call("SET", "{acl}:" + i, "v" + i);
      }
    }
    String targetId;
    try (NodeAdmin admin = new NodeAdmin(target, meridian, Duration.ofSeconds(5))) {
      targetId = ClusterNodesReply.parse(admin.clusterNodes()).myself().id();
    }
    Resharding.Moved moved = new Resharding(meridian, Duration.ofSeconds(10), 100, line -> { })
        .moveOwned(new Resharding.Node(owner, owner), new Resharding.Node(target, target), targetId, List.of(slot));
    assertThat(moved.keys()).isEqualTo(10);
    try (NodeAdmin app = new NodeAdmin(target, RedisAuth.none(), Duration.ofSeconds(5))) {
      assertThat(app.call("GET", "{acl}:7")).isEqualTo("v7");
    }

    // A takeover of the third shard once its primary is gone.
    servers.get(2).kill();
    try (NodeAdmin replica = new NodeAdmin(nodes.get(5), meridian, Duration.ofSeconds(5))) {
      assertThat(new Promotion().takeover(replica).detail()).contains("primary after");
      assertThat(InfoText.parse(replica.info("replication")).get("role")).contains("master");
    }
  }

  /** The {@code ACL SETUSER} lines of the security page's code block. */
  private static List<String> documentedAcl() throws Exception {
    return Files.readAllLines(SECURITY_DOC).stream().filter(l -> l.startsWith("ACL SETUSER ")).toList();
  }
}
