package io.meridian.coordinator.observe;

import io.meridian.messages.Addresses;
import io.meridian.messages.NodeAddress;
import io.meridian.messages.ReachabilityReport;
import io.meridian.messages.Wire;
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
  private final NetClient client;
  private final Map<String, Long> failingSince = new HashMap<>();
  private final Map<String, Long> lastAnswered = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();

  public ReachabilityProber(Vertx vertx, String coordinatorId, String region, Supplier<Set<String>> targets,
      Duration timeout, Clock clock) {
    this.vertx = vertx;
    this.coordinatorId = coordinatorId;
    this.region = region;
    this.targets = targets;
    this.timeout = timeout;
    this.clock = clock;
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) timeout.toMillis()));
  }

  /** One round: probe every target not still being probed, then publish what is known. */
  public void round() {
    List<String> probed = new ArrayList<>(targets.get());
    failingSince.keySet().retainAll(probed);
    lastAnswered.keySet().retainAll(probed);
    for (String node : probed) {
      if (inFlight.add(node)) {
        ping(node).onComplete(ar -> {
          inFlight.remove(node);
          if (ar.succeeded()) {
            failingSince.remove(node);
            lastAnswered.put(node, clock.millis());
          } else {
            // Unreachable since it last answered, not since this probe gave up.
            failingSince.putIfAbsent(node, lastAnswered.getOrDefault(node, clock.millis()));
          }
        });
      }
    }
    vertx.eventBus().publish(Addresses.REACHABILITY, Wire.encode(new ReachabilityReport(coordinatorId, region,
        clock.millis(), probed, Map.copyOf(failingSince))));
  }

  private Future<Void> ping(String node) {
    Promise<Void> answered = Promise.promise();
    long timer = vertx.setTimer(timeout.toMillis(), id -> answered.tryFail("no answer within " + timeout.toMillis() + " ms"));
    client.connect(NodeAddress.port(node), NodeAddress.host(node)).onComplete(ar -> {
      if (ar.failed()) {
        answered.tryFail(ar.cause());
        return;
      }
      NetSocket socket = ar.result();
      socket.handler(reply -> {
        String text = reply.toString();
        if (text.startsWith("+PONG") || text.startsWith("-NOAUTH") || text.startsWith("-LOADING")) {
          answered.tryComplete();
        } else {
          answered.tryFail("unexpected answer");
        }
      });
      socket.exceptionHandler(answered::tryFail);
      socket.write(Buffer.buffer("PING\r\n"));
      answered.future().onComplete(done -> socket.close());
    });
    return answered.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  public Future<Void> close() {
    return client.close();
  }
}
