package io.meridian.cli.spec;

import io.meridian.agent.admin.AdminCommandException;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.Topology;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.messages.RedisState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads the live cluster the spec describes, straight from its nodes: each reachable node's own
 * line of {@code CLUSTER NODES} (its role, its primary, its slots) and its settings. Nodes that
 * do not answer are absent (the rules report them missing) and listed in {@link #unreachable}.
 */
public record LiveTopology(Topology topology, Map<String, String> unreachable) {

  /** Region given to nodes the cluster knows but the spec does not. */
  public static final String NOT_IN_SPEC = "(not in spec)";

  /** More to ask of a node while its connection is open: one connection per node and read. */
  @FunctionalInterface
  interface AlsoAsk {
    /** @param myself the node's own line of {@code CLUSTER NODES}; a failure counts the node as not answering */
    void ask(NodeSpec node, NodeAdmin admin, ClusterNodesReply.Entry myself);
  }

  public static LiveTopology read(ClusterSpec spec, Duration timeout) {
    return read(spec, timeout, (node, admin, myself) -> { });
  }

  static LiveTopology read(ClusterSpec spec, Duration timeout, AlsoAsk also) {
    Map<String, NodeRole> nodes = new LinkedHashMap<>();
    Map<String, Map<String, String>> settings = new LinkedHashMap<>();
    Map<String, String> unreachable = new TreeMap<>();
    String[] owners = new String[Topology.SLOTS];
    Map<String, String> addressById = new LinkedHashMap<>();
    List<ClusterNodesReply> views = new ArrayList<>();
    for (NodeSpec node : spec.nodes()) {
      try (NodeAdmin admin = new NodeAdmin(node.address(), spec.auth(), timeout)) {
        ClusterNodesReply view = ClusterNodesReply.parse(admin.clusterNodes());
        views.add(view);
        view.entries().forEach(e -> addressById.putIfAbsent(e.id(), e.address().startsWith(":")
            ? node.announced() : e.address()));
        ClusterNodesReply.Entry me = view.myself();
        addressById.put(me.id(), node.announced());
        List<Object> args = new ArrayList<>(List.of("GET"));
        args.addAll(RedisState.REPORTED_SETTINGS);
        List<String> config = admin.list("CONFIG", args.toArray());
        Map<String, String> values = new TreeMap<>();
        for (int i = 0; i + 1 < config.size(); i += 2) {
          values.put(config.get(i), config.get(i + 1));
        }
        settings.put(node.announced(), values);
        also.ask(node, admin, me);
      } catch (AdminCommandException | IllegalArgumentException e) {
        unreachable.put(node.announced(), e.getMessage());
      }
    }
    for (ClusterNodesReply view : views) {
      ClusterNodesReply.Entry me = view.myself();
      String address = addressById.get(me.id());
      Optional<String> primary = me.isReplica() ? me.masterId().map(id -> addressById.getOrDefault(id, id))
          : Optional.empty();
      nodes.put(address, new NodeRole(address, spec.regionOf(address).orElse(NOT_IN_SPEC), primary, me.slotCount()));
      for (int[] r : me.slots()) {
        Arrays.fill(owners, r[0], r[1] + 1, address);
      }
    }
    // Nodes our nodes know that the spec does not list are part of the live cluster too.
    for (ClusterNodesReply view : views) {
      for (ClusterNodesReply.Entry e : view.entries()) {
        String address = addressById.get(e.id());
        if (!e.myself() && spec.regionOf(address).isEmpty() && !nodes.containsKey(address)
            && !e.flags().contains("handshake")) {
          Optional<String> primary = e.isReplica() ? e.masterId().map(id -> addressById.getOrDefault(id, id))
              : Optional.empty();
          nodes.put(address, new NodeRole(address, NOT_IN_SPEC, primary, e.slotCount()));
        }
      }
    }
    return new LiveTopology(new Topology(nodes, Arrays.asList(owners), settings), unreachable);
  }
}
