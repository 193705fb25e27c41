package io.meridian.agent.probe;

import io.meridian.messages.RedisState;
import io.meridian.runtime.config.RedisAuth;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.redisson.client.RedisClient;
import org.redisson.client.RedisClientConfig;
import org.redisson.client.RedisConnection;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.RedisCommand;

/**
 * Probes one Redis node over a single, cluster-unaware Redisson connection: PING, INFO, CLUSTER
 * INFO and CLUSTER NODES, pipelined in one round trip. A probe never fails: it completes with the
 * node's state or with the evidence of why it gave none. Not thread-safe: call {@link #probe()}
 * from one Vert.x context, one probe at a time.
 */
public final class NodeProbe implements AutoCloseable {

  private static final RedisCommand<Object> PING = new RedisCommand<>("PING");
  private static final RedisCommand<Object> INFO = new RedisCommand<>("INFO");
  private static final RedisCommand<Object> CLUSTER_INFO = new RedisCommand<>("CLUSTER", "INFO");
  private static final RedisCommand<Object> CLUSTER_NODES = new RedisCommand<>("CLUSTER", "NODES");
  private static final RedisCommand<Object> CONFIG_GET = new RedisCommand<>("CONFIG", "GET");
  /** Read for the connections-near-limit metric, beside the settings Meridian owns. */
  private static final String MAXCLIENTS = "maxclients";
  private static final List<String> CONFIG_READ = java.util.stream.Stream.concat(RedisState.REPORTED_SETTINGS.stream(),
      java.util.stream.Stream.of(MAXCLIENTS)).toList();

  private final String node;
  private final Context context;
  private final Duration timeout;
  private final RedisClient client;
  private RedisConnection connection;

  public NodeProbe(String node, Context context, ProbeResources resources, Duration timeout, RedisAuth auth) {
    this.node = node;
    this.context = context;
    this.timeout = timeout;
    int millis = (int) timeout.toMillis();
    RedisClientConfig config = io.meridian.agent.admin.RedisConnections.config(node, auth)
        .setGroup(resources.group)
        .setTimer(resources.timer)
        .setExecutor(resources.executor)
        .setResolverGroup(DefaultAddressResolverGroup.INSTANCE)
        .setConnectTimeout(millis)
        .setCommandTimeout(millis)
        .setClientName("meridian-agent");
    this.client = RedisClient.create(config);
  }

  public String node() {
    return node;
  }

  /** One probe round, bounded by the probe timeout. */
  public Future<ProbeResult> probe() {
    long start = System.nanoTime();
    Promise<Replies> done = Promise.promise();
    long timer = context.owner().setTimer(timeout.toMillis(), id -> {
      if (done.tryFail(new ProbeTimeoutException("no answer from " + node + " within " + timeout.toMillis() + " ms"))) {
        // A hung node keeps the connection half-open; start clean next round.
        dropConnection();
      }
    });
    attempt(true, done).onComplete(ar -> {
      context.owner().cancelTimer(timer);
      if (ar.succeeded()) {
        done.tryComplete(ar.result());
      } else {
        done.tryFail(ar.cause());
      }
    });
    return done.future()
        .map(r -> ProbeResult.answered(StateReader.read(r.info(), r.clusterInfo(), r.clusterNodes(), r.owned()),
            StateReader.stats(r.info(), r.clusterInfo(), r.clusterNodes(),
                r.settings().get(MAXCLIENTS)), micros(start, r.pingAnsweredAt())))
        .recover(err -> {
          if (!(err instanceof ProbeTimeoutException)) {
            dropConnection();
          }
          return Future.succeededFuture(ProbeResult.failed(FailureClassifier.classify(err, node),
              micros(start, System.nanoTime())));
        });
  }

  private static long micros(long startNanos, long endNanos) {
    return Math.max(0, TimeUnit.NANOSECONDS.toMicros(endNanos - startNanos));
  }

