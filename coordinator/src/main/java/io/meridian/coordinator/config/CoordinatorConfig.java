package io.meridian.coordinator.config;

import io.meridian.runtime.bus.BusConfig;
import io.meridian.runtime.http.HttpTls;
import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.runtime.config.ConfigNode;
import io.meridian.runtime.config.LogLevels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.ClusterSpecReader;
import io.meridian.coordinator.notify.Notifications;

/**
 * Settings of one coordinator process ({@code coordinator.yaml}); documented field by field in
 * the configuration reference, docs/reference/configuration.md.
 *
 * @param regions   every region of the cluster, in order; the coordinator listens to all of them
 * @param staleAfter a node whose last report is older than this is shown as stale (not dead:
 *                   the agent may be gone while the node still serves)
 * @param spec      the desired cluster, when given: enables {@code /api/v1/check}
 * @param logLevel  root log level (TRACE … OFF)
 * @param notifications webhooks that hear about cluster events (none by default)
 * @param rebalance how the leader keeps the layout right (needs {@code spec})
 * @param httpTls   HTTPS on the API port ({@code http.tls}); plain HTTP when empty
 * @param redisTls  TLS for the reachability check's connections to the nodes ({@code redis.tls})
 */
public record CoordinatorConfig(
    String coordinatorId,
    String cluster,
    String region,
    List<String> regions,
    Duration staleAfter,
    String httpHost,
    int httpPort,
    BusConfig bus,
    Optional<ClusterSpec> spec,
    String logLevel,
    Leadership leadership,
    Optional<io.meridian.runtime.config.Secret> operatorToken,
    Notifications notifications,
    Rebalance rebalance,
    Optional<HttpTls> httpTls,
    Optional<io.meridian.runtime.config.RedisTls> redisTls) {

  public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(2);
  public static final int DEFAULT_HTTP_PORT = 8080;

  public CoordinatorConfig {
    regions = List.copyOf(regions);
    java.util.Objects.requireNonNull(notifications, "notifications");
    java.util.Objects.requireNonNull(spec, "spec");
  }

  /** Plain TCP to Redis. */
  public CoordinatorConfig(String coordinatorId, String cluster, String region, List<String> regions,
      Duration staleAfter, String httpHost, int httpPort, BusConfig bus, Optional<ClusterSpec> spec, String logLevel,
      Leadership leadership, Optional<io.meridian.runtime.config.Secret> operatorToken, Notifications notifications,
      Rebalance rebalance, Optional<HttpTls> httpTls) {
    this(coordinatorId, cluster, region, regions, staleAfter, httpHost, httpPort, bus, spec, logLevel, leadership,
        operatorToken, notifications, rebalance, httpTls, Optional.empty());
  }

  /** Plain HTTP. */
  public CoordinatorConfig(String coordinatorId, String cluster, String region, List<String> regions,
      Duration staleAfter, String httpHost, int httpPort, BusConfig bus, Optional<ClusterSpec> spec, String logLevel,
      Leadership leadership, Optional<io.meridian.runtime.config.Secret> operatorToken, Notifications notifications,
      Rebalance rebalance) {
    this(coordinatorId, cluster, region, regions, staleAfter, httpHost, httpPort, bus, spec, logLevel, leadership,
        operatorToken, notifications, rebalance, Optional.empty());
  }

  /** A coordinator logging at INFO, without leadership or operator API: for tests and embedding. */
  public CoordinatorConfig(String coordinatorId, String cluster, String region, List<String> regions,
      Duration staleAfter, String httpHost, int httpPort, BusConfig bus, Optional<ClusterSpec> spec) {
    this(coordinatorId, cluster, region, regions, staleAfter, httpHost, httpPort, bus, spec, "INFO",
        new Leadership(false, 3, Duration.ofSeconds(5), Leadership.DEFAULT_LEASE, Duration.ofSeconds(5),
            Duration.ofMinutes(10), Duration.ofSeconds(3), Duration.ofSeconds(1), Leadership.DEFAULT_MEMBER_TIMEOUT,
            Leadership.DEFAULT_PORT, List.of()),
        Optional.empty(),
        Notifications.none(), Rebalance.defaults());
  }

  public static CoordinatorConfig load(Path file, Map<String, String> env) throws ConfigException {
    return read(ConfigFiles.open(file), file.toAbsolutePath().getParent(), env);
  }

  /**
   * @param baseDir where a relative {@code spec} path is resolved (the config file's folder)
   */
  public static CoordinatorConfig read(ConfigNode root, Path baseDir, Map<String, String> env) throws ConfigException {
    String cluster = root.name("cluster");
    String region = root.name("region");
    String id = root.name("coordinatorId", "coordinator-" + region);
    Optional<ClusterSpec> spec = ClusterSpecReader.named(root, baseDir, env);
    List<String> fromSpec = spec.map(ClusterSpec::regionNames).orElse(List.of());
    List<String> regions = root.strings("regions", fromSpec,
        r -> r.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}") ? null : "must be a region name (letters, digits, '.', '_', '-'), got \"" + r + "\"");
    if (regions.isEmpty()) {
      throw root.error("regions", "must list every region of the cluster (3 to 5), in order (or give 'spec')");
    }
    if (spec.isPresent() && !regions.equals(fromSpec)) {
      throw root.error("regions", "is " + regions + " but the spec's regions are " + fromSpec
          + "; remove 'regions' to take them from the spec");
    }
    if (regions.size() < 3 || regions.size() > 5) {
      throw root.error("regions", "must list 3 to 5 regions, got " + regions.size());
    }
    if (new HashSet<>(regions).size() != regions.size()) {
      throw root.error("regions", "lists a region twice");
    }
    if (!regions.contains(region)) {
      throw root.error("region", "\"" + region + "\" is not one of the cluster's regions " + regions);
    }
    Duration staleAfter = root.duration("staleAfter", DEFAULT_STALE_AFTER, Duration.ofMillis(200), Duration.ofMinutes(10));
    ConfigNode http = root.object("http");
    String httpHost = http.string("host", "127.0.0.1");
    int httpPort = http.integer("port", DEFAULT_HTTP_PORT, 1, 65535);
    Optional<HttpTls> httpTls = HttpTls.read(http);
    ConfigNode busNode = root.object("bus");
    BusConfig bus = BusConfig.read(busNode, env, BusConfig.Role.COORDINATOR);
    String logLevel = LogLevels.read(root, env);
    Leadership leadership = Leadership.read(root.object("leadership"), bus);
    if (spec.isPresent()) {
      Optional<String> unsafe = fenceComesFirst(spec.get(), leadership);
      if (unsafe.isPresent()) {
        throw root.error("spec", unsafe.get());
      }
    }
    Optional<io.meridian.runtime.config.Secret> token = operatorToken(root.object("operator"), env);
    Notifications notifications = Notifications.read(root.object("notifications"), env);
    Rebalance rebalance = Rebalance.read(root.object("rebalance"));
    Optional<io.meridian.runtime.config.RedisTls> redisTls = io.meridian.runtime.config.RedisTls.read(
        root.object("redis"));
    root.finish();
    return new CoordinatorConfig(id, cluster, region, regions, staleAfter, httpHost, httpPort, bus, spec, logLevel,
        leadership, token, notifications, rebalance, httpTls, redisTls);
  }

  /**
   * Why the spec's timings would let a promotion come before an isolated primary's write fence, if
   * they do. Meridian's own promotions wait for each agent's reported fence delay plus
   * {@code leadership.fenceMargin} by construction; Redis's native failover (on when the spec sets
   * {@code clusterReplicaNoFailover: false}) knows nothing of the fence and promotes once
   * {@code clusterNodeTimeout} has passed, so that timeout must cover the agents' default fence
   * delay, the margin and the observers' 0.5 s head start.
   */
  static Optional<String> fenceComesFirst(ClusterSpec spec, Leadership leadership) {
    io.meridian.runtime.spec.RedisSettings redis = spec.settings();
    Duration needed = Duration.ofMillis(io.meridian.messages.NodeHealthReport.DEFAULT_FENCE_AFTER_MS)
        .plus(leadership.fenceMargin()).plusMillis(500);
    if (redis.clusterReplicaNoFailover() || redis.clusterNodeTimeout().compareTo(needed) >= 0) {
      return Optional.empty();
    }
    return Optional.of("redis.clusterNodeTimeout " + redis.clusterNodeTimeout().toMillis() + "ms with "
        + "clusterReplicaNoFailover: false lets Redis's own failover promote a replica before a cut-off primary's "
        + "agent has paused its writes (agents fence after " + io.meridian.messages.NodeHealthReport
        .DEFAULT_FENCE_AFTER_MS + "ms by default, plus leadership.fenceMargin " + leadership.fenceMargin().toMillis()
        + "ms and 500ms for observers): raise clusterNodeTimeout to at least " + needed.toMillis() + "ms, or leave "
        + "failover to Meridian (clusterReplicaNoFailover: true)");
  }

  /** The operator token comes from an environment variable the file names, never from the file. */
  private static Optional<io.meridian.runtime.config.Secret> operatorToken(ConfigNode operator, Map<String, String> env)
      throws ConfigException {
    if (!operator.has("tokenEnv")) {
      return Optional.empty();
    }
    String variable = operator.string("tokenEnv");
    String value = env.get(variable);
    if (value == null || value.length() < 16) {
      throw operator.error("tokenEnv", "environment variable " + variable
          + (value == null ? " is not set" : " holds fewer than 16 characters; use a long random token"));
    }
    return Optional.of(new io.meridian.runtime.config.Secret(value));
  }
}
