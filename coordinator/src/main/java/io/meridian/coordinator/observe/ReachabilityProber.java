package io.meridian.coordinator.observe;

import io.meridian.messages.Addresses;
import io.meridian.messages.NodeAddress;
import io.meridian.messages.ReachabilityReport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * This coordinator's own, cross-region look at every node: a TCP connection and a {@code PING}
 * each round (any Redis answer, {@code +PONG}, {@code -NOAUTH} or {@code -LOADING}, means it is
 * there). Reachability only: the rich state comes from the agents. Each round's result is
 * published for every coordinator. Runs on the coordinator's context; never blocks.
 */
public final class ReachabilityProber {

  private final Vertx vertx;
  private final String coordinatorId;
  private final String region;
  private final Supplier<Set<String>> targets;
  private final Duration timeout;
  private final Clock clock;
  private final io.meridian.messages.Seal seal;
  private final NetClient client;
  private final Map<String, Long> failingSince = new HashMap<>();
  private final Map<String, Long> lastAnswered = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Map<String, Connection> connections = new HashMap<>();

  public ReachabilityProber(Vertx vertx, String coordinatorId, String region, Supplier<Set<String>> targets,
      Duration timeout, io.meridian.messages.Seal seal, java.util.Optional<io.meridian.runtime.config.RedisTls> tls,
      Clock clock) {
    this.vertx = vertx;
    this.seal = seal;
    this.coordinatorId = coordinatorId;
    this.region = region;
    this.targets = targets;
    this.timeout = timeout;
    this.clock = clock;
    NetClientOptions options = new NetClientOptions().setConnectTimeout((int) timeout.toMillis());
    // On TLS nodes the PING goes through TLS too; the node's certificate is checked against the CA
    // only, with the same managers as every other Meridian connection (they follow the files).
    tls.ifPresent(t -> {
      options.setSsl(true).setHostnameVerificationAlgorithm("")
          .setTrustOptions(io.vertx.core.net.TrustOptions.wrap(t.trustManagers().getTrustManagers()[0]));
      t.keyManagers().ifPresent(keys -> options.setKeyCertOptions(io.vertx.core.net.KeyCertOptions.wrap(
          (javax.net.ssl.X509KeyManager) keys.getKeyManagers()[0])));
    });
    this.client = vertx.createNetClient(options);
  }

  /** One round: probe every target not still being probed, then publish what is known. */
  public void round() {
    Set<String> current = targets.get();
    List<String> probed = new ArrayList<>(current);
    failingSince.keySet().retainAll(current);
    lastAnswered.keySet().retainAll(current);
    List.copyOf(connections.keySet()).stream().filter(n -> !current.contains(n)).forEach(this::drop);
    for (String node : probed) {
      if (inFlight.add(node)) {
        ping(node).onComplete(ar -> {
          inFlight.remove(node);
          if (ar.succeeded()) {
            lastAnswered.put(node, clock.millis());
            if (failingSince.remove(node) != null) {
              // Said at once, not at the next round: right after a cut heals, an observer still
              // failing makes a node that answers its own agent look cut off from the others.
              publish(probed);
            }
          } else {
            // Unreachable since it last answered, not since this probe gave up.
            failingSince.putIfAbsent(node, lastAnswered.getOrDefault(node, clock.millis()));
          }
        });
      }
    }
    publish(probed);
  }

  private void publish(List<String> probed) {
    vertx.eventBus().publish(Addresses.REACHABILITY, seal.encode(new ReachabilityReport(coordinatorId, region,
        clock.millis(), probed, Map.copyOf(failingSince))));
  }

  /**
   * PINGs {@code node} on its kept connection (opened on first use, or again after it broke):
   * a fresh TCP connection per round per node would be thousands of connections a second at
   * a thousand nodes. A PING left unanswered drops the connection, so a hung node is found
   * again by the next round's connect.
   */
  private Future<Void> ping(String node) {
    Promise<Void> answered = Promise.promise();
    long timer = vertx.setTimer(timeout.toMillis(), id -> {
      if (answered.tryFail("no answer within " + timeout.toMillis() + " ms")) {
        drop(node);
      }
    });
    connection(node).onComplete(ar -> {
      if (ar.failed()) {
        answered.tryFail(ar.cause());
      } else if (!answered.future().isComplete()) {
        ar.result().waiting = answered;
        ar.result().socket.write(Buffer.buffer("PING\r\n"));
      }
    });
    return answered.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  /** A kept connection to one node and the PING waiting for its answer, if any. */
  private static final class Connection {
    final NetSocket socket;
    Promise<Void> waiting;

    Connection(NetSocket socket) {
      this.socket = socket;
    }

    void fail(Object cause) {
      Promise<Void> w = waiting;
      waiting = null;
      if (w != null) {
        w.tryFail(cause instanceof Throwable t ? t : new IllegalStateException(String.valueOf(cause)));
      }
    }
  }

  private Future<Connection> connection(String node) {
    Connection kept = connections.get(node);
    if (kept != null) {
      return Future.succeededFuture(kept);
    }
    return client.connect(NodeAddress.port(node), NodeAddress.host(node)).map(socket -> {
      Connection c = new Connection(socket);
      socket.handler(reply -> {
        Promise<Void> w = c.waiting;
        c.waiting = null;
        String text = reply.toString();
        if (w == null) {
          return;
        }
        if (text.startsWith("+PONG") || text.startsWith("-NOAUTH") || text.startsWith("-LOADING")) {
          w.tryComplete();
        } else {
          w.tryFail("unexpected answer");
          drop(node);
        }
      });
      socket.exceptionHandler(e -> {
        c.fail(e);
        drop(node);
      });
      socket.closeHandler(v -> {
        c.fail("connection closed by " + node);
        connections.remove(node, c);
      });
      Connection raced = connections.putIfAbsent(node, c);
      if (raced != null) {
        socket.close();
        return raced;
      }
      return c;
    });
  }

  private void drop(String node) {
    Connection c = connections.remove(node);
    if (c != null) {
      c.fail("connection to " + node + " dropped");
      c.socket.close();
    }
  }

  public Future<Void> close() {
    List.copyOf(connections.keySet()).forEach(this::drop);
    return client.close();
  }
}
