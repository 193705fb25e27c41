package io.meridian.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.agent.Agent;
import io.meridian.agent.AgentVerticle;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.config.AgentConfig;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.messages.Command;
import io.meridian.messages.CommandResult;
import io.meridian.messages.NodeAddress;
import io.meridian.runtime.bus.BusProcess;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.ClusterSpecReader;
import io.meridian.runtime.testing.BusListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given an agent with the cluster's spec, watching a real empty cluster-mode node, when it is
 * sent a MEET of an address outside the spec and a CONFIGURE that would have the node announce a
 * host the spec does not give it, then both are refused as {@code not_in_spec} before Redis is
 * touched: no connection reaches the stranger, the node knows no other node, and its announced
 * address is unchanged. A MEET of a node of the spec and the spec's own CONFIGURE are executed.
 */
class SpecTargetsIT {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;
  private final List<RedisServerProcess> servers = new ArrayList<>();
  private BusListener bus;
  private BusProcess<AgentVerticle> agent;
  private int sent;

  @AfterEach
  void stopEverything() throws Exception {
    AgentUnderTest.stopAll(agent, bus, servers);
  }

  @Test
  void changesOutsideTheSpecAreRefusedBeforeRedisIsTouchedAndTheSpecsOwnAreExecuted() throws Exception {
    List<String> nodes = BootstrapIT.start(dir, servers, 2, Map.of());
    String node = nodes.get(0);
    String peer = nodes.get(1);
    ClusterSpec spec = ClusterSpecReader.read(ConfigFiles.parse("spec.yaml", "cluster: it\ntopology: performance\n"
        + "redis: {clusterNodeTimeout: 5s}\nregions:\n  - {name: r1, nodes: [" + node + "]}\n"
        + "  - {name: r2, nodes: [" + peer + "]}\n  - {name: r3, nodes: [127.0.0.1:1]}\n"), Map.of());
    bus = BusListener.startNewBus();
    AgentConfig plain = new AgentConfig("agent-spec", "it", "r1", List.of(node), Duration.ofMillis(250),
        Duration.ofMillis(500), RedisAuth.none(), bus.joinConfig(), AgentConfig.Fencing.off());
    agent = Agent.start(new AgentConfig(plain.agentId(), plain.cluster(), plain.region(), plain.nodes(),
        plain.probeInterval(), plain.probeTimeout(), plain.reportEvery(), plain.auth(), plain.bus(), plain.httpHost(),
        plain.httpPort(), plain.logLevel(), plain.fencing(), Optional.empty(), Optional.of(spec)))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

    try (AgentUnderTest.Stranger stranger = new AgentUnderTest.Stranger()) {
      CommandResult meet = send(node, Command.Kind.MEET, Map.of("host", "127.0.0.1", "port",
          Integer.toString(stranger.port()), "busPort", Integer.toString(stranger.port())));
      assertThat(meet.outcome()).as(meet.detail()).isEqualTo(CommandResult.Outcome.REFUSED);
      assertThat(meet.detail()).contains("is not a node of the spec of cluster it");
      // Redis would connect to a node it was told to meet within moments: nothing comes.
      Awaitility.await("no connection to the stranger").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
          .until(() -> stranger.connections() == 0);
    }
    assertThat(knownNodes(node)).as("the node met nobody").isEqualTo(1);

    Map<String, String> configure = new LinkedHashMap<>(spec.settings().asConfig());
    configure.put("announced", "198.51.100.9:" + NodeAddress.port(node));
    CommandResult elsewhere = send(node, Command.Kind.CONFIGURE, configure);
    assertThat(elsewhere.outcome()).as(elsewhere.detail()).isEqualTo(CommandResult.Outcome.REFUSED);
    assertThat(elsewhere.detail()).contains("but the spec says " + node);
    assertThat(announceIp(node)).as("the announced address is untouched").isEmpty();
    assertThat(agent.metrics().registry().find("meridian_agent_commands").tag("reason", "not_in_spec").counters())
        .as("both refusals counted as not_in_spec").extracting(c -> c.count()).containsExactlyInAnyOrder(1.0, 1.0);

    configure.put("announced", node);
    CommandResult own = send(node, Command.Kind.CONFIGURE, configure);
    assertThat(own.outcome()).as(own.detail()).isEqualTo(CommandResult.Outcome.EXECUTED);
    CommandResult met = send(node, Command.Kind.MEET, Map.of("host", NodeAddress.host(peer), "port",
        Integer.toString(NodeAddress.port(peer)), "busPort", Integer.toString(NodeAddress.port(peer) + 10000)));
    assertThat(met.outcome()).as(met.detail()).isEqualTo(CommandResult.Outcome.EXECUTED);
    Awaitility.await("the node to know its peer of the spec").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100)).until(() -> knownNodes(node) == 2);
  }

  private CommandResult send(String target, Command.Kind kind, Map<String, String> args) throws Exception {
    Command command = new Command("coordinator-it", "spec-" + (++sent), 1, target, kind, args,
        System.currentTimeMillis(), "SpecTargetsIT");
    return AgentUnderTest.send(bus, "agent-spec", command, Duration.ofSeconds(30)).toCompletionStage()
        .toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static int knownNodes(String node) {
    try (NodeAdmin admin = new NodeAdmin(node, RedisAuth.none(), Duration.ofSeconds(5))) {
      return ClusterNodesReply.parse(admin.clusterNodes()).entries().size();
    }
  }

  private static String announceIp(String node) {
    try (NodeAdmin admin = new NodeAdmin(node, RedisAuth.none(), Duration.ofSeconds(5))) {
      List<String> reply = admin.list("CONFIG", "GET", "cluster-announce-ip");
      return reply.size() > 1 ? reply.get(1) : "";
    }
  }
}
