package io.meridian.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.agent.Agent;
import io.meridian.agent.AgentVerticle;
import io.meridian.runtime.bus.BusProcess;
import io.meridian.agent.admin.Bootstrap;
import io.meridian.agent.admin.BootstrapPlan;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.messages.SlotRange;
import io.meridian.agent.config.AgentConfig;
import io.meridian.messages.Addresses;
import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.ProbeFailure;
import io.meridian.messages.RedisState;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.process.RedisBinary;
import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.testing.BusListener;
import io.meridian.runtime.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a real two-node Redis Cluster (one primary, one replica) and an agent probing both, with
 * its reports crossing a real clustered event bus to a listener.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentReportingIT {

  private static final Duration INTERVAL = Duration.ofMillis(250);
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  @TempDir
  static Path dir;
  static RedisServerProcess primary;
  static RedisServerProcess replica;
  static BusListener bus;
  static BusProcess<AgentVerticle> agent;

  @BeforeAll
  static void startClusterAndAgent() throws Exception {
    RedisBinary redis = RedisBinary.locate();
    int base = FreePorts.redisPortRange(2);
    Map<String, String> settings = RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5));
    primary = RedisServerProcess.start(redis, dir.resolve("p"), base, settings, Duration.ofSeconds(10));
    replica = RedisServerProcess.start(redis, dir.resolve("r"), base + 1, settings, Duration.ofSeconds(10));
    new Bootstrap(RedisAuth.none(), Duration.ofSeconds(30), false, line -> System.out.println("bootstrap: " + line))
        .run(BootstrapPlan.plain(Map.of(primary.address(), new SlotRange(0, 16383)),
            Map.of(replica.address(), primary.address()), Map.of()));

    bus = BusListener.startNewBus(Addresses.health("region-1"));
    AgentConfig config = new AgentConfig("agent-it", "it", "region-1", List.of(primary.address(), replica.address()),
        INTERVAL, TIMEOUT, RedisAuth.none(), bus.joinConfig(), AgentConfig.Fencing.off());
    agent = Agent.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (agent != null) {
      agent.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (bus != null) {
      bus.close();
    }
    for (RedisServerProcess p : new RedisServerProcess[] {primary, replica}) {
      if (p != null) {
        p.stop(Duration.ofSeconds(5));
        assertThat(p.isAlive()).isFalse();
      }
    }
  }

  private static Optional<NodeHealthReport> latest(String node) {
    List<NodeHealthReport> reports = bus.received(NodeHealthReport.class, r -> r.node().equals(node));
    return reports.isEmpty() ? Optional.empty() : Optional.of(reports.get(reports.size() - 1));
  }

  @Test
  @Order(1)
  void reportsRolesOffsetsAndClusterFieldsOfEachNode() throws Exception {
    String primaryId;
    try (NodeAdmin admin = new NodeAdmin(primary.address(), RedisAuth.none(), Duration.ofSeconds(5))) {
      for (int i = 0; i < 100; i++) {
        admin.call("SET", "key-" + i, "value-" + i);
      }
      primaryId = admin.myId();
    }
    await().atMost(BusListener.await()).ignoreExceptions().untilAsserted(() -> {
      RedisState p = latest(primary.address()).flatMap(NodeHealthReport::state).orElseThrow();
      RedisState r = latest(replica.address()).flatMap(NodeHealthReport::state).orElseThrow();
      assertThat(p.role()).isEqualTo(RedisState.Role.PRIMARY);
      assertThat(p.clusterNodeId()).contains(primaryId);
      assertThat(p.slotCount()).isEqualTo(16384);
      assertThat(p.slots()).containsExactly("0-16383");
      assertThat(p.clusterState()).contains("ok");
      assertThat(p.connectedReplicas()).isEqualTo(1);
      assertThat(p.flags()).contains("myself", "master");
      assertThat(p.knownNodes()).isEqualTo(2);
      assertThat(r.role()).isEqualTo(RedisState.Role.REPLICA);
      assertThat(r.primary()).contains(primary.address());
      assertThat(r.masterLinkUp()).contains(true);
      assertThat(r.flags()).contains("myself", "slave");
      assertThat(p.replOffset()).isPositive();
      assertThat(r.replOffset()).isEqualTo(p.replOffset());
    });
    // The agent's /metrics text: redis_exporter's series per node, and exactly the listed names.
    await().atMost(BusListener.await()).untilAsserted(() -> {
      String text = agent.metrics().scrape();
      String p = "node=\"" + primary.address() + "\"";
      String r = "node=\"" + replica.address() + "\"";
      assertThat(text).containsPattern("redis_up\\{[^}]*" + p + "[^}]*\\} 1.0")
          .containsPattern("redis_instance_info\\{[^}]*" + p + "[^}]*role=\"master\"[^}]*\\} 1")
          .containsPattern("redis_instance_info\\{[^}]*" + r + "[^}]*role=\"slave\"[^}]*\\} 1")
          .containsPattern("redis_master_link_up\\{[^}]*" + r + "[^}]*\\} 1.0")
          .containsPattern("redis_connected_slaves\\{[^}]*" + p + "[^}]*\\} 1.0")
          .containsPattern("redis_connected_slave_lag_seconds\\{[^}]*" + p + "[^}]*slave_port=\""
              + replica.port() + "\"")
          .containsPattern("redis_cluster_state\\{[^}]*" + p + "[^}]*\\} 1.0")
          .containsPattern("redis_cluster_slots_ok\\{[^}]*" + p + "[^}]*\\} 16384.0")
          .containsPattern("redis_config_maxclients\\{[^}]*" + p)
          // redis_exporter's labels and workload series, so that its dashboards and queries apply
          .containsPattern("redis_instance_info\\{[^}]*maxmemory_policy=\"noeviction\"[^}]*" + p
              + "[^}]*redis_mode=\"cluster\"[^}]*redis_version=\"\\d+\\.[^}]*run_id=\"[0-9a-f]{40}\"[^}]*tcp_port=\""
              + primary.port() + "\"")
          .containsPattern("redis_master_link_up\\{[^}]*master_host=\"127.0.0.1\",master_port=\"" + primary.port()
              + "\"[^}]*" + r + "[^}]*\\} 1.0")
          .containsPattern("redis_db_keys\\{[^}]*db=\"db0\"[^}]*" + p + "[^}]*\\} 100.0")
          .containsPattern("# TYPE redis_commands_processed(_total)? counter")
          .containsPattern("redis_commands_processed_total\\{[^}]*" + p + "[^}]*\\} [1-9]")
          .containsPattern("redis_keyspace_hits_total\\{[^}]*" + p)
          .containsPattern("# TYPE redis_commands(_total)? counter")
          .containsPattern("redis_commands_total\\{[^}]*cmd=\"set\"[^}]*" + p + "[^}]*\\} [1-9]")
          .containsPattern("redis_commands_duration_seconds_total\\{[^}]*cmd=\"set\"[^}]*" + p + "[^}]*\\} \\d")
          .containsPattern("redis_net_input_bytes_total\\{[^}]*" + p + "[^}]*\\} [1-9]")
          .containsPattern("redis_uptime_in_seconds\\{[^}]*" + p)
          .containsPattern("redis_mem_fragmentation_ratio\\{[^}]*" + p)
          .containsPattern("redis_cluster_size\\{[^}]*" + p + "[^}]*\\} 1.0")
          .containsPattern("redis_cluster_my_epoch\\{[^}]*" + p)
          .containsPattern("meridian_build_info\\{[^}]*version=\"" + java.util.regex.Pattern.quote(
              io.meridian.monitoring.MeridianVersion.current()) + "\"[^}]*\\} 1")
          .contains("region=\"region-1\"").contains("cluster=\"it\"");
      assertThat(io.meridian.monitoring.MetricNames.mismatches(
          io.meridian.monitoring.MetricNames.read(java.nio.file.Path.of("..", "monitoring", "metric-names.txt")),
          io.meridian.monitoring.MetricNames.inScrape(text), "agent", java.util.Set.of("a-db-has-keys"))).isEmpty();
    });
    NodeHealthReport report = latest(primary.address()).orElseThrow();
    assertThat(report.sender()).isEqualTo("agent-it");
    assertThat(report.agentVersion()).isEqualTo(io.meridian.monitoring.MeridianVersion.current());
    assertThat(report.region()).isEqualTo("region-1");
    assertThat(report.cluster()).isEqualTo("it");
    assertThat(report.latencyMicros()).isPositive();
    assertThat(bus.rejected()).isEmpty();
  }

  @Test
  @Order(2)
  void aFrozenNodeIsReportedAsATimeoutAndRecoversWhenThawed() {
    long frozenAt = System.currentTimeMillis();
    primary.freeze();
    try {
      await().atMost(BusListener.await()).until(() ->
          latest(primary.address()).filter(r -> r.observedAt() >= frozenAt && !r.reachable()).isPresent());
      List<NodeHealthReport> failures = bus.received(NodeHealthReport.class,
          r -> r.node().equals(primary.address()) && r.observedAt() >= frozenAt && !r.reachable());
      ProbeFailure first = failures.get(0).failure().orElseThrow();
      assertThat(first.kind()).isEqualTo(ProbeFailure.Kind.TIMEOUT);
      assertThat(first.detail()).contains("within " + TIMEOUT.toMillis() + " ms");
      System.out.printf("frozen primary reported as timeout %d ms after SIGSTOP%n",
          failures.get(0).observedAt() - frozenAt);
    } finally {
      primary.thaw();
    }
    long thawedAt = System.currentTimeMillis();
    await().atMost(BusListener.await()).until(() ->
        latest(primary.address()).filter(r -> r.observedAt() >= thawedAt && r.reachable()).isPresent());
  }

  @Test
  @Order(3)
  void aKilledNodeIsReportedAsConnectionRefusedWithinOneProbeInterval() {
    replica.kill();
    long killedAt = System.currentTimeMillis();
    await().atMost(BusListener.await()).until(() ->
        latest(replica.address()).filter(r -> !r.reachable()).isPresent());
    // Reports from before the kill do not count: the very first probe after the agent started
    // may have timed out while the JVM was still cold.
    NodeHealthReport first = bus.received(NodeHealthReport.class,
        r -> r.node().equals(replica.address()) && !r.reachable() && r.observedAt() >= killedAt).get(0);
    assertThat(first.failure().orElseThrow().kind()).isEqualTo(ProbeFailure.Kind.REFUSED);
    assertThat(first.failure().orElseThrow().detail()).isEqualTo("connection refused by " + replica.address());
    long afterKill = first.observedAt() - killedAt;
    System.out.printf("killed replica reported as refused %d ms after SIGKILL (probe interval %d ms)%n",
        afterKill, INTERVAL.toMillis());
    // One interval until the next round, plus scheduling slack on a loaded 2-core machine.
    assertThat(afterKill).isLessThanOrEqualTo(INTERVAL.toMillis() + 150);
    // As redis_exporter: redis_up 0, and no frozen data series of the dead node.
    await().atMost(BusListener.await()).untilAsserted(() -> assertThat(agent.metrics().scrape())
        .containsPattern("redis_up\\{[^}]*node=\"" + replica.address() + "\"[^}]*\\} 0.0")
        .doesNotContainPattern("redis_instance_info\\{[^}]*node=\"" + replica.address() + "\"")
        .containsPattern("meridian_agent_probe_failures_total\\{[^}]*node=\"" + replica.address()
            + "\"[^}]*reason=\"refused\""));
  }

  @Test
  @Order(4)
  void aCoordinatorsWarmUpOfTheCommandRouteIsDroppedSilentlyAndCommandsStillGetAnswers() throws Exception {
    io.vertx.core.eventbus.EventBus eventBus = bus.vertx().eventBus();
    String address = Addresses.commands("agent-it");
    // What a coordinator sends ahead of need: no reply, no rejection counted, no log of a bad message.
    var warmUp = eventBus.<Object>request(address, io.vertx.core.buffer.Buffer.buffer(),
        new io.vertx.core.eventbus.DeliveryOptions().addHeader(Addresses.WARM_UP_HEADER, "1").setSendTimeout(1500))
        .toCompletionStage().toCompletableFuture();
    assertThat(warmUp).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .withMessageContaining("Timed out");
    assertThat(agent.metrics().scrape()).doesNotContain("meridian_messages_rejected_total{");
    // The same route then carries a real command to its answer (here: refused, the node is not the agent's).
    io.meridian.messages.Command command = new io.meridian.messages.Command("coordinator-it", "warm-1", 1,
        "127.0.0.1:1", io.meridian.messages.Command.Kind.RESUME_WRITES, Map.of(), System.currentTimeMillis(),
        "after a warm-up");
    io.vertx.core.buffer.Buffer reply = eventBus.<io.vertx.core.buffer.Buffer>request(address,
        io.meridian.messages.Wire.encode(command), new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(5000))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    io.meridian.messages.CommandResult result = io.meridian.messages.Wire.decode(reply,
        io.meridian.messages.CommandResult.class);
    assertThat(result.outcome()).isEqualTo(io.meridian.messages.CommandResult.Outcome.REFUSED);
    assertThat(result.detail()).contains("is not a node of agent agent-it");
  }
}
