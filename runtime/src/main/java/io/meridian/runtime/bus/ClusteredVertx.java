package io.meridian.runtime.bus;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/** Starts a Vert.x instance on the clustered event bus, as a full or a lite Hazelcast member. */
public final class ClusteredVertx {

  private ClusteredVertx() {
  }

  /**
   * @param lite agents are lite members: they hold no partition data, so their coming and
   *             going never moves cluster state around
   */
  public static Future<Vertx> start(BusConfig bus, boolean lite) {
    return start(bus, lite, java.util.Optional.empty()).map(Started::vertx);
  }

  /** A started member: its Vert.x and the Hazelcast instance underneath (for the CP subsystem). */
  public record Started(Vertx vertx, com.hazelcast.core.HazelcastInstance hazelcast) {
  }

  /** How long an agent keeps trying to join a bus that has a coordinator on it. */
  static final java.time.Duration LITE_JOIN_DEADLINE = java.time.Duration.ofMinutes(2);
  private static final java.time.Duration LITE_JOIN_RETRY = java.time.Duration.ofSeconds(2);
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusteredVertx.class);

  /**
   * As above, with Vert.x's own series (event bus, and for coordinators HTTP server and pools) in
   * {@code registry}. A lite member (an agent) that finds no coordinator on the bus (it could not
   * reach one in time, e.g. started first or on a loaded host, and met only other agents) leaves
   * and joins again every 2 s for up to 2 minutes, instead of failing: the bus's data lives on
   * coordinators only.
   */
  public static Future<Started> start(BusConfig bus, boolean lite, java.util.Optional<MeterRegistry> registry) {
    try {
      bus.tls().ifPresent(BusTlsRenewal::check);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (!lite) {
      return attempt(bus, false, registry);
    }
    return attemptLite(bus, registry, System.nanoTime() + LITE_JOIN_DEADLINE.toNanos(), 1);
  }

  private static Future<Started> attemptLite(BusConfig bus, java.util.Optional<MeterRegistry> registry, long deadline,
      int n) {
    return attempt(bus, true, registry).transform(ar -> {
      if (ar.succeeded() && hasDataMember(ar.result().hazelcast())) {
        return Future.succeededFuture(ar.result());
      }
      if (ar.failed() && !noDataMember(ar.cause())) {
        return Future.failedFuture(ar.cause());
      }
      Future<Void> left = ar.succeeded() ? ar.result().vertx().close() : Future.succeededFuture();
      if (System.nanoTime() > deadline) {
        return left.transform(v -> Future.failedFuture(new IllegalStateException("no coordinator on the event bus at "
            + bus.members() + " within " + LITE_JOIN_DEADLINE.toSeconds() + " s: start a coordinator, or check "
            + "bus.members, bus.clusterName and the network", ar.failed() ? ar.cause() : null)));
      }
      LOG.atWarn().addKeyValue("attempt", n)
          .log("no coordinator on the event bus at {} yet (only agents met): joining again in {} s", bus.members(),
              LITE_JOIN_RETRY.toSeconds());
      return left.transform(v -> Future.fromCompletionStage(java.util.concurrent.CompletableFuture.runAsync(() -> { },
          java.util.concurrent.CompletableFuture.delayedExecutor(LITE_JOIN_RETRY.toMillis(),
              java.util.concurrent.TimeUnit.MILLISECONDS))))
          .compose(v -> attemptLite(bus, registry, deadline, n + 1));
    });
  }

  private static boolean hasDataMember(com.hazelcast.core.HazelcastInstance hz) {
    return hz.getCluster().getMembers().stream().anyMatch(m -> !m.isLiteMember());
  }

  private static boolean noDataMember(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof com.hazelcast.partition.NoDataMemberInClusterException) {
        return true;
      }
    }
    return false;
  }

  private static Future<Started> attempt(BusConfig bus, boolean lite, java.util.Optional<MeterRegistry> registry) {
    VertxOptions options = new VertxOptions();
    registry.ifPresent(r -> options.setMetricsOptions(metricsOptions(lite)));
    options.getEventBusOptions().setHost(bus.host()).setPort(0);
    bus.tls().ifPresent(tls -> tls.apply(options.getEventBusOptions()));
    if (lite) {
      // Vert.x sizes its pools by core count (2 event loops per core); an agent needs a couple of
      // threads whatever the size of the Redis host it shares.
      options.setEventLoopPoolSize(2).setWorkerPoolSize(4).setInternalBlockingPoolSize(4);
    }
    Config config = hazelcastConfig(bus, lite);
    HazelcastClusterManager manager = new RefreshingClusterManager(config);
    VertxBuilder builder = Vertx.builder().with(options).withClusterManager(manager);
    VertxBuilder measured = registry.map(r -> builder.withMetrics(new MicrometerMetricsFactory(r))).orElse(builder);
    return measured
        .buildClustered()
        .map(vertx -> {
          // Its port is chosen at start: the operator needs it for the firewall and to tell connections apart.
          String at = manager.getNodeInfo().host() + ":" + manager.getNodeInfo().port();
          // Which keys sign and are accepted (ids only): what an operator compares when messages are refused.
          LOG.atInfo().addKeyValue("eventBus", at).log("event bus listening on {} ({}); messages {}", at,
              bus.tls().map(BusTls::toString).orElse("plain TCP"), bus.seal().describe());
          return new Started(vertx, manager.getHazelcastInstance());
        })
        .onFailure(err -> {
          // A failed start may leave its Hazelcast member running: it must not stay in the cluster.
          if (manager.getHazelcastInstance() != null && manager.getHazelcastInstance().getLifecycleService().isRunning()) {
            manager.getHazelcastInstance().shutdown();
          }
        });
  }

  /**
   * Which Vert.x series to keep. Labels are a closed set: no event bus address (reply addresses
   * and per-agent command addresses would grow without bound) and no HTTP path. An agent keeps
   * only the event bus domain: it shares its host with Redis and every meter costs memory.
   */
  static MicrometerMetricsOptions metricsOptions(boolean lite) {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true)
        .setJvmMetricsEnabled(false)
        .setLabels(EnumSet.of(Label.EB_SIDE, Label.EB_FAILURE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE,
            Label.POOL_NAME));
    EnumSet<MetricsDomain> off = lite
        ? EnumSet.complementOf(EnumSet.of(MetricsDomain.EVENT_BUS))
        : EnumSet.of(MetricsDomain.NET_CLIENT, MetricsDomain.DATAGRAM_SOCKET, MetricsDomain.VERTICLES);
    off.forEach(options::addDisabledMetricsCategory);
    return options;
  }

  static Config hazelcastConfig(BusConfig bus, boolean lite) {
    Config config = HazelcastMembers.config(vertxStructures(new Config()), bus.clusterName(), bus.host(), bus.port(),
        100, bus.members());
    config.setLiteMember(lite);
    if (lite) {
      HazelcastMembers.trim(config);
      config.setProperty("hazelcast.operation.thread.count", "1");
    }
    return config;
  }

  /**
   * The maps and multimap Vert.x's cluster manager uses, as its {@code default-cluster.xml}
   * declares them. Built in code: parsing and schema-validating that XML loads some thousand
   * classes that would stay resident in every agent.
   */
  static Config vertxStructures(Config config) {
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return config;
  }
}
