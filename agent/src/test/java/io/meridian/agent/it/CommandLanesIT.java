package io.meridian.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.agent.Agent;
import io.meridian.agent.AgentVerticle;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.config.AgentConfig;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.messages.Command;
import io.meridian.messages.CommandResult;
import io.meridian.runtime.bus.BusProcess;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.testing.BusListener;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given one agent watching two replicas of different shards, when it is busy with a planned
 * switchover that cannot finish (the first replica's primary is frozen: Redis waits for it), then a
 * crash promotion the leader sends for the second replica right after is executed within seconds,
 * without waiting behind it, and the switchover still gets its own answer afterwards.
 */
class CommandLanesIT {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;
  private final List<RedisServerProcess> servers = new ArrayList<>();
  private BusListener bus;
  private BusProcess<AgentVerticle> agent;

  @AfterEach
  void stopEverything() throws Exception {
    AgentUnderTest.stopAll(agent, bus, servers);
  }

  @Test
  void aCrashPromotionIsNotHeldBackBySlowPlannedWorkOnTheSameAgent() throws Exception {
    List<String> nodes = BootstrapIT.formedSixNodes(dir, servers, Map.of());
    String switching = nodes.get(3);
    String promoted = nodes.get(4);
    bus = BusListener.startNewBus();
    agent = Agent.start(new AgentConfig("agent-lanes", "it", "region-1", List.of(switching, promoted),
        Duration.ofMillis(250), Duration.ofMillis(500), RedisAuth.none(), bus.joinConfig(), AgentConfig.Fencing.off()))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

    servers.get(0).freeze();
    long sent = System.nanoTime();
    Future<CommandResult> switchover = send(1, switching, Command.Kind.FAILOVER);
    Future<CommandResult> promotion = send(2, promoted, Command.Kind.FAILOVER_FORCE);

    CommandResult forced = promotion.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    long forcedAfterMs = Duration.ofNanos(System.nanoTime() - sent).toMillis();
    boolean switchoverStillRunning = !switchover.isComplete();
    System.out.printf("FAILOVER_FORCE answered after %d ms (%s: %s) while the switchover was %s%n", forcedAfterMs,
        forced.outcome(), forced.detail(), switchoverStillRunning ? "still running" : "done");
    assertThat(forced.outcome()).as(forced.detail()).isEqualTo(CommandResult.Outcome.EXECUTED);
    assertThat(switchoverStillRunning).as("the switchover waits up to 10 s for its frozen primary").isTrue();
    assertThat(forcedAfterMs).as("the promotion, after a switchover that takes 10 s").isLessThan(5_000);
    try (NodeAdmin admin = new NodeAdmin(promoted, RedisAuth.none(), Duration.ofSeconds(5))) {
      assertThat(ClusterNodesReply.parse(admin.clusterNodes()).myself().isPrimary()).isTrue();
    }

    CommandResult planned = switchover.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.out.printf("FAILOVER answered after %d ms: %s%n", Duration.ofNanos(System.nanoTime() - sent).toMillis(),
        planned.detail());
    assertThat(planned.outcome()).as(planned.detail()).isEqualTo(CommandResult.Outcome.FAILED);
    assertThat(planned.detail()).contains("was not primary after 10000 ms");
  }

  private Future<CommandResult> send(int n, String target, Command.Kind kind) {
    Command command = new Command("coordinator-it", "lanes-" + n, 1, target, kind, Map.of(),
        System.currentTimeMillis(), "CommandLanesIT");
    return AgentUnderTest.send(bus, "agent-lanes", command, Duration.ofSeconds(60));
  }
}
