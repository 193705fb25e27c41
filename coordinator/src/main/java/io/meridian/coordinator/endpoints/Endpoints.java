package io.meridian.coordinator.endpoints;

import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The addresses to give a cluster-mode client: primaries first (a client needs one reachable
 * node to learn the slot map; a primary also serves writes), grouped by region in the cluster's
 * order, then replicas. Addresses are the announced ones, as clients must use them. Pure.
 */
public final class Endpoints {

  /** One entry point. */
  public record Endpoint(String region, String address, boolean primary) {
  }

  private Endpoints() {
  }

  public static List<Endpoint> of(List<String> regionOrder, Topology topology) {
    Comparator<NodeRole> order = Comparator
        .comparing((NodeRole n) -> !(n.isPrimary() && n.slots() > 0))
        .thenComparing(n -> regionOrder.contains(n.region()) ? regionOrder.indexOf(n.region()) : Integer.MAX_VALUE)
        .thenComparing(NodeRole::address);
    List<Endpoint> out = new ArrayList<>();
    topology.nodes().values().stream().sorted(order)
        .forEach(n -> out.add(new Endpoint(n.region(), n.address(), n.isPrimary() && n.slots() > 0)));
    return List.copyOf(out);
  }

  /** A {@code redis-cli} line that connects in cluster mode through the first endpoint. */
  public static String redisCli(List<Endpoint> endpoints, boolean withPassword) {
    if (endpoints.isEmpty()) {
      return "";
    }
    String address = endpoints.get(0).address();
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon).replace("[", "").replace("]", "");
    return "redis-cli -c -h " + host + " -p " + address.substring(colon + 1)
        + (withPassword ? " --askpass" : "");
  }
}
