package io.meridian.runtime.spec;

import io.meridian.messages.NodeAddress;
import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.runtime.config.ConfigNode;
import io.meridian.runtime.config.RedisAuth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads and validates a cluster spec file; every field is documented in docs/reference/configuration.md ("spec.yaml"). */
public final class ClusterSpecReader {

  private ClusterSpecReader() {
  }

  public static ClusterSpec load(Path file, Map<String, String> env) throws ConfigException {
    return read(ConfigFiles.open(file), env);
  }

  /**
   * The spec a process's config names in {@code spec} (a path, relative to {@code baseDir}, the
   * config file's folder), if it names one; a spec that does not load is an error of that field.
   */
  public static Optional<ClusterSpec> named(ConfigNode config, Path baseDir, Map<String, String> env)
      throws ConfigException {
    if (!config.has("spec")) {
      return Optional.empty();
    }
    Path specFile = baseDir.resolve(config.string("spec"));
    try {
      return Optional.of(load(specFile, env));
    } catch (ConfigException e) {
      throw config.error("spec", "the cluster spec is invalid: " + e.getMessage());
    }
  }

  public static ClusterSpec read(ConfigNode root, Map<String, String> env) throws ConfigException {
    String cluster = root.name("cluster");
    TopologyKind topology = topology(root);
    List<RegionSpec> regions = regions(root);
    int replicas;
    if (topology == TopologyKind.RELIABILITY) {
      replicas = root.integer("replicasPerPrimary", regions.size() - 1, 0, 100);
      if (replicas != regions.size() - 1) {
        throw root.error("replicasPerPrimary", "is fixed by the reliability topology at one replica per other region ("
            + (regions.size() - 1) + " here); remove the field or set it to " + (regions.size() - 1));
      }
    } else {
      replicas = root.integer("replicasPerPrimary", 1, 1, 4);
    }
    RedisSettings settings = settings(root.object("redis"));
    RedisAuth auth = RedisAuth.read(root.object("auth"), env);
    root.finish();
    return new ClusterSpec(cluster, topology, regions, replicas, settings, auth);
  }

  private static TopologyKind topology(ConfigNode root) throws ConfigException {
    String raw = root.string("topology");
    for (TopologyKind kind : TopologyKind.values()) {
      if (kind.label().equals(raw.toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw root.error("topology", "must be 'performance' or 'reliability', got \"" + raw + "\"");
  }

  private static List<RegionSpec> regions(ConfigNode root) throws ConfigException {
    List<ConfigNode> items = root.list("regions");
    if (items.size() < 3 || items.size() > 5) {
      throw root.error("regions", "must list 3 to 5 regions, got " + items.size());
    }
    List<RegionSpec> regions = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    for (ConfigNode region : items) {
      String name = region.name("name");
      if (!names.add(name)) {
        throw region.error("name", "region \"" + name + "\" is listed twice");
      }
      List<NodeSpec> nodes = new ArrayList<>();
      for (ConfigNode node : region.listOrScalars("nodes", "address")) {
        NodeSpec spec = node(node);
        for (String a : new java.util.LinkedHashSet<>(List.of(spec.address(), spec.announced()))) {
          if (!addresses.add(a)) {
            throw node.error("address", "node " + a + " is listed twice");
          }
        }
        nodes.add(spec);
      }
      if (nodes.isEmpty()) {
        throw region.error("nodes", "region " + name + " must list at least one node");
      }
      regions.add(new RegionSpec(name, nodes));
    }
    return regions;
  }

  private static NodeSpec node(ConfigNode node) throws ConfigException {
    String address = node.string("address");
    if (!NodeAddress.isValid(address)) {
      throw node.error("address", "must be host:port, got \"" + address + "\"");
    }
    Optional<String> announce = Optional.empty();
    if (node.has("announce")) {
      String a = node.string("announce");
      if (!NodeAddress.isValid(a)) {
        throw node.error("announce", "must be host:port (the address other regions and clients use), got \"" + a + "\"");
      }
      announce = Optional.of(a);
    }
    Optional<Integer> busPort = node.has("announceBusPort")
        ? Optional.of(node.integer("announceBusPort", 0, 1, 65535)) : Optional.empty();
    List<String> tags = node.strings("tags", List.of(),
        t -> t.equals("nofailover") ? null : "unknown tag \"" + t + "\" (known: nofailover)");
    int priority = node.integer("priority", NodeSpec.DEFAULT_PRIORITY, 0, 1000);
    return new NodeSpec(address, announce, busPort, tags.contains("nofailover"), priority);
  }

  private static RedisSettings settings(ConfigNode redis) throws ConfigException {
    RedisSettings d = RedisSettings.defaults();
    Duration nodeTimeout = redis.duration("clusterNodeTimeout", d.clusterNodeTimeout(), Duration.ofMillis(500),
        Duration.ofMinutes(5));
    Duration maxLag = redis.duration("minReplicasMaxLag", d.minReplicasMaxLag(), Duration.ofSeconds(1),
        Duration.ofHours(1));
    if (maxLag.toMillis() % 1000 != 0) {
      throw redis.error("minReplicasMaxLag", "must be whole seconds (Redis counts it in seconds)");
    }
    return new RedisSettings(
        nodeTimeout,
        redis.bool("clusterReplicaNoFailover", d.clusterReplicaNoFailover()),
        redis.integer("minReplicasToWrite", d.minReplicasToWrite(), 0, 100),
        maxLag,
        redis.bool("clusterRequireFullCoverage", d.clusterRequireFullCoverage()),
        redis.bool("clusterAllowReadsWhenDown", d.clusterAllowReadsWhenDown()));
  }
}
