package io.meridian.runtime.testing;

import io.meridian.messages.Message;
import io.meridian.messages.MessageRejected;
import io.meridian.messages.Wire;
import io.meridian.runtime.bus.BusConfig;
import io.meridian.runtime.bus.ClusteredVertx;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A full member of a real clustered event bus that records every message published on some
 * addresses, strictly decoded, for tests to assert on.
 */
public final class BusListener implements AutoCloseable {

  private final Vertx vertx;
  private final BusConfig config;
  private final List<Message> received = new CopyOnWriteArrayList<>();
  private final List<String> rejected = new CopyOnWriteArrayList<>();

  private BusListener(Vertx vertx, BusConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Starts a new bus (a fresh cluster name) with this listener as its first member. */
  public static BusListener startNewBus(String... addresses) throws Exception {
    int port = FreePorts.any();
    BusConfig config = new BusConfig("it-" + UUID.randomUUID().toString().substring(0, 8), "127.0.0.1", port,
        List.of("127.0.0.1:" + port));
    Vertx vertx = ClusteredVertx.start(config, false).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    BusListener listener = new BusListener(vertx, config);
    for (String address : addresses) {
      vertx.eventBus().<Buffer>consumer(address, m -> {
        try {
          listener.received.add(Wire.decode(m.body()));
        } catch (MessageRejected e) {
          listener.rejected.add(e.getMessage());
        }
      }).completion().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    return listener;
  }

  /** Config for another process to join this bus: same cluster name, this member as seed. */
  public BusConfig joinConfig() {
    return new BusConfig(config.clusterName(), "127.0.0.1", config.port() + 1, config.members());
  }

  public Vertx vertx() {
    return vertx;
  }

  public <T extends Message> List<T> received(Class<T> kind, Predicate<T> filter) {
    return received.stream().filter(kind::isInstance).map(kind::cast).filter(filter).collect(Collectors.toList());
  }

  public List<String> rejected() {
    return List.copyOf(rejected);
  }

  public void clear() {
    received.clear();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  public static Duration await() {
    return Duration.ofSeconds(30);
  }
}
