package io.meridian.cli.bench;

import io.meridian.messages.RedisState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated Redis Cluster of {@code meridian bench scale}: shards of one primary and two
 * replicas, one copy per region (the performance layout), the 16384 slots split evenly, nodes
 * on consecutive loopback ports. Thread-safe: agents read it while the benchmark kills nodes
 * and agents promote replicas.
 */
final class SimulatedCluster {

  static final List<String> REGIONS = List.of("region-1", "region-2", "region-3");

  /** One node; {@code shard} is its index, the primary of a shard is recorded in the cluster. */
  record Node(String address, String region, int shard) {
  }

  private final List<Node> nodes = new ArrayList<>();
  private final List<String> slots = new ArrayList<>();
  private final Map<Integer, String> primaryOf = new ConcurrentHashMap<>();
  private final Map<String, Boolean> dead = new ConcurrentHashMap<>();
  private final Map<String, Node> byAddress = new ConcurrentHashMap<>();

  /** {@code nodeCount} is rounded down to a multiple of 3 (one copy of each shard per region). */
  SimulatedCluster(int nodeCount, int basePort) {
    int shards = nodeCount / 3;
    for (int s = 0; s < shards; s++) {
      int from = (int) ((long) s * 16384 / shards);
      int to = (int) ((long) (s + 1) * 16384 / shards) - 1;
      slots.add(from == to ? Integer.toString(from) : from + "-" + to);
      for (int r = 0; r < 3; r++) {
        // The primary's region rotates, so every region holds primaries.
        String region = REGIONS.get((s + r) % 3);
        Node n = new Node("127.0.0.1:" + (basePort + s * 3 + r), region, s);
        nodes.add(n);
        byAddress.put(n.address(), n);
        if (r == 0) {
          primaryOf.put(s, n.address());
        }
      }
    }
  }

  List<Node> nodes() {
    return List.copyOf(nodes);
  }

  int shards() {
    return slots.size();
  }

  boolean isDead(String address) {
    return dead.containsKey(address);
  }

  String primary(int shard) {
    return primaryOf.get(shard);
  }

  void kill(String address) {
    dead.put(address, true);
  }

  /** The leader promoted {@code address}: it now owns its shard's slots. */
  void promote(String address) {
    Node n = byAddress.get(address);
    if (n != null && !isDead(address)) {
      primaryOf.put(n.shard(), address);
    }
  }

  /** What the node's agent would read from INFO and CLUSTER NODES. */
  RedisState state(Node n) {
    String primary = primaryOf.get(n.shard());
    boolean isPrimary = primary.equals(n.address());
    long count = slotCount(slots.get(n.shard()));
    return new RedisState(isPrimary ? RedisState.Role.PRIMARY : RedisState.Role.REPLICA,
        isPrimary ? Optional.empty() : Optional.of(primary), isPrimary ? Optional.empty() : Optional.of(!isDead(primary)),
        isPrimary ? Optional.empty() : Optional.of(0L), 1_000_000L, isPrimary ? 2 : 0, true, Optional.of("ok"),
        Optional.of(Integer.toHexString(n.address().hashCode())), 1, nodes.size(),
        isPrimary ? List.of(slots.get(n.shard())) : List.of(), isPrimary ? count : 0, List.of("myself"), Map.of(),
        10_000_000L, 0, 10, Optional.of(n.address()), Map.of());
  }

  private static long slotCount(String range) {
    String[] p = range.split("-");
    return p.length == 1 ? 1 : Long.parseLong(p[1]) - Long.parseLong(p[0]) + 1;
  }
}
