package io.meridian.coordinator.endpoints;

import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.Topology;
import io.meridian.runtime.config.RedisAuth;
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

  /**
   * A {@code redis-cli} line that connects in cluster mode through the first endpoint: with
   * {@code --askpass} when the nodes require a password, and on a TLS cluster with the spec's CA
   * (and client certificate, if it names one): paths only, never a secret.
   */
  public static String redisCli(List<Endpoint> endpoints, RedisAuth auth) {
    if (endpoints.isEmpty()) {
      return "";
    }
    String address = endpoints.get(0).address();
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon).replace("[", "").replace("]", "");
    StringBuilder line = new StringBuilder("redis-cli -c -h " + host + " -p " + address.substring(colon + 1));
    auth.tls().ifPresent(tls -> {
      line.append(" --tls --cacert ").append(tls.caFile());
      tls.certFile().ifPresent(cert -> line.append(" --cert ").append(cert));
      tls.keyFile().ifPresent(key -> line.append(" --key ").append(key));
    });
    if (auth.password().isPresent()) {
      line.append(" --askpass");
    }
    return line.toString();
  }
}
