package io.meridian.messages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a reachable Redis node said about itself in one probe round.
 *
 * @param role             primary or replica, from {@code INFO replication}
 * @param primary          address of the primary it follows (replicas only)
 * @param masterLinkUp     {@code master_link_status:up} (replicas only)
 * @param masterLastIoSeconds {@code master_last_io_seconds_ago} (replicas only; -1 when the link never came up)
 * @param replOffset       {@code master_repl_offset} (primary) or {@code slave_repl_offset} (replica)
 * @param connectedReplicas {@code connected_slaves}
 * @param clusterEnabled   whether the node runs in cluster mode
 * @param clusterState     {@code cluster_state} (ok / fail); empty when not in cluster mode
 * @param clusterNodeId    the node's own id in {@code CLUSTER NODES}
 * @param clusterCurrentEpoch {@code cluster_current_epoch}
 * @param knownNodes       {@code cluster_known_nodes}
 * @param slots            slot ranges it owns, e.g. {@code ["0-5460"]}
 * @param slotCount        number of slots it owns
 * @param flags            its own flags in {@code CLUSTER NODES} ({@code myself}, {@code master}, …)
 * @param peerTroubles     other nodes it sees with a trouble flag ({@code fail?}, {@code fail},
 *                         {@code handshake}, {@code noaddr}, {@code nofailover} excluded): node id → flags
 * @param usedMemoryBytes  {@code used_memory}
 * @param maxMemoryBytes   {@code maxmemory} (0 = no limit)
 * @param connectedClients {@code connected_clients}
 * @param announced        the address the node announces in {@code CLUSTER NODES} (may differ from
 *                         the address the agent probes); empty until the node knows it
 * @param settings         values of the {@link #OWNED_SETTINGS} as {@code CONFIG GET} returns them
 *                         (empty when CONFIG is not allowed)
 * @param clusterMyEpoch   {@code cluster_my_epoch}: a primary's config epoch (its primary's for a
 *                         replica); of two primaries claiming the same slots, Redis keeps the higher.
 *                         Optional on the wire (0 when absent, as from agents older than the field)
 */
