package io.meridian.agent.config;

import io.meridian.messages.NodeAddress;
import io.meridian.runtime.bus.BusConfig;
import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.runtime.config.ConfigNode;
import io.meridian.runtime.config.LogLevels;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.http.HttpTls;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.ClusterSpecReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;

/**
 * Settings of one agent process ({@code agent.yaml}). Every field, its default and its bounds are
 * listed in the configuration reference, docs/reference/configuration.md.
 *
 * @param reportEvery the longest an unchanged node goes unreported (a change is reported at once);
 *                    keep it well under the coordinators' {@code staleAfter}
 * @param httpPort port of the agent's {@code /health}, {@code /ready} and {@code /metrics}; 0 = no HTTP server
 * @param logLevel root log level (TRACE … OFF)
 * @param httpTls  HTTPS on that port ({@code http.tls}); plain HTTP when empty
 */
public record AgentConfig(
    String agentId,
    String cluster,
    String region,
    List<String> nodes,
    Duration probeInterval,
    Duration probeTimeout,
    Duration reportEvery,
    RedisAuth auth,
    BusConfig bus,
    String httpHost,
    int httpPort,
    String logLevel,
    Fencing fencing,
    Optional<HttpTls> httpTls,
    Optional<ClusterSpec> spec) {

  /** Plain HTTP, no spec. */
  public AgentConfig(String agentId, String cluster, String region, List<String> nodes, Duration probeInterval,
      Duration probeTimeout, Duration reportEvery, RedisAuth auth, BusConfig bus, String httpHost, int httpPort,
      String logLevel, Fencing fencing) {
    this(agentId, cluster, region, nodes, probeInterval, probeTimeout, reportEvery, auth, bus, httpHost, httpPort,
        logLevel, fencing, Optional.empty(), Optional.empty());
  }

  /**
   * Write fencing of isolated primaries: on unless turned off explicitly.
   *
   * @param enabled false only when {@code fencing.enabled: false} says so (logged at start)
   * @param regions the cluster's number of regions, or 0 to take it from the leader's announcements
   *                and the coordinators heard (see {@link io.meridian.agent.fence.WriteFence})
   * @param after   how long isolation must last before writes are paused; the leader waits this
   *                plus its {@code leadership.fenceMargin} before promoting in place of an
   *                unreachable primary, so it must stay well under {@code leadership.failureTimeout}
   */
  public record Fencing(boolean enabled, int regions, Duration after) {
    public static final Duration DEFAULT_AFTER = Duration.ofMillis(io.meridian.messages.NodeHealthReport.DEFAULT_FENCE_AFTER_MS);

    public static Fencing off() {
      return new Fencing(false, 0, DEFAULT_AFTER);
    }

    public static Fencing on(int regions, Duration after) {
      return new Fencing(true, regions, after);
    }

    /** What the agent tells the leader in every report: 0 when it does not fence. */
    public long afterMillisReported() {
      return enabled ? after.toMillis() : 0;
    }
  }

  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(250);
  public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(1);
  /** Half the coordinators' default staleAfter (2 s): a lost heartbeat does not make a node stale. */
  public static final Duration DEFAULT_REPORT_EVERY = Duration.ofSeconds(1);
  /** Clear of redis_exporter's 9121, which often runs on the same hosts. */
  public static final int DEFAULT_HTTP_PORT = 9470;

  public AgentConfig {
    nodes = List.copyOf(nodes);
    java.util.Objects.requireNonNull(spec, "spec");
  }

  /** An agent without HTTP server, logging at INFO: for tests and embedding. */
  public AgentConfig(String agentId, String cluster, String region, List<String> nodes, Duration probeInterval,
      Duration probeTimeout, RedisAuth auth, BusConfig bus) {
    this(agentId, cluster, region, nodes, probeInterval, probeTimeout, auth, bus, Fencing.off());
  }

  /** As above, with write fencing. */
  public AgentConfig(String agentId, String cluster, String region, List<String> nodes, Duration probeInterval,
      Duration probeTimeout, RedisAuth auth, BusConfig bus, Fencing fencing) {
    this(agentId, cluster, region, nodes, probeInterval, probeTimeout, DEFAULT_REPORT_EVERY, auth, bus, "127.0.0.1", 0,
        "INFO", fencing);
  }

  public static AgentConfig load(Path file, Map<String, String> env) throws ConfigException {
    return read(ConfigFiles.open(file), file.toAbsolutePath().getParent(), env);
  }

  /** A config whose {@code spec}, if any, is relative to the working directory. */
  public static AgentConfig read(ConfigNode root, Map<String, String> env) throws ConfigException {
    return read(root, Path.of(""), env);
  }

  /** @param baseDir where a relative {@code spec} path is resolved (the config file's folder) */
  public static AgentConfig read(ConfigNode root, Path baseDir, Map<String, String> env) throws ConfigException {
    String cluster = root.name("cluster");
    String region = root.name("region");
    String agentId = root.name("agentId", defaultId(region));
    List<String> nodes = root.strings("nodes", List.of(),
        n -> NodeAddress.isValid(n) ? null : "must be host:port of a Redis node, got \"" + n + "\"");
    if (nodes.isEmpty()) {
      throw root.error("nodes", "must list at least one Redis node to probe (host:port)");
    }
    if (new HashSet<>(nodes).size() != nodes.size()) {
      throw root.error("nodes", "lists a node twice");
    }
    ConfigNode probe = root.object("probe");
    Duration interval = probe.duration("interval", DEFAULT_PROBE_INTERVAL, Duration.ofMillis(50), Duration.ofSeconds(10));
    Duration timeout = probe.duration("timeout", DEFAULT_PROBE_TIMEOUT, Duration.ofMillis(50), Duration.ofSeconds(30));
    Duration reportEvery = probe.duration("reportEvery", DEFAULT_REPORT_EVERY, Duration.ofMillis(50),
        Duration.ofSeconds(10));
    RedisAuth auth = RedisAuth.read(root.object("redis"), env);
    BusConfig bus = BusConfig.read(root.object("bus"), env, BusConfig.Role.AGENT);
    ConfigNode http = root.object("http");
    String httpHost = http.string("host", "127.0.0.1");
    int httpPort = http.integer("port", DEFAULT_HTTP_PORT, 0, 65535);
    Optional<HttpTls> httpTls = HttpTls.read(http);
    String logLevel = LogLevels.read(root, env);
    ConfigNode fencing = root.object("fencing");
    boolean fence = fencing.bool("enabled", true);
    int regions = fencing.integer("regions", 0, 0, 5);
    if (regions > 0 && regions < 3) {
      throw fencing.error("regions", "must be the cluster's number of regions (3 to 5), or left out to take it from "
          + "the leader (to turn fencing off, set fencing.enabled: false)");
    }
    Duration after = fencing.duration("after", Fencing.DEFAULT_AFTER, Duration.ofMillis(500), Duration.ofMinutes(10));
    Optional<ClusterSpec> spec = ClusterSpecReader.named(root, baseDir, env);
    if (spec.isPresent()) {
      requireClusterOf(root, spec.get(), cluster);
    }
    root.finish();
    return new AgentConfig(agentId, cluster, region, nodes, interval, timeout, reportEvery, auth, bus, httpHost, httpPort,
        logLevel, new Fencing(fence, regions, after), httpTls, spec);
  }

  /** An agent checks the leader's cluster changes against its spec: it must be the spec of its cluster. */
  private static void requireClusterOf(ConfigNode root, ClusterSpec spec, String cluster) throws ConfigException {
    if (!spec.cluster().equals(cluster)) {
      throw root.error("spec", "is the spec of cluster '" + spec.cluster() + "', but this agent's cluster is '"
          + cluster + "'");
    }
  }

  private static String defaultId(String region) {
    String host = System.getenv().getOrDefault("HOSTNAME", "");
    if (host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        host = "host";
      }
    }
    String id = (region + "-" + host).replaceAll("[^A-Za-z0-9._-]", "-");
    return id.length() > 63 ? id.substring(0, 63) : id;
  }
}