  /**
   * A kept connection may have died since the last round (the node was killed): the first error
   * on it says "closed", not why. One retry on a fresh connection gets the real evidence
   * (refused, or a timeout) within the same round.
   */
  private Future<Replies> attempt(boolean mayRetry, Promise<Replies> done) {
    boolean reused = connection != null;
    return connection().compose(this::query).recover(err -> {
      dropConnection();
      if (reused && mayRetry && !done.future().isComplete()) {
        return attempt(false, done);
      }
      return Future.failedFuture(err);
    });
  }

  private Future<RedisConnection> connection() {
    if (connection != null && connection.isActive()) {
      return Future.succeededFuture(connection);
    }
    dropConnection();
    return Future.fromCompletionStage(client.connectAsync(), context).map(c -> {
      connection = c;
      return c;
    });
  }

  private Future<Replies> query(RedisConnection c) {
    long millis = timeout.toMillis();
    CompletableFuture<Long> pinged = stage(c.async(millis, StringCodec.INSTANCE, PING))
        .thenApply(pong -> System.nanoTime());
    // server, stats, persistence, keyspace and commandstats only for the workload series redis_exporter
    // exports (RedisSeries); commandstats lists only the commands called at least once.
    CompletableFuture<String> info = text(c.async(millis, StringCodec.INSTANCE, INFO,
        "replication", "memory", "clients", "cluster", "server", "stats", "persistence", "keyspace", "commandstats"));
    CompletableFuture<String> clusterInfo = clusterText(c.async(millis, StringCodec.INSTANCE, CLUSTER_INFO));
    CompletableFuture<String> clusterNodes = clusterText(c.async(millis, StringCodec.INSTANCE, CLUSTER_NODES));
    CompletableFuture<Map<String, String>> settings = settings(c.async(millis, StringCodec.INSTANCE, CONFIG_GET,
        CONFIG_READ.toArray()));
    CompletableFuture<Replies> all = CompletableFuture.allOf(pinged, info, clusterInfo, clusterNodes, settings)
        .thenApply(v -> new Replies(pinged.join(), info.join(), clusterInfo.join(), clusterNodes.join(),
            settings.join()));
    return Future.fromCompletionStage(all, context);
  }

  private static <T> CompletableFuture<T> stage(CompletionStage<T> s) {
    return s.toCompletableFuture();
  }

  private static CompletableFuture<String> text(CompletionStage<Object> reply) {
    return stage(reply).thenApply(String::valueOf);
  }

  /** A node without cluster mode answers CLUSTER commands with an error; that is a fact, not a failure. */
  private static CompletableFuture<String> clusterText(CompletionStage<Object> reply) {
    return text(reply).handle((s, err) -> {
      if (err == null) {
        return CompletableFuture.completedFuture(s);
      }
      if (String.valueOf(rootMessage(err)).contains("cluster support disabled")) {
        return CompletableFuture.<String>completedFuture(null);
      }
      return CompletableFuture.<String>failedFuture(err);
    }).thenCompose(f -> f);
  }

  /**
   * {@code CONFIG GET} answers name, value, name, value… A node where CONFIG is renamed or denied
   * still gets probed; its settings are just not reported (and so not checked).
   */
  private static CompletableFuture<Map<String, String>> settings(CompletionStage<Object> reply) {
    return stage(reply).handle((r, err) -> {
      Map<String, String> settings = new TreeMap<>();
      if (err == null && r instanceof List<?> items) {
        for (int i = 0; i + 1 < items.size(); i += 2) {
          settings.put(String.valueOf(items.get(i)), String.valueOf(items.get(i + 1)));
        }
      }
      return settings;
    });
  }

  private static String rootMessage(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }

  private void dropConnection() {
    RedisConnection c = connection;
    connection = null;
    if (c != null) {
      // closeAsync also stops Redisson's watchdog from reconnecting behind our back.
      c.closeAsync();
    }
  }

  @Override
  public void close() {
    dropConnection();
    client.shutdownAsync();
  }

  private record Replies(long pingAnsweredAt, String info, String clusterInfo, String clusterNodes,
      Map<String, String> settings) {

    /** Only the settings the check looks at are reported. */
    Map<String, String> owned() {
      Map<String, String> owned = new TreeMap<>(settings);
      owned.keySet().retainAll(RedisState.REPORTED_SETTINGS);
      return owned;
    }
  }
}
