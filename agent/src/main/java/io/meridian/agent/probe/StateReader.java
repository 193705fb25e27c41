package io.meridian.agent.probe;

import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.agent.redis.InfoText;
import io.meridian.messages.RedisState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Builds a {@link RedisState} from the raw replies of one probe round. Pure. */
final class StateReader {

  private StateReader() {
  }

  /**
   * @param info         {@code INFO replication memory clients cluster}
   * @param clusterInfo  {@code CLUSTER INFO}, or null when cluster mode is off
   * @param clusterNodes {@code CLUSTER NODES}, or null when cluster mode is off
   */
  static RedisState read(String info, String clusterInfo, String clusterNodes, Map<String, String> settings) {
    InfoText i = InfoText.parse(info);
    String roleText = i.get("role").orElseThrow(() -> new IllegalArgumentException("INFO has no 'role' field"));
    RedisState.Role role = roleText.equals("master") ? RedisState.Role.PRIMARY : RedisState.Role.REPLICA;
    boolean replica = role == RedisState.Role.REPLICA;
    Optional<String> primary = replica
        ? i.get("master_host").flatMap(h -> i.get("master_port").map(p -> (h.contains(":") ? "[" + h + "]" : h) + ":" + p))
        : Optional.empty();
    long offset = replica ? i.number("slave_repl_offset", 0) : i.number("master_repl_offset", 0);
    boolean clusterEnabled = i.number("cluster_enabled", 0) == 1 && clusterInfo != null && clusterNodes != null;

    Optional<String> clusterState = Optional.empty();
    Optional<String> nodeId = Optional.empty();
    long epoch = 0;
    long myEpoch = 0;
    long known = 0;
    List<String> slots = List.of();
    long slotCount = 0;
    List<String> flags = List.of();
    Map<String, List<String>> troubles = Map.of();
    Optional<String> announced = Optional.empty();
    if (clusterEnabled) {
      InfoText c = InfoText.parse(clusterInfo);
      ClusterNodes nodes = ClusterNodes.parse(clusterNodes);
      clusterState = c.get("cluster_state");
      epoch = c.number("cluster_current_epoch", 0);
      myEpoch = c.number("cluster_my_epoch", 0);
      known = c.number("cluster_known_nodes", 0);
      nodeId = Optional.of(nodes.myId());
      slots = nodes.mySlots();
      slotCount = nodes.mySlotCount();
      flags = nodes.myFlags();
      troubles = nodes.peerTroubles();
      // A lone node that was never met does not know its own ip yet (":6379").
      announced = nodes.myAddress().startsWith(":") ? Optional.empty() : Optional.of(nodes.myAddress());
    }
    return new RedisState(
        role,
        primary,
        replica ? i.get("master_link_status").map("up"::equals) : Optional.empty(),
        replica ? i.optNumber("master_last_io_seconds_ago") : Optional.empty(),
        Math.max(0, offset),
        i.number("connected_slaves", 0),
        clusterEnabled,
        clusterState,
        nodeId,
        Math.max(0, epoch),
        Math.max(0, known),
        slots,
        slotCount,
        flags,
        troubles,
        Math.max(0, i.number("used_memory", 0)),
        Math.max(0, i.number("maxmemory", 0)),
        Math.max(0, i.number("connected_clients", 0)),
        announced,
        settings,
        Math.max(0, myEpoch));
  }

  /**
   * The fields only the agent's metrics use, from the same replies as {@link #read}.
   *
   * @param clusterNodes {@code CLUSTER NODES}, or null when cluster mode is off
   * @param maxClients   {@code maxclients} as {@code CONFIG GET} answered it, or null when it was not read
   */
  static NodeStats stats(String info, String clusterInfo, String clusterNodes, String maxClients) {
    InfoText i = InfoText.parse(info);
    InfoText c = InfoText.parse(clusterInfo == null ? "" : clusterInfo);
    List<NodeStats.Replica> replicas = new ArrayList<>();
    // slave0, slave1, ...: in Redis's own order, which is the order replicas attached.
    new TreeMap<>(i.fields()).forEach((key, value) -> {
      if (key.matches("slave\\d+")) {
        Map<String, String> kv = new HashMap<>();
        for (String pair : value.split(",")) {
          int eq = pair.indexOf('=');
          if (eq > 0) {
            kv.put(pair.substring(0, eq), pair.substring(eq + 1));
          }
        }
        if (kv.containsKey("ip") && kv.containsKey("port")) {
          replicas.add(new NodeStats.Replica(kv.get("ip"), kv.get("port"), kv.getOrDefault("state", "unknown"),
              parse(kv.get("offset")), parse(kv.get("lag"))));
        }
      }
    });
    Optional<Long> max = Optional.empty();
    if (maxClients != null) {
      try {
        max = Optional.of(Long.parseLong(maxClients.trim()));
      } catch (NumberFormatException e) {
        max = Optional.empty();
      }
    }
    return new NodeStats(Math.max(0, i.number("master_repl_offset", 0)), c.number("cluster_slots_assigned", 0),
        c.number("cluster_slots_ok", 0), c.number("cluster_slots_pfail", 0), c.number("cluster_slots_fail", 0),
        replicas, max, clusterNodes == null || i.number("cluster_enabled", 0) != 1 ? Optional.empty()
            : Optional.of(ShardOwners.of(ClusterNodesReply.parse(clusterNodes))), i, c);
  }

  private static long parse(String number) {
    try {
      return number == null ? 0 : Long.parseLong(number);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
