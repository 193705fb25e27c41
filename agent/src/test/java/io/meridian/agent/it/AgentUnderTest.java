package io.meridian.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.agent.AgentVerticle;
import io.meridian.messages.Addresses;
import io.meridian.messages.Command;
import io.meridian.messages.CommandResult;
import io.meridian.messages.Wire;
import io.meridian.runtime.bus.BusProcess;
import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.testing.BusListener;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** What the agent ITs that command a real agent share: sending it a command, and the teardown. */
final class AgentUnderTest {

  private AgentUnderTest() {
  }

  /** {@code command} to agent {@code agentId} over the test's bus (unsigned), and its answer. */
  static Future<CommandResult> send(BusListener bus, String agentId, Command command, Duration timeout) {
    return bus.vertx().eventBus().<Buffer>request(Addresses.commands(agentId), Wire.encode(command),
        new DeliveryOptions().setSendTimeout(timeout.toMillis())).map(reply -> {
          try {
            return Wire.decode(reply.body(), CommandResult.class);
          } catch (io.meridian.messages.MessageRejected e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** Stops the agent, the bus and every server, and checks that no server is left running. */
  static void stopAll(BusProcess<AgentVerticle> agent, BusListener bus, List<RedisServerProcess> servers)
      throws Exception {
    if (agent != null) {
      agent.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (bus != null) {
      bus.close();
    }
    servers.forEach(s -> s.stop(Duration.ofSeconds(5)));
    servers.forEach(s -> assertThat(s.isAlive()).isFalse());
  }

  /** A loopback port that counts the connections made to it: where a stranger would listen. */
  static final class Stranger implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();

    Stranger() throws java.io.IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread accepting = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket ignored = socket.accept()) {
            connections.incrementAndGet();
          } catch (java.io.IOException e) {
            return;
          }
        }
      }, "stranger");
      accepting.setDaemon(true);
      accepting.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    String address() {
      return "127.0.0.1:" + port();
    }

    int connections() {
      return connections.get();
    }

    @Override
    public void close() throws java.io.IOException {
      socket.close();
    }
  }
}
