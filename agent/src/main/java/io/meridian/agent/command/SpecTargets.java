package io.meridian.agent.command;

import io.meridian.messages.Command;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a cluster change the leader sends stays inside the cluster's spec, checked before Redis
 * is touched: {@code MEET} and {@code MIGRATE_SLOTS} name a node of the spec, and {@code CONFIGURE}
 * gives the node the announced address and owned settings the spec gives it. The bus's signature
 * says who sent a command; this says that even a signed command cannot bring a stranger into the
 * cluster, send keys and credentials to one, or point clients at another host. Pure.
 */
public final class SpecTargets {

  private SpecTargets() {
  }

  /** Why {@code command} leaves the spec, or empty when it does not (or is not a cluster change). */
  public static Optional<String> problem(Command command, ClusterSpec spec) {
    Map<String, String> args = command.args();
    return switch (command.kind()) {
      case MEET -> outside(spec, args.get("host") + ":" + args.get("port"), "MEET");
      case MIGRATE_SLOTS -> outside(spec, args.get("toAddress"), "MIGRATE_SLOTS");
      case CONFIGURE -> configure(command, spec);
      default -> Optional.empty();
    };
  }

  private static Optional<String> outside(ClusterSpec spec, String address, String kind) {
    if (spec.node(address).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(kind + " names " + address + ", which is not a node of the spec of cluster " + spec.cluster()
        + ": add the node to the spec of this agent (and reload it) before the leader brings it in");
  }

  /**
   * The node's own entry when the agent reaches it at an address of the spec; an agent that
   * reaches its node another way (on loopback, as in the compose stack) cannot tell which entry is
   * its node's, and then the announced address must at least be one the spec gives a node: never a
   * host outside the cluster.
   */
  private static Optional<String> configure(Command command, ClusterSpec spec) {
    Map<String, String> args = new java.util.LinkedHashMap<>(command.args());
    String announced = args.remove("announced");
    String busPort = args.remove("announceBusPort");
    Optional<NodeSpec> node = spec.node(command.target()).or(() -> spec.nodes().stream()
        .filter(n -> n.announced().equals(announced)).findFirst());
    if (node.isEmpty()) {
      return Optional.of("CONFIGURE would have " + command.target() + " announce " + announced + ", which is not a "
          + "node of the spec of cluster " + spec.cluster());
    }
    if (!node.get().announced().equals(announced)) {
      return Optional.of("CONFIGURE would have " + command.target() + " announce " + announced + ", but the spec "
          + "says " + node.get().announced());
    }
    String specBusPort = node.get().announceBusPort().map(String::valueOf).orElse(null);
    if (!java.util.Objects.equals(busPort, specBusPort)) {
      return Optional.of("CONFIGURE would give " + command.target() + " the announced bus port " + busPort
          + ", but the spec says " + (specBusPort == null ? "none (port + 10000)" : specBusPort));
    }
    Map<String, String> owned = spec.ownedConfig();
    if (!args.equals(owned)) {
      return Optional.of("CONFIGURE would set " + args + " on " + command.target() + ", but the spec's settings "
          + "are " + owned + ": reload this agent if its spec is older than the leader's");
    }
    return Optional.empty();
  }
}
