package io.meridian.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.agent.admin.Bootstrap;
import io.meridian.agent.admin.BootstrapPlan;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.messages.SlotRange;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.config.Secret;
import io.meridian.runtime.process.RedisBinary;
import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bootstrap against real, empty (or deliberately not empty) redis-server nodes. */
class BootstrapIT {

  private static final Map<String, String> SETTINGS = Map.of("cluster-node-timeout", "5000",
      "cluster-replica-no-failover", "yes", "min-replicas-to-write", "0");

  @TempDir
  Path dir;
  private final List<RedisServerProcess> servers = new ArrayList<>();
  private final List<String> progress = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.stop(Duration.ofSeconds(5)));
    servers.forEach(s -> assertThat(s.isAlive()).isFalse());
  }

  private List<String> start(int count, Map<String, String> extra) throws Exception {
    return start(dir, servers, count, extra);
  }

  /** {@code count} empty cluster-mode redis-servers on free ports under {@code dir}, added to {@code servers}. */
  static List<String> start(Path dir, List<RedisServerProcess> servers, int count, Map<String, String> extra)
      throws Exception {
    RedisBinary redis = RedisBinary.locate();
    int base = FreePorts.redisPortRange(count);
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, String> settings = new LinkedHashMap<>(RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5)));
      settings.putAll(extra);
      RedisServerProcess s = RedisServerProcess.start(redis, dir.resolve("n" + (base + i)), base + i, settings,
          Duration.ofSeconds(10));
      servers.add(s);
      addresses.add(s.address());
    }
    return addresses;
  }

  private Bootstrap bootstrap(RedisAuth auth, boolean force) {
    return new Bootstrap(auth, Duration.ofSeconds(40), force, progress::add);
  }

  /** Three primaries with a replica each: n0,n1,n2 primaries; n3→n0, n4→n1, n5→n2. */
  /** Six nodes started and formed into three primaries with a replica each, every node seeing cluster_state:ok. */
  static List<String> formedSixNodes(Path dir, List<RedisServerProcess> servers, Map<String, String> settings)
      throws Exception {
    List<String> nodes = start(dir, servers, 6, settings);
    new Bootstrap(RedisAuth.none(), Duration.ofSeconds(40), false, line -> { }).run(sixNodes(nodes));
    Awaitility.await("every node to see cluster_state:ok").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> nodes.stream().allMatch(BootstrapIT::clusterOk));
    return nodes;
  }

  static boolean clusterOk(String node) {
    try (NodeAdmin admin = new NodeAdmin(node, RedisAuth.none(), Duration.ofSeconds(5))) {
      return admin.clusterInfo().contains("cluster_state:ok")
          && !admin.info("replication").contains("master_link_status:down");
    }
  }
  static BootstrapPlan sixNodes(List<String> n) {
    List<SlotRange> ranges = SlotRange.split(3);
    Map<String, SlotRange> primaries = new LinkedHashMap<>();
    Map<String, String> replicas = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      primaries.put(n.get(i), ranges.get(i));
      replicas.put(n.get(i + 3), n.get(i));
    }
    return BootstrapPlan.plain(primaries, replicas, SETTINGS);
  }

  private static ClusterNodesReply view(String node, RedisAuth auth) {
    try (NodeAdmin admin = new NodeAdmin(node, auth, Duration.ofSeconds(5))) {
      return ClusterNodesReply.parse(admin.clusterNodes());
    }
  }

  private static void assertFormedAs(BootstrapPlan plan, String from, RedisAuth auth) {
    ClusterNodesReply view = view(from, auth);
    plan.primaries().forEach((primary, range) -> {
      ClusterNodesReply.Entry e = view.byAddress(primary).orElseThrow();
      assertThat(e.isPrimary()).isTrue();
      assertThat(e.slotText()).containsExactly(range.toString());
    });
    plan.replicaOf().forEach((replica, primary) -> {
      ClusterNodesReply.Entry e = view.byAddress(replica).orElseThrow();
      assertThat(e.isReplica()).isTrue();
      assertThat(e.masterId()).contains(view.byAddress(primary).orElseThrow().id());
    });
  }

  @Test
  void givenEmptyNodesWhenBootstrappedTwiceThenTheSecondRunChangesNothing() throws Exception {
    List<String> nodes = start(6, Map.of());
    BootstrapPlan plan = sixNodes(nodes);

    Bootstrap.Result first = bootstrap(RedisAuth.none(), false).run(plan);
    assertThat(first.changes()).anyMatch(c -> c.contains("took slots 0-5461"))
        .anyMatch(c -> c.contains(nodes.get(3) + " follows " + nodes.get(0)))
        .anyMatch(c -> c.contains("cluster-replica-no-failover=yes"));
    assertFormedAs(plan, nodes.get(5), RedisAuth.none());
    System.out.printf("bootstrap of 3 primaries + 3 replicas took %d ms%n", first.took().toMillis());

    Bootstrap.Result second = bootstrap(RedisAuth.none(), false).run(plan);
    assertThat(second.changes()).isEmpty();
    assertThat(second.keptAsIs()).isEmpty();
    assertThat(second.changedNothing()).isTrue();
  }

  @Test
  void givenABootstrappedClusterWhenEveryPrimaryDiesAndEachReplicaTakesOverThenEveryNodeAgreesOnTheNewOwners()
      throws Exception {
    // Each node gets an epoch of its own: a replica left with its primary's epoch would claim the
    // slots at an epoch the survivors already credit to the dead primary, and they would keep it.
    List<String> nodes = start(6, Map.of());
    BootstrapPlan plan = sixNodes(nodes);
    Bootstrap.Result formed = bootstrap(RedisAuth.none(), false).run(plan);
    assertThat(formed.changes()).contains("gave 6 new nodes config epochs 1-6, one each");
    Awaitility.await("every node to see cluster_state:ok").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> nodes.stream().allMatch(BootstrapIT::clusterOk));

    servers.subList(0, 3).forEach(RedisServerProcess::kill);
    for (String replica : nodes.subList(3, 6)) {
      try (NodeAdmin admin = new NodeAdmin(replica, RedisAuth.none(), Duration.ofSeconds(5))) {
        assertThat(admin.call("CLUSTER", "FAILOVER", "TAKEOVER")).isEqualTo("OK");
      }
    }
    List<SlotRange> ranges = SlotRange.split(3);
    Awaitility.await("every survivor to credit each range to its new primary").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
          for (String from : nodes.subList(3, 6)) {
            ClusterNodesReply view = view(from, RedisAuth.none());
            for (int i = 0; i < 3; i++) {
              assertThat(view.byAddress(nodes.get(3 + i)).orElseThrow().slotText()).as("%s's view", from)
                  .containsExactly(ranges.get(i).toString());
            }
          }
        });
  }

  @Test
  void givenAHalfFormedClusterWhenBootstrappedThenItIsCompleted() throws Exception {
    List<String> nodes = start(6, Map.of());
    BootstrapPlan plan = sixNodes(nodes);
    // An earlier run that stopped half-way: two nodes met, the first primary got part of its slots.
    try (NodeAdmin n0 = new NodeAdmin(nodes.get(0), RedisAuth.none(), Duration.ofSeconds(5));
        NodeAdmin n3 = new NodeAdmin(nodes.get(3), RedisAuth.none(), Duration.ofSeconds(5))) {
      n3.call("CLUSTER", "MEET", "127.0.0.1", servers.get(0).port());
      n0.call("CLUSTER", "ADDSLOTSRANGE", 0, 1000);
    }
    Bootstrap.Result result = bootstrap(RedisAuth.none(), false).run(plan);
    assertThat(result.changes()).anyMatch(c -> c.equals(nodes.get(0) + " took slots 1001-5461"));
    assertFormedAs(plan, nodes.get(4), RedisAuth.none());
  }

  @Test
  void givenNodesWithDataOrFromAnotherClusterThenNothingIsTouchedUnlessForced() throws Exception {
    List<String> nodes = start(4, Map.of());
    try (NodeAdmin a = new NodeAdmin(nodes.get(0), RedisAuth.none(), Duration.ofSeconds(5));
        NodeAdmin b = new NodeAdmin(nodes.get(1), RedisAuth.none(), Duration.ofSeconds(5))) {
      // nodes 0 holds a key without being in any cluster
      a.call("CLUSTER", "ADDSLOTSRANGE", 0, 16383);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> a.clusterInfo().contains("cluster_state:ok"));
      a.call("SET", "precious", "data");
      a.call("CLUSTER", "DELSLOTSRANGE", 0, 16383);
      // node 1 has met a node outside the plan
      b.call("CLUSTER", "MEET", "127.0.0.1", servers.get(3).port());
    }
    BootstrapPlan plan = BootstrapPlan.plain(
        Map.of(nodes.get(0), new SlotRange(0, 8191), nodes.get(2), new SlotRange(8192, 16383)),
        Map.of(nodes.get(1), nodes.get(2)), SETTINGS);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> view(nodes.get(1), RedisAuth.none()).byAddress(nodes.get(3)).isPresent());

    assertThatThrownBy(() -> bootstrap(RedisAuth.none(), false).run(plan))
        .isInstanceOfSatisfying(Bootstrap.Refused.class, r -> assertThat(r.reasons()).containsExactly(
            nodes.get(0) + " holds 1 keys but is not part of this cluster",
            nodes.get(1) + " belongs to another cluster (it knows " + nodes.get(3) + ")",
            "nothing was changed; to wipe these nodes and take them into the cluster, run again with --force"));
    try (NodeAdmin a = new NodeAdmin(nodes.get(0), RedisAuth.none(), Duration.ofSeconds(5))) {
      assertThat(a.call("DBSIZE")).isEqualTo("1");
    }
    assertThat(view(nodes.get(2), RedisAuth.none()).entries()).hasSize(1);

    // The fourth node, met by node 1, is gone from the picture once node 1 is reset; stop it first.
    servers.get(3).stop(Duration.ofSeconds(5));
    Bootstrap.Result forced = bootstrap(RedisAuth.none(), true).run(plan);
    assertThat(forced.changes()).anyMatch(c -> c.startsWith("wiped " + nodes.get(0)))
        .anyMatch(c -> c.startsWith("wiped " + nodes.get(1)));
    assertFormedAs(plan, nodes.get(0), RedisAuth.none());
  }

  @Test
  void givenPasswordProtectedNodesThenBootstrapAuthenticatesAndReplicasSyncWithoutLeakingIt() throws Exception {
    String password = "s3cret-" + System.nanoTime();
    List<String> nodes = start(4, Map.of("requirepass", password));
    RedisAuth auth = new RedisAuth(Optional.empty(), Optional.of(new Secret(password)));
    BootstrapPlan plan = BootstrapPlan.plain(
        Map.of(nodes.get(0), new SlotRange(0, 8191), nodes.get(1), new SlotRange(8192, 16383)),
        Map.of(nodes.get(2), nodes.get(0), nodes.get(3), nodes.get(1)), SETTINGS);
    Bootstrap.Result result = bootstrap(auth, false).run(plan);
    assertFormedAs(plan, nodes.get(3), auth);
    assertThat(result.changes()).anyMatch(c -> c.contains("masterauth=****"));
    assertThat(String.join("\n", result.changes()) + String.join("\n", progress)).doesNotContain(password);

    NodeAdmin wrong = new NodeAdmin(nodes.get(0), new RedisAuth(Optional.empty(), Optional.of(new Secret("nope"))),
        Duration.ofSeconds(2));
    assertThatThrownBy(() -> wrong.call("PING")).satisfies(e -> assertThat(e.getMessage()).doesNotContain("nope"));
    wrong.close();
  }

  @Test
  void givenAnnouncedAddressesThenTheClusterKnowsNodesByThem() throws Exception {
    List<String> nodes = start(4, Map.of("bind", "127.0.0.1 127.0.0.2"));
    List<BootstrapPlan.Member> members = nodes.stream()
        .map(a -> new BootstrapPlan.Member(a, a.replace("127.0.0.1", "127.0.0.2"), Optional.empty())).toList();
    String p0 = members.get(0).announced();
    String p1 = members.get(1).announced();
    BootstrapPlan plan = new BootstrapPlan(members,
        Map.of(p0, new SlotRange(0, 8191), p1, new SlotRange(8192, 16383)),
        Map.of(members.get(2).announced(), p0, members.get(3).announced(), p1), SETTINGS);
    bootstrap(RedisAuth.none(), false).run(plan);
    ClusterNodesReply view = view(nodes.get(2), RedisAuth.none());
    assertThat(view.entries()).extracting(ClusterNodesReply.Entry::address)
        .containsExactlyInAnyOrderElementsOf(plan.announcedAddresses());
    try (NodeAdmin replica = new NodeAdmin(nodes.get(2), RedisAuth.none(), Duration.ofSeconds(5))) {
      assertThat(replica.info("replication")).contains("master_host:127.0.0.2");
    }
    assertThat(bootstrap(RedisAuth.none(), false).run(plan).changedNothing()).isTrue();
  }
}
