package io.meridian.agent.config;

import io.meridian.messages.NodeAddress;
import io.meridian.runtime.bus.BusConfig;
import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.runtime.config.ConfigNode;
import io.meridian.runtime.config.RedisAuth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Settings of one agent process ({@code agent.yaml}). Every field, its default and its bounds are
 * listed in the README's configuration reference.
 */
public record AgentConfig(
    String agentId,
    String cluster,
    String region,
    List<String> nodes,
    Duration probeInterval,
    Duration probeTimeout,
    RedisAuth auth,
    BusConfig bus,
    Fencing fencing) {

  /**
   * Write fencing of isolated primaries.
   *
   * @param regions the number of regions in the cluster; 0 turns fencing off
   * @param after   how long isolation must last before writes are paused
   */
  public record Fencing(int regions, Duration after) {
    public static Fencing off() {
      return new Fencing(0, Duration.ofSeconds(5));
    }

    public boolean enabled() {
      return regions > 0;
    }
  }

  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(250);
  public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(1);

  public AgentConfig {
    nodes = List.copyOf(nodes);
  }

  public static AgentConfig load(Path file, Map<String, String> env) throws ConfigException {
    return read(ConfigFiles.open(file), env);
  }

  public static AgentConfig read(ConfigNode root, Map<String, String> env) throws ConfigException {
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
    RedisAuth auth = RedisAuth.read(root.object("redis"), env);
    BusConfig bus = BusConfig.read(root.object("bus"));
    ConfigNode fencing = root.object("fencing");
    int regions = fencing.integer("regions", 0, 0, 5);
    if (regions > 0 && regions < 3) {
      throw fencing.error("regions", "must be the cluster's number of regions (3 to 5), or 0 to turn fencing off");
    }
    Duration after = fencing.duration("after", Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(10));
    root.finish();
    return new AgentConfig(agentId, cluster, region, nodes, interval, timeout, auth, bus, new Fencing(regions, after));
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
