package io.meridian.coordinator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.messages.Addresses;
import io.meridian.messages.ReachabilityReport;
import io.meridian.messages.Wire;
import io.meridian.runtime.process.RedisBinary;
import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.process.Signals;
import io.meridian.runtime.testing.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a real redis-server probed twice a second, the prober keeps one connection to it, finds
 * it unreachable when it hangs or dies, and reachable again when it answers.
 */
class ReachabilityProberIT {

  @TempDir
  Path dir;
  private Vertx vertx;
  private RedisServerProcess redis;

  @AfterEach
  void stop() throws Exception {
    if (redis != null) {
      redis.kill();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void oneKeptConnectionAnswersEveryRoundAndAHungOrDeadNodeIsFailing() throws Exception {
    int port = FreePorts.redisPort();
    redis = RedisServerProcess.start(RedisBinary.locate(), dir, port, Map.of(), Duration.ofSeconds(10));
    String node = "127.0.0.1:" + port;
    vertx = Vertx.vertx();
    AtomicReference<ReachabilityReport> last = new AtomicReference<>();
    vertx.eventBus().<Buffer>consumer(Addresses.REACHABILITY, m -> {
      try {
        last.set(Wire.decode(m.body(), ReachabilityReport.class));
      } catch (io.meridian.messages.MessageRejected e) {
        throw new AssertionError("the prober published a malformed report", e);
      }
    });
    ReachabilityProber prober = new ReachabilityProber(vertx, "c1", "r1", () -> Set.of(node), Duration.ofMillis(300),
        io.meridian.messages.Seal.insecure(), java.util.Optional.empty(),
        Clock.systemUTC());
    long timer = vertx.setPeriodic(100, id -> prober.round());
    long before = connectionsReceived(port);
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
    assertThat(last.get().failing()).isEmpty();
    // ~20 rounds: a connection per round would be ~20. Kept: the prober's one (plus a reconnect
    // should a PING miss its 300 ms on a loaded machine) and the one this test reads with.
    assertThat(connectionsReceived(port) - before).as("connections opened by 20 rounds").isLessThanOrEqualTo(4);

    Signals.send(redis.pid(), "STOP");
    try {
      await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(last.get().failing()).containsKey(node));
    } finally {
      Signals.send(redis.pid(), "CONT");
    }
    await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(last.get().failing()).isEmpty());

    redis.kill();
    await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(last.get().failing()).containsKey(node));
    vertx.cancelTimer(timer);
    prober.close().await();
  }

  /** INFO stats over a plain socket: the coordinator module has no Redis client of its own. */
  private static long connectionsReceived(int port) throws java.io.IOException {
    String info;
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(2000);
      socket.getOutputStream().write("INFO stats\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII));
      int length = Integer.parseInt(in.readLine().substring(1));
      char[] body = new char[length];
      int read = 0;
      while (read < length) {
        read += in.read(body, read, length - read);
      }
      info = new String(body);
    }
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("total_connections_received:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    throw new AssertionError("no total_connections_received in INFO stats");
  }
}
