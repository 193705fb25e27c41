package io.meridian.runtime.bus;

import io.meridian.monitoring.MeridianMetrics;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Meridian process on the clustered event bus: its metrics registry, its Vert.x instance and
 * the one verticle that does its work. {@link #stop()} undoes {@link #start} in reverse order.
 */
public final class BusProcess<V extends Deployable> {

  private static final Logger LOG = LoggerFactory.getLogger(BusProcess.class);

  private final String name;
  private final Vertx vertx;
  private final MeridianMetrics metrics;
  private final V verticle;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final io.vertx.core.Promise<String> lost = io.vertx.core.Promise.promise();
  private final java.util.List<Companion> companions = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The bus TLS files in force: those of the start, then of the last renewal. */
  private volatile java.util.Optional<BusTls> busTls;

  /**
   * Another cluster member of this process that it cannot live without (a coordinator's
   * leadership member), which may replace its Hazelcast instance on purpose: it, not this
   * process, tells an intentional replacement from a loss.
   */
  public interface Companion {
    /** {@code lost} hears, once and with the reason, that the member is gone for good. */
    void whenLost(java.util.function.Consumer<String> lost);

    /** Leaves its cluster; blocking. */
    void close();
  }

  private BusProcess(String name, Vertx vertx, MeridianMetrics metrics, V verticle,
      java.util.Optional<BusTls> busTls) {
    this.name = name;
    this.vertx = vertx;
    this.metrics = metrics;
    this.verticle = verticle;
    this.busTls = busTls;
  }

  /**
   * @param role      {@code agent} or {@code coordinator} (a metrics label, and lite membership for agents)
   * @param name      the process's id, for logs
   * @param tags      labels on every metric
   * @param work      builds the verticle once metrics exist
   */
  public static <V extends Deployable> Future<BusProcess<V>> start(String role, String name, Map<String, String> tags,
      BusConfig bus, Function<MeridianMetrics, V> work) {
    MeridianMetrics metrics = MeridianMetrics.create(role, tags);
    if (!bus.seal().secure()) {
      LOG.atWarn().addKeyValue("process", name).addKeyValue("setting", "bus.insecure")
          .log("{}: the bus is INSECURE (bus.insecure: true): messages are neither signed nor checked, so any process "
              + "that reaches the bus ports can command the agents and pose as the leader. Set bus.signing for "
              + "anything but a throw-away test", name);
    } else if (bus.tls().isEmpty()) {
      LOG.atWarn().addKeyValue("process", name).addKeyValue("setting", "bus.tls")
          .log("{}: the event bus runs on plain TCP (bus.tls is not set): messages are signed, but readable on the "
              + "network, and any process that reaches the bus ports can deliver frames (refused, but read). Set "
              + "bus.tls (`meridian certs` makes a CA and certificates)", name);
    }
    return ClusteredVertx.start(bus, role.equals("agent"), java.util.Optional.of(metrics.registry()))
        .compose(started -> {
          Vertx vertx = started.vertx();
          V verticle = work.apply(metrics);
          return vertx.deployVerticle(verticle)
              .map(id -> new BusProcess<>(name, vertx, metrics, verticle, bus.tls()).watch(started.hazelcast(), "bus"))
              .recover(err -> {
                LOG.atError().addKeyValue("process", name).log("{} could not start: {}", name, err.getMessage());
                // The failure goes out now, and Vert.x closes behind it: a failure chained after the close
                // was delivered on the closed context (RejectedExecutionException), so nobody heard it and
                // the daemon sat out its 2-minute start timeout, running but serving nothing.
                vertx.close().onFailure(closeErr -> LOG.atWarn().addKeyValue("process", name)
                    .log("{}: closing Vert.x after the failed start: {}", name, closeErr.toString()));
                return Future.<BusProcess<V>>failedFuture(err);
              });
        })
        .onFailure(err -> metrics.close());
  }

  /**
   * Ties another member of this process (a coordinator's leadership member) to it: its loss ends
   * the process as the bus member's does, and {@link #stop()} closes it last.
   */
  public BusProcess<V> alongside(Companion member) {
    companions.add(member);
    member.whenLost(reason -> {
      if (!stopped.get()) {
        lost.tryComplete(reason);
      }
    });
    return this;
  }

  /**
   * Hazelcast can shut a member down on its own (it did, for a coordinator that tried to found the
   * CP group again). The process would then live on, answering HTTP, blind and deaf: better to
   * say so and exit, so that its supervisor starts it again.
   */
  private BusProcess<V> watch(com.hazelcast.core.HazelcastInstance hazelcast, String which) {
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.SHUTTING_DOWN && !stopped.get()) {
        lost.tryComplete("its " + which + " cluster member shut down on its own (state " + event.getState() + "); the log above "
            + "says why");
      }
    });
    return this;
  }

  /** Completes, with the reason, if this process lost its cluster member without {@link #stop()}. */
  public Future<String> lost() {
    return lost.future();
  }

  /**
   * Has the event bus take {@code next} for its new connections when it differs from the files in
   * force ({@link BusTlsRenewal#renew}); turning TLS on or off is not done here (a reload plan
   * keeps that for a restart). Fails, the files in force kept, when {@code next} does not load.
   */
  public Future<Void> renewBusTls(java.util.Optional<BusTls> next) {
    java.util.Optional<BusTls> now = busTls;
    if (now.isEmpty() || next.isEmpty() || next.equals(now)) {
      return Future.succeededFuture();
    }
    return BusTlsRenewal.renew(vertx, next.get()).onSuccess(v -> {
      busTls = next;
      LOG.atInfo().addKeyValue("process", name).addKeyValue("setting", "bus.tls")
          .log("{}: the event bus now uses {} (was {}) for new connections; those already open keep theirs until "
              + "they close", name, next.get(), now.get());
    });
  }

  public V verticle() {
    return verticle;
  }

  public Vertx vertx() {
    return vertx;
  }

  public MeridianMetrics metrics() {
    return metrics;
  }

  /** Stops the work, leaves the cluster and releases everything; safe to call twice. */
  public Future<Void> stop() {
    if (!stopped.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    LOG.atInfo().addKeyValue("process", name).log("{} stopping: leaving the cluster", name);
    return vertx.close().eventually(() -> Future.fromCompletionStage(java.util.concurrent.CompletableFuture.runAsync(
        () -> companions.forEach(Companion::close))))
        .onComplete(ar -> metrics.close());
  }
}
