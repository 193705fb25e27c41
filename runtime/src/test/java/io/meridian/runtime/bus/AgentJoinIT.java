package io.meridian.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.runtime.testing.FreePorts;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Given an agent (a lite member) that starts before any coordinator, when a coordinator comes up
 * later, then the agent joins its bus instead of failing, and messages flow.
 */
class AgentJoinIT {

  @Test
  void anAgentStartedBeforeAnyCoordinatorJoinsTheBusOnceOneIsUp() throws Exception {
    int port = FreePorts.range(4);
    BusConfig coordinator = new BusConfig("join-" + port, "127.0.0.1", port, List.of("127.0.0.1:" + port));
    BusConfig agent = new BusConfig("join-" + port, "127.0.0.1", port + 1, List.of("127.0.0.1:" + port));
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        ClusteredVertx.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> retries =
        new ch.qos.logback.core.read.ListAppender<>();
    retries.start();
    log.addAppender(retries);
    CompletableFuture<Vertx> agentStarted = ClusteredVertx.start(agent, true).toCompletionStage().toCompletableFuture();
    Vertx data = null;
    Vertx lite = null;
    try {
      // Alone on the bus, the agent does not count as started: it leaves and tries again.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (List.copyOf(retries.list).stream().noneMatch(e -> e.getFormattedMessage().contains("joining again"))) {
        assertThat(System.nanoTime()).as("the lone agent retried within 60 s").isLessThan(deadline);
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
      assertThat(agentStarted).isNotDone();
      data = ClusteredVertx.start(coordinator, false).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      lite = agentStarted.get(60, TimeUnit.SECONDS);
      CompletableFuture<String> received = new CompletableFuture<>();
      data.eventBus().<String>consumer("join.test", m -> received.complete(m.body())).completion()
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      // Subscriptions propagate through the cluster: publish until the consumer hears one.
      Vertx sender = lite;
      long timer = sender.setPeriodic(0, 200, id -> sender.eventBus().publish("join.test", "report"));
      received.get(10, TimeUnit.SECONDS);
      sender.cancelTimer(timer);
      assertThat(received.getNow(null)).isEqualTo("report");
    } finally {
      log.detachAppender(retries);
      agentStarted.cancel(true);
      for (Vertx v : new Vertx[] {lite, data}) {
        if (v != null) {
          v.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
      }
    }
  }
}