public record RedisState(
    Role role,
    Optional<String> primary,
    Optional<Boolean> masterLinkUp,
    Optional<Long> masterLastIoSeconds,
    long replOffset,
    long connectedReplicas,
    boolean clusterEnabled,
    Optional<String> clusterState,
    Optional<String> clusterNodeId,
    long clusterCurrentEpoch,
    long knownNodes,
    List<String> slots,
    long slotCount,
    List<String> flags,
    Map<String, List<String>> peerTroubles,
    long usedMemoryBytes,
    long maxMemoryBytes,
    long connectedClients,
    Optional<String> announced,
    Map<String, String> settings,
    long clusterMyEpoch) {

  public enum Role { PRIMARY, REPLICA }

  /**
   * The Redis settings Meridian owns on every managed node: set by bootstrap and {@code CONFIGURE},
   * reported so they can be checked. The two TLS ones are owned only on a cluster whose spec has
   * {@code auth.tls}.
   */
  public static final List<String> OWNED_SETTINGS = List.of("cluster-node-timeout", "cluster-replica-no-failover",
      "min-replicas-to-write", "min-replicas-max-lag", "cluster-require-full-coverage", "cluster-allow-reads-when-down",
      "tls-replication", "tls-cluster");

  /**
   * What agents report of every node: the owned settings and {@code tls-port}, which the check
   * compares with the port Meridian reaches the node on but nothing sets live (moving a serving
   * port cuts every client).
   */
  public static final List<String> REPORTED_SETTINGS = java.util.stream.Stream.concat(OWNED_SETTINGS.stream(),
      java.util.stream.Stream.of("tls-port")).toList();

  public RedisState {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(primary, "primary");
    Objects.requireNonNull(masterLinkUp, "masterLinkUp");
    Objects.requireNonNull(masterLastIoSeconds, "masterLastIoSeconds");
    Objects.requireNonNull(clusterState, "clusterState");
    Objects.requireNonNull(clusterNodeId, "clusterNodeId");
    slots = List.copyOf(slots);
    flags = List.copyOf(flags);
    peerTroubles = Map.copyOf(peerTroubles);
    Objects.requireNonNull(announced, "announced");
    settings = Map.copyOf(settings);
  }

  /** Without the config epoch (0): for tests and simulations that do not compare epochs. */
  public RedisState(Role role, Optional<String> primary, Optional<Boolean> masterLinkUp,
      Optional<Long> masterLastIoSeconds, long replOffset, long connectedReplicas, boolean clusterEnabled,
      Optional<String> clusterState, Optional<String> clusterNodeId, long clusterCurrentEpoch, long knownNodes,
      List<String> slots, long slotCount, List<String> flags, Map<String, List<String>> peerTroubles,
      long usedMemoryBytes, long maxMemoryBytes, long connectedClients, Optional<String> announced,
      Map<String, String> settings) {
    this(role, primary, masterLinkUp, masterLastIoSeconds, replOffset, connectedReplicas, clusterEnabled, clusterState,
        clusterNodeId, clusterCurrentEpoch, knownNodes, slots, slotCount, flags, peerTroubles, usedMemoryBytes,
        maxMemoryBytes, connectedClients, announced, settings, 0);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("role", role.name().toLowerCase(java.util.Locale.ROOT))
        .put("replOffset", replOffset)
        .put("connectedReplicas", connectedReplicas)
        .put("clusterEnabled", clusterEnabled)
        .put("clusterCurrentEpoch", clusterCurrentEpoch)
        .put("clusterMyEpoch", clusterMyEpoch)
        .put("knownNodes", knownNodes)
        .put("slots", new JsonArray(slots))
        .put("slotCount", slotCount)
        .put("flags", new JsonArray(flags))
        .put("usedMemoryBytes", usedMemoryBytes)
        .put("maxMemoryBytes", maxMemoryBytes)
        .put("connectedClients", connectedClients);
    primary.ifPresent(p -> json.put("primary", p));
    masterLinkUp.ifPresent(up -> json.put("masterLinkUp", up));
    masterLastIoSeconds.ifPresent(s -> json.put("masterLastIoSeconds", s));
    clusterState.ifPresent(s -> json.put("clusterState", s));
    clusterNodeId.ifPresent(id -> json.put("clusterNodeId", id));
    JsonObject troubles = new JsonObject();
    peerTroubles.forEach((id, fl) -> troubles.put(id, new JsonArray(fl)));
    json.put("peerTroubles", troubles);
    announced.ifPresent(a -> json.put("announced", a));
    json.put("settings", new JsonObject(Map.copyOf(settings)));
    return json;
  }

  static RedisState from(Fields f) throws MessageRejected {
    return new RedisState(
        f.enumValue("role", Role.class),
        f.optAddress("primary"),
        f.optBool("masterLinkUp"),
        f.optInteger("masterLastIoSeconds"),
        f.nonNegative("replOffset"),
        f.nonNegative("connectedReplicas"),
        f.bool("clusterEnabled"),
        f.optString("clusterState"),
        f.optString("clusterNodeId"),
        f.nonNegative("clusterCurrentEpoch"),
        f.nonNegative("knownNodes"),
        f.slotRanges("slots"),
        slotCount(f),
        f.strings("flags"),
        f.stringListMap("peerTroubles"),
        f.nonNegative("usedMemoryBytes"),
        f.nonNegative("maxMemoryBytes"),
        f.nonNegative("connectedClients"),
        f.optAddress("announced"),
        f.stringMap("settings"),
        f.optNonNegative("clusterMyEpoch").orElse(0L));
  }

  private static long slotCount(Fields f) throws MessageRejected {
    long count = f.nonNegative("slotCount");
    if (count > 16384) {
      throw f.invalid("slotCount", "must be at most 16384, got " + count);
    }
    return count;
  }
}
