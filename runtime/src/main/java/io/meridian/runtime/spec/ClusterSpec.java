package io.meridian.runtime.spec;

import io.meridian.messages.NodeAddress;
import io.meridian.runtime.config.RedisAuth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The desired cluster: regions in order with their nodes, the topology, and what Meridian owns
 * of every node's configuration. Read from YAML by {@link ClusterSpecReader}.
 *
 * @param replicasPerPrimary performance: replicas each primary gets (extra nodes become extra
 *                           replicas); reliability: always {@code regions - 1}
 */
public record ClusterSpec(
    String cluster,
    TopologyKind topology,
    List<RegionSpec> regions,
    int replicasPerPrimary,
    RedisSettings settings,
    RedisAuth auth) {

  private static final String TLS_REPLICATION = "tls-replication";
  private static final String TLS_CLUSTER = "tls-cluster";
  private static final String TLS_PORT = "tls-port";

  public ClusterSpec {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(topology, "topology");
    regions = List.copyOf(regions);
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(auth, "auth");
  }

  public List<String> regionNames() {
    return regions.stream().map(RegionSpec::name).toList();
  }

  public List<NodeSpec> nodes() {
    List<NodeSpec> all = new ArrayList<>();
    regions.forEach(r -> all.addAll(r.nodes()));
    return List.copyOf(all);
  }

  public int nodeCount() {
    return regions.stream().mapToInt(r -> r.nodes().size()).sum();
  }

  /** The region of a node, by its address or its announced address. */
  public Optional<String> regionOf(String address) {
    for (RegionSpec r : regions) {
      for (NodeSpec n : r.nodes()) {
        if (n.address().equals(address) || n.announced().equals(address)) {
          return Optional.of(r.name());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The settings Meridian gives every node (bootstrap, {@code CONFIGURE}) and checks: the spec's
   * redis settings and, on a TLS cluster ({@code auth.tls}), replication and the cluster bus on
   * TLS too, so that neither data nor gossip crosses between nodes in clear.
   */
  public Map<String, String> ownedConfig() {
    Map<String, String> config = new LinkedHashMap<>(settings.asConfig());
    if (auth.tls().isPresent()) {
      config.put(TLS_REPLICATION, "yes");
      config.put(TLS_CLUSTER, "yes");
    }
    return Collections.unmodifiableMap(config);
  }

  /**
   * What the check expects {@code node} to report: {@link #ownedConfig()} and, on a TLS cluster,
   * {@code tls-port} the port of the node's address, where every connection Meridian opens to it
   * speaks TLS.
   */
  public Map<String, String> expectedConfig(NodeSpec node) {
    if (auth.tls().isEmpty()) {
      return ownedConfig();
    }
    Map<String, String> config = new LinkedHashMap<>(ownedConfig());
    config.put(TLS_PORT, Integer.toString(NodeAddress.port(node.address())));
    return Collections.unmodifiableMap(config);
  }

  /** True when the owned settings put the cluster bus on TLS (then nodes announce their tls-port). */
  public static boolean clusterBusOnTls(Map<String, String> ownedConfig) {
    return "yes".equals(ownedConfig.get(TLS_CLUSTER));
  }

  /** The node with this address or announced address. */
  public Optional<NodeSpec> node(String address) {
    return nodes().stream().filter(n -> n.address().equals(address) || n.announced().equals(address)).findFirst();
  }
}
