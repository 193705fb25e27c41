package io.meridian.agent.probe;

import io.meridian.agent.redis.ClusterNodesReply;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which node owns which slots, as one node's {@code CLUSTER NODES} shows it, and which nodes it
 * sees up (no {@code fail}, {@code fail?}, {@code handshake} or {@code noaddr} flag; itself
 * included). The write fence compares two of these to tell a takeover on its own side of a
 * partition: a shard that moved to a node this side can reach.
 *
 * @param ownerBySlots a primary's slot ranges (as Redis writes them, comma-joined) → its node id
 * @param up           ids of the nodes seen up
 * @param down         ids of the nodes seen with a trouble flag (failing, or not reachable)
 */
public record ShardOwners(Map<String, String> ownerBySlots, Set<String> up, Set<String> down) {

  public ShardOwners {
    ownerBySlots = Map.copyOf(ownerBySlots);
    up = Set.copyOf(up);
    down = Set.copyOf(down);
  }

  public static ShardOwners of(ClusterNodesReply nodes) {
    Map<String, String> owners = new LinkedHashMap<>();
    Set<String> up = new TreeSet<>();
    Set<String> down = new TreeSet<>();
    for (ClusterNodesReply.Entry e : nodes.entries()) {
      if (e.isPrimary() && e.slotCount() > 0) {
        owners.put(String.join(",", e.slotText()), e.id());
      }
      if (e.flags().stream().noneMatch(ClusterNodes.TROUBLE::contains)) {
        up.add(e.id());
      } else {
        down.add(e.id());
      }
    }
    return new ShardOwners(owners, up, down);
  }

  /**
   * A shard owned now by a node that is up, did not own it in {@code before} and is not one of
   * {@code otherSide} (nodes this side saw in trouble meanwhile), described for the log ("slots
   * 0-5460 now owned by <id>"), if any.
   */
  public Optional<String> takenOverSince(ShardOwners before, Set<String> otherSide) {
    return ownerBySlots.entrySet().stream()
        .filter(e -> !e.getValue().equals(before.ownerBySlots.get(e.getKey())) && up.contains(e.getValue())
            && !otherSide.contains(e.getValue()))
        .map(e -> "slots " + e.getKey() + " now owned by " + e.getValue()
            + Optional.ofNullable(before.ownerBySlots.get(e.getKey())).map(old -> " instead of " + old).orElse(""))
        .findFirst();
  }
}
