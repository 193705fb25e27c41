package io.meridian.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.agent.Agent;
import io.meridian.agent.AgentVerticle;
import io.meridian.agent.admin.Bootstrap;
import io.meridian.agent.admin.BootstrapPlan;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.config.AgentConfig;
import io.meridian.messages.Addresses;
import io.meridian.messages.LeaderAnnouncement;
import io.meridian.messages.SlotRange;
import io.meridian.messages.Wire;
import io.meridian.runtime.bus.BusProcess;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.process.RedisBinary;
import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.testing.BusListener;
import io.meridian.runtime.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a primary whose agent hears neither a leader nor any region (it is cut off), then after
 * the fencing delay a client's write is not acknowledged; when a leader is heard again, writes
 * are acknowledged again.
 */
class WriteFenceIT {

  @TempDir
  Path dir;

  @Test
  void anIsolatedPrimaryStopsAcknowledgingWritesUntilContactReturns() throws Exception {
    try (RedisServerProcess primary = clusterNode("p"); BusListener bus = BusListener.startNewBus()) {
      BusProcess<AgentVerticle> agent = aloneWithItsAgent("agent-fence", primary, bus);
      String address = primary.address();
      try {
        // Nobody is ever heard here: the fence waits out the start-up grace (10 s), then fencing.after.
        await().atMost(Duration.ofSeconds(25)).until(() -> !writes(address));
        try (NodeAdmin reader = new NodeAdmin(address, RedisAuth.none(), Duration.ofMillis(500))) {
          assertThat(reader.call("PING")).as("the node still answers reads").isEqualTo("PONG");
        }
        // Coordinators keep their route to the leader address open with empty warm-up messages.
        io.vertx.core.eventbus.DeliveryOptions warmUp = new io.vertx.core.eventbus.DeliveryOptions()
            .addHeader(Addresses.WARM_UP_HEADER, "1");
        long warming = bus.vertx().setPeriodic(250, id -> bus.vertx().eventBus().publish(Addresses.LEADER,
            io.vertx.core.buffer.Buffer.buffer(), warmUp));
        try {
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
          while (System.nanoTime() < until) {
            assertThat(writes(address)).as("a warm-up on the leader address is no word from a leader").isFalse();
          }
        } finally {
          bus.vertx().cancelTimer(warming);
        }

        long timer = bus.vertx().setPeriodic(250, id -> bus.vertx().eventBus().publish(Addresses.LEADER,
            Wire.encode(new LeaderAnnouncement("coord-test", "r2", 9, 1, "http://127.0.0.1:1", 3, 3))));
        try {
          await().atMost(Duration.ofSeconds(10)).until(() -> writes(address));
        } finally {
          bus.vertx().cancelTimer(timer);
        }
        // A leader cut off together with this agent says it hears 1 of 3 regions: no contact.
        long minority = bus.vertx().setPeriodic(250, id -> bus.vertx().eventBus().publish(Addresses.LEADER,
            Wire.encode(new LeaderAnnouncement("coord-test", "r1", 9, 1, "http://127.0.0.1:1", 1, 3))));
        try {
          await().atMost(Duration.ofSeconds(10)).until(() -> !writes(address));
        } finally {
          bus.vertx().cancelTimer(minority);
        }
      } finally {
        agent.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Given a fenced primary, when the agent's shared worker pool is taken (as the cluster manager's
   * blocking Hazelcast calls take it during a cut: each waits seconds for members it cannot reach),
   * then the fence still renews its pause: no write is acknowledged for longer than one pause.
   */
  @Test
  void theFenceHoldsWhileTheAgentsSharedWorkersAreBlocked() throws Exception {
    try (RedisServerProcess primary = clusterNode("p"); BusListener bus = BusListener.startNewBus()) {
      BusProcess<AgentVerticle> agent = aloneWithItsAgent("agent-fence-starved", primary, bus);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      try {
        await().atMost(Duration.ofSeconds(25)).until(() -> !writes(primary.address()));
        // Twice as many blocking tasks as the agent has shared workers: every one of them waits.
        java.util.concurrent.atomic.AtomicInteger blocked = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < 8; i++) {
          agent.vertx().executeBlocking(() -> {
            blocked.incrementAndGet();
            return release.await(60, TimeUnit.SECONDS);
          }, false);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> blocked.get() >= 4);
        // Longer than the pause (3 s) by two renewal periods: an unrenewed pause has lapsed by then.
        long until = System.nanoTime() + io.meridian.agent.fence.FenceVerticle.PAUSE.plusSeconds(2).toNanos();
        while (System.nanoTime() < until) {
          assertThat(writes(primary.address())).as("the fenced primary takes no write while the workers are blocked")
              .isFalse();
        }
      } finally {
        release.countDown();
        agent.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Given a shard whose agent was in contact and then lost it (fenced), when an operator takes
   * over on this side ({@code CLUSTER FAILOVER TAKEOVER} on the replica, as {@code meridian
   * failover --force} does), then the new primary acknowledges writes and keeps doing so past
   * several fence renewals: the raised epoch tells the agent this side was chosen to serve.
   */
  @Test
  void anOperatorTakeoverOnTheIsolatedSideIsNotUndoneByTheFence() throws Exception {
    RedisBinary redis = RedisBinary.locate();
    int port = FreePorts.redisPort();
    int replicaPort = FreePorts.redisPort();
    try (RedisServerProcess primary = RedisServerProcess.start(redis, dir.resolve("p"), port,
        RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5)), Duration.ofSeconds(10));
        RedisServerProcess replica = RedisServerProcess.start(redis, dir.resolve("r"), replicaPort,
            RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5)), Duration.ofSeconds(10));
        BusListener bus = BusListener.startNewBus()) {
      new Bootstrap(RedisAuth.none(), Duration.ofSeconds(30), false, line -> { })
          .run(BootstrapPlan.plain(Map.of(primary.address(), new SlotRange(0, 16383)),
              Map.of(replica.address(), primary.address()), Map.of()));
      AgentConfig config = new AgentConfig("agent-fence-takeover", "it", "r3",
          List.of(primary.address(), replica.address()), Duration.ofMillis(250), Duration.ofMillis(500),
          RedisAuth.none(), bus.joinConfig(), AgentConfig.Fencing.on(3, Duration.ofSeconds(1)));
      BusProcess<AgentVerticle> agent = Agent.start(config).toCompletionStage().toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      long contact = bus.vertx().setPeriodic(250, id -> bus.vertx().eventBus().publish(Addresses.LEADER,
          Wire.encode(new LeaderAnnouncement("coord-test", "r2", 9, 1, "http://127.0.0.1:1", 3, 3))));
      try {
        long inContactUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < inContactUntil) {
          assertThat(writes(primary.address())).as("in contact, the primary takes writes").isTrue();
        }

        bus.vertx().cancelTimer(contact);
        await().atMost(Duration.ofSeconds(15)).until(() -> !writes(primary.address()));

        try (NodeAdmin admin = new NodeAdmin(replica.address(), RedisAuth.none(), Duration.ofSeconds(2))) {
          assertThat(admin.call("CLUSTER", "FAILOVER", "TAKEOVER")).isEqualTo("OK");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> writes(replica.address()));
        // The fence renews its 3 s pause every second; 5 s of acknowledged writes show it stood down.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < until) {
          assertThat(writes(replica.address())).as("the taken-over primary keeps taking writes").isTrue();
        }
      } finally {
        bus.vertx().cancelTimer(contact);
        agent.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private RedisServerProcess clusterNode(String name) throws Exception {
    return RedisServerProcess.start(RedisBinary.locate(), dir.resolve(name), FreePorts.redisPort(),
        RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5)), Duration.ofSeconds(10));
  }

  /** The node as the only primary of a cluster (all slots), and an agent beside it that fences after 1 s. */
  private static BusProcess<AgentVerticle> aloneWithItsAgent(String agentId, RedisServerProcess primary, BusListener bus)
      throws Exception {
    new Bootstrap(RedisAuth.none(), Duration.ofSeconds(30), false, line -> { })
        .run(BootstrapPlan.plain(Map.of(primary.address(), new SlotRange(0, 16383)), Map.of(), Map.of()));
    AgentConfig config = new AgentConfig(agentId, "it", "r1", List.of(primary.address()), Duration.ofMillis(250),
        Duration.ofMillis(500), RedisAuth.none(), bus.joinConfig(), AgentConfig.Fencing.on(3, Duration.ofSeconds(1)));
    return Agent.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** One write on a fresh connection (a paused write leaves its connection waiting): acknowledged within 500 ms? */
  private static boolean writes(String address) {
    try (NodeAdmin client = new NodeAdmin(address, RedisAuth.none(), Duration.ofMillis(500))) {
      return "OK".equals(client.call("SET", "k", "v"));
    } catch (RuntimeException e) {
      return false;
    }
  }
}
