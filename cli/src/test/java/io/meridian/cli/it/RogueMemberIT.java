package io.meridian.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.agent.config.AgentConfig;
import io.meridian.messages.Addresses;
import io.meridian.messages.BusKey;
import io.meridian.messages.Command;
import io.meridian.messages.CommandResult;
import io.meridian.messages.LeaderAnnouncement;
import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.ProbeFailure;
import io.meridian.messages.ReachabilityReport;
import io.meridian.messages.Seal;
import io.meridian.messages.Wire;
import io.meridian.runtime.bus.BusConfig;
import io.meridian.runtime.bus.BusKeys;
import io.meridian.runtime.bus.LeaderKeys;
import io.meridian.messages.Terms;
import io.meridian.runtime.bus.ClusteredVertx;
import io.meridian.agent.admin.NodeAdmin;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given the demo's cluster with its bus signed and on mutual TLS (the default), when a rogue
 * process joins the bus with the right cluster name but without a certificate, then it cannot
 * deliver a single frame to an agent. When one with a certificate of the cluster's CA (a stolen
 * or wrongly issued one) but without the key sends commands, a leader announcement with the
 * highest possible term, reachability and a health report that calls a healthy primary dead, then
 * every one is refused and counted, no Redis setting or role changes, the view and the leader stay,
 * and the real leader's term is still obeyed. A signed command is obeyed once: replayed, or
 * presented after its validity, it is refused. A holder of the cluster key that is not a
 * coordinator (an agent's host: it has the key but not the leader key) cannot command an agent or
 * raise its term either: its command and its announcement at the highest term are refused as
 * {@code unverified_leader}, and the real leader is still obeyed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RogueMemberIT {

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  static Path state;

  static DemoCluster cluster;
  static AgentConfig agentConfig;
  /** How the demo's coordinators sign: with the cluster key and the leader key. */
  static Seal coordinatorSeal;
  static Vertx rogue;
  static Vertx stranger;
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final String AGENT = "agent-region-1";

  @BeforeAll
  static void startDemoAndJoinTheRogue() throws Exception {
    cluster = DemoCluster.start(state, "performance");
    agentConfig = AgentConfig.load(state.resolve("demo/config/agent-region-1.yaml"), Map.of());
    assertThat(agentConfig.bus().seal().secure()).as("the demo signs its bus by default").isTrue();
    assertThat(agentConfig.bus().tls()).as("the demo runs its bus on mutual TLS by default").isPresent();
    BusConfig real = agentConfig.bus();
    coordinatorSeal = io.meridian.cli.security.DevSecurity.seal(state.resolve("demo/security"),
        BusConfig.Role.COORDINATOR);
    assertThat(real.seal().requiresLeaderSignature()).as("the demo's agents check the leader signature").isTrue();
    assertThat(real.seal().signsAsLeader()).as("the demo's agents cannot sign as the leader").isFalse();
    // Same cluster name and members, its own port, no certificate and no key: a process that merely reached the ports.
    stranger = ClusteredVertx.start(new BusConfig(real.clusterName(), "127.0.0.1", real.port() + 40, real.members()),
        true).toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    // The same with a certificate of the cluster's CA, but still without the key.
    rogue = ClusteredVertx.start(new BusConfig(real.clusterName(), "127.0.0.1", real.port() + 50, real.members(),
        Seal.insecure(), real.tls()), true).toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Vertx member : new Vertx[] {rogue, stranger}) {
      if (member != null) {
        member.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aMemberWithoutACertificateCannotDeliverAFrame() throws Exception {
    List<String> rolesBefore = roles();
    String target = cluster.node(0);
    long term = DemoCluster.awaitLeader(cluster.apiPort, 0).getLong("term");
    // Even a command signed with the right key goes nowhere without a certificate.
    assertNoAnswer(stranger, coordinatorSeal.encode(resume("it-stranger-1", term)));
    assertNoAnswer(stranger, Wire.encode(new Command("stranger", "stranger-1", Long.MAX_VALUE, target,
        Command.Kind.FAILOVER_TAKEOVER, Map.of(), System.currentTimeMillis(), "forged")));
    String agentMetrics = metrics(cluster.apiPort + 3);
    assertThat(rejected(agentMetrics, "command", "unsigned")).as("nothing reached the agent to be refused").isZero();
    assertThat(rejected(agentMetrics, "command", "replayed")).isZero();
    assertThat(roles()).isEqualTo(rolesBefore);
  }

  @Test
  @Order(2)
  void aRogueMemberWithoutTheKeyCannotCommandPoseAsLeaderOrChangeTheView() throws Exception {
    Before before = Before.now();
    String target = cluster.node(0);
    String primary = before.primary();
    long now = System.currentTimeMillis();

    Command configure = new Command("rogue", "rogue-1", Long.MAX_VALUE, target, Command.Kind.CONFIGURE,
        Map.of("announced", "10.9.9.9:" + target.substring(target.indexOf(':') + 1)), now, "forged");
    Command takeover = new Command("rogue", "rogue-2", Long.MAX_VALUE, target, Command.Kind.FAILOVER_TAKEOVER, Map.of(),
        now, "forged");
    assertNoAnswer(Wire.encode(configure));
    assertNoAnswer(Wire.encode(takeover));
    // Signed, but with a key of its own.
    BusKey own = BusKeys.generate(state.resolve("rogue.key"));
    assertNoAnswer(Seal.signed(own, List.of()).encode(new Command("rogue", "rogue-3", Long.MAX_VALUE, target,
        Command.Kind.FAILOVER_TAKEOVER, Map.of(), now, "forged")));
    rogue.eventBus().publish(Addresses.LEADER, Wire.encode(new LeaderAnnouncement("rogue", "region-1", Long.MAX_VALUE,
        now, "http://10.9.9.9:8080", 3, 3)));
    rogue.eventBus().publish(Addresses.REACHABILITY, Wire.encode(new ReachabilityReport("rogue", "region-2", now,
        List.of(target), Map.of())));
    rogue.eventBus().publish(Addresses.health("region-1"), Wire.encode(new NodeHealthReport("rogue", "meridian-demo",
        "region-1", primary, 1, now, 5, Optional.of(new ProbeFailure(ProbeFailure.Kind.REFUSED, "forged")),
        Optional.empty())));

    int agentPort = cluster.apiPort + 3;
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      String agentMetrics = metrics(agentPort);
      assertThat(rejected(agentMetrics, "command", "unsigned")).isGreaterThanOrEqualTo(2);
      assertThat(rejected(agentMetrics, "sealed", "unknown_key")).isGreaterThanOrEqualTo(1);
      assertThat(rejected(agentMetrics, "leader", "unsigned")).isGreaterThanOrEqualTo(1);
      assertThat(rejected(agentMetrics, "reachability", "unsigned")).isGreaterThanOrEqualTo(1);
      assertThat(rejected(metrics(cluster.apiPort), "node-health", "unsigned")).isGreaterThanOrEqualTo(1);
    });

    // Nothing moved: a forged REFUSED report would have failed the primary over at once.
    assertNothingMovedSince(before, "it-real-1");
  }

  /** What the forged messages must not change: the leader and its term, the roles, the target's announced address. */
  private record Before(JsonObject leader, List<String> roles, String announce, String primary) {
    static Before now() throws Exception {
      return new Before(DemoCluster.awaitLeader(cluster.apiPort, 0), RogueMemberIT.roles(), config(cluster.node(0),
          "cluster-announce-ip"), primaryIn(DemoCluster.get(cluster.apiPort, "/api/v1/cluster")));
    }
  }

  /**
   * For 4 s the primary, the leader and its term stay; no node changed role or announced address;
   * and the forged term did not raise the agent's floor: the real leader's term is still obeyed.
   */
  private static void assertNothingMovedSince(Before before, String realCommandId) throws Exception {
    JsonObject leaderBefore = before.leader();
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          assertThat(primaryIn(DemoCluster.get(cluster.apiPort, "/api/v1/cluster"))).isEqualTo(before.primary());
          JsonObject leader = DemoCluster.get(cluster.apiPort, "/api/v1/leader");
          assertThat(leader.getString("leader")).isEqualTo(leaderBefore.getString("leader"));
          assertThat(leader.getLong("term")).isEqualTo(leaderBefore.getLong("term"));
        });
    assertThat(roles()).isEqualTo(before.roles());
    assertThat(config(cluster.node(0), "cluster-announce-ip")).isEqualTo(before.announce());
    CommandResult result = request(coordinatorSeal.encode(resume(realCommandId, leaderBefore.getLong("term"))));
    assertThat(result.commandId()).isEqualTo(realCommandId);
    assertThat(result.outcome()).isEqualTo(CommandResult.Outcome.EXECUTED);
  }

  @Test
  @Order(3)
  void aSignedCommandIsObeyedOnceAndNotAfterItsValidity() throws Exception {
    long term = DemoCluster.get(cluster.apiPort, "/api/v1/leader").getLong("term");
    Buffer signed = coordinatorSeal.encode(resume("it-replay-" + UUID.randomUUID(), term));
    assertThat(request(signed).outcome()).isEqualTo(CommandResult.Outcome.EXECUTED);
    assertNoAnswer(signed);

    BusKey key = BusKeys.read(state.resolve("demo/security/bus.key"));
    Path security = state.resolve("demo/security");
    io.meridian.messages.LeaderKey leaderKey = LeaderKeys.readPublic(security.resolve("leader.pub"));
    Seal late = Seal.signed(key, List.of(), Clock.offset(Clock.systemUTC(), Seal.VALIDITY.plusSeconds(5).negated()))
        .withLeaderKeys(Optional.of(LeaderKeys.readPrivate(security.resolve("leader.key"), List.of(leaderKey))),
            List.of(leaderKey));
    assertNoAnswer(late.encode(resume("it-expired-" + UUID.randomUUID(), term)));

    String agentMetrics = metrics(cluster.apiPort + 3);
    assertThat(rejected(agentMetrics, "command", "replayed")).isEqualTo(1);
    assertThat(rejected(agentMetrics, "sealed", "expired")).isEqualTo(1);
  }

  @Test
  @Order(4)
  void aHolderOfTheClusterKeyThatIsNotACoordinatorCannotCommandOrRaiseTheTerm() throws Exception {
    Before before = Before.now();
    String target = cluster.node(0);
    // An agent's own seal: the cluster key, valid HMAC, fresh ids; no leader key.
    Seal agentSeal = agentConfig.bus().seal();
    long now = System.currentTimeMillis();
    assertNoAnswer(agentSeal.encode(new Command("agent-region-2", "keyholder-1", Terms.MAX, target,
        Command.Kind.FAILOVER_TAKEOVER, Map.of(), now, "forged by a key holder")));
    assertNoAnswer(agentSeal.encode(new Command("agent-region-2", "keyholder-2", before.leader().getLong("term"), target,
        Command.Kind.CONFIGURE, Map.of("announced", "10.9.9.9:" + target.substring(target.indexOf(':') + 1)), now,
        "forged by a key holder, at the real term")));
    rogue.eventBus().publish(Addresses.LEADER, agentSeal.encode(new LeaderAnnouncement("agent-region-2", "region-2",
        Terms.MAX, now, "http://10.9.9.9:8080", 3, 3)));

    int agentPort = cluster.apiPort + 3;
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      String agentMetrics = metrics(agentPort);
      assertThat(rejected(agentMetrics, "command", "unverified_leader")).isEqualTo(2);
      assertThat(rejected(agentMetrics, "leader", "unverified_leader")).isGreaterThanOrEqualTo(1);
      assertThat(rejected(metrics(cluster.apiPort), "leader", "unverified_leader")).isGreaterThanOrEqualTo(1);
    });
    // The announcement at the highest term did not raise the floor either.
    assertNothingMovedSince(before, "it-after-keyholder");
  }

  private static Command resume(String id, long term) {
    return new Command("it", id, term, cluster.node(0), Command.Kind.RESUME_WRITES, Map.of(),
        System.currentTimeMillis(), "test");
  }

  private static CommandResult request(Buffer frame) throws Exception {
    Buffer reply = rogue.eventBus().<Buffer>request(Addresses.commands(AGENT), frame,
        new DeliveryOptions().setSendTimeout(10_000)).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS)
        .body();
    return Seal.insecure().open(reply, CommandResult.class);
  }

  /** The agent drops a refused frame without an answer: the request times out. */
  private static void assertNoAnswer(Buffer frame) throws Exception {
    assertNoAnswer(rogue, frame);
  }

  private static void assertNoAnswer(Vertx from, Buffer frame) throws Exception {
    Throwable failure = from.eventBus().<Buffer>request(Addresses.commands(AGENT), frame,
        new DeliveryOptions().setSendTimeout(2_000)).toCompletionStage().toCompletableFuture()
        .handle((ok, err) -> err).get(10, TimeUnit.SECONDS);
    assertThat(failure).as("the agent answered a frame it must refuse").isNotNull();
    // Not "nobody listens" (the test would prove nothing) and not a refusal sent back: silence.
    assertThat(failure).isInstanceOfSatisfying(io.vertx.core.eventbus.ReplyException.class,
        r -> assertThat(r.failureType()).isEqualTo(io.vertx.core.eventbus.ReplyFailure.TIMEOUT));
  }

  private static String primaryIn(JsonObject view) {
    for (String region : view.getJsonObject("regions").fieldNames()) {
      for (Object o : view.getJsonObject("regions").getJsonObject(region).getJsonArray("nodes")) {
        JsonObject n = (JsonObject) o;
        if ("primary".equals(n.getString("role")) && n.getBoolean("healthy")) {
          return n.getString("address");
        }
      }
    }
    throw new AssertionError("no healthy primary in the view: " + view);
  }

  private static List<String> roles() {
    List<String> roles = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      try (NodeAdmin admin = new NodeAdmin(cluster.node(i), cluster.auth(), Duration.ofSeconds(2))) {
        String myself = admin.clusterNodes().lines().filter(l -> l.contains("myself")).findFirst().orElseThrow();
        String[] f = myself.split(" ");
        roles.add(cluster.node(i) + " " + f[2].replace("myself,", "") + " " + f[3]);
      }
    }
    return roles;
  }

  private static String config(String node, String setting) {
    try (NodeAdmin admin = new NodeAdmin(node, cluster.auth(), Duration.ofSeconds(2))) {
      return admin.call("CONFIG", "GET", setting);
    }
  }

  private static String metrics(int port) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(3)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static long rejected(String metrics, String type, String reason) {
    Pattern line = Pattern.compile("^meridian_messages_rejected_total\\{([^}]*)\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(metrics);
    long sum = 0;
    while (m.find()) {
      if (m.group(1).contains("type=\"" + type + "\"") && m.group(1).contains("reason=\"" + reason + "\"")) {
        sum += (long) Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }
}
