package io.meridian.runtime.spec;

import io.meridian.runtime.config.RedisAuth;
import java.util.ArrayList;
import java.util.List;
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

  /** The node with this address or announced address. */
  public Optional<NodeSpec> node(String address) {
    return nodes().stream().filter(n -> n.address().equals(address) || n.announced().equals(address)).findFirst();
  }
}
