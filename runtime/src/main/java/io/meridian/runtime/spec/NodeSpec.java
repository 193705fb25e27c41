package io.meridian.runtime.spec;

import java.util.Objects;
import java.util.Optional;

/**
 * One Redis node of the spec.
 *
 * @param address         {@code host:port} where the agent and bootstrap reach the node
 * @param announce        {@code host:port} the node announces to the cluster and clients
 *                        ({@code cluster-announce-ip}/{@code -port}); empty = same as {@code address}
 * @param announceBusPort {@code cluster-announce-bus-port}; empty = announced port + 10000
 * @param noFailover      tag {@code nofailover}: never made a primary, never promoted
 * @param priority        higher is preferred when choosing primaries and promotion candidates (0..1000, default 100)
 */
public record NodeSpec(String address, Optional<String> announce, Optional<Integer> announceBusPort,
    boolean noFailover, int priority) {

  public static final int DEFAULT_PRIORITY = 100;

  public NodeSpec {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(announce, "announce");
    Objects.requireNonNull(announceBusPort, "announceBusPort");
  }

  public static NodeSpec of(String address) {
    return new NodeSpec(address, Optional.empty(), Optional.empty(), false, DEFAULT_PRIORITY);
  }

  /** The address the cluster and its clients know this node by. */
  public String announced() {
    return announce.orElse(address);
  }
}
