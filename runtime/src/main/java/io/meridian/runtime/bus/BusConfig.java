package io.meridian.runtime.bus;

import io.meridian.messages.NodeAddress;
import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigNode;
import java.util.List;

/**
 * How a process joins the clustered event bus (Hazelcast underneath).
 *
 * @param clusterName Hazelcast cluster name; processes with different names never see each other
 * @param host        interface to bind Hazelcast and the event bus to
 * @param port        first Hazelcast port to try; the next free one is taken (up to +100)
 * @param members     where the cluster's members listen ({@code host:port} or {@code host}), usually the coordinators
 */
public record BusConfig(String clusterName, String host, int port, List<String> members) {

  public static final int DEFAULT_PORT = 5701;

  public BusConfig {
    members = List.copyOf(members);
  }

  /** {@code meridian 127.0.0.1:5701 members [10.0.0.2:5701]}, for logs. */
  @Override
  public String toString() {
    return clusterName + " " + host + ":" + port + " members " + members;
  }

  public static BusConfig read(ConfigNode bus) throws ConfigException {
    String clusterName = bus.name("clusterName", "meridian");
    String host = bus.string("host", "127.0.0.1");
    int port = bus.integer("port", DEFAULT_PORT, 1, 65535);
    List<String> members = bus.strings("members", List.of(host + ":" + DEFAULT_PORT),
        m -> m.contains(":") && !NodeAddress.isValid(m) ? "must be host or host:port, got \"" + m + "\"" : null);
    if (members.isEmpty()) {
      throw bus.error("members", "must list at least one member to join (a coordinator's host:port)");
    }
    if (bus.has("cpMembers")) {
      throw bus.error("cpMembers", "is no longer used: the coordinators' CP group lives in their own leadership "
          + "cluster (coordinator.yaml, leadership); remove it");
    }
    return new BusConfig(clusterName, host, port, members);
  }
}
