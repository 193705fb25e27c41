package io.meridian.agent.admin;

import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.messages.NodeAddress;
import io.meridian.messages.SlotRange;
import io.meridian.runtime.config.RedisAuth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live resharding, slot by slot, the way {@code redis-cli --cluster reshard} does it: the target
 * is set {@code IMPORTING}, the source {@code MIGRATING}, keys move with {@code MIGRATE} in
 * batches (clients are redirected with {@code -ASK} meanwhile, so nothing is lost or refused),
 * then the source and the target are told the new owner with {@code SETSLOT NODE} (gossip tells
 * the others). An interrupted run leaves at most one slot half-moved; {@link #finishMigrating}
 * completes it. Blocking; talks to the nodes directly.
 */
public final class Resharding {

  private static final Pattern MIGRATING = Pattern.compile("\\[(\\d+)->-([0-9a-f]{40})]");
  private static final Pattern IMPORTING = Pattern.compile("\\[(\\d+)-<-([0-9a-f]{40})]");

  /**
   * A node as the tool reaches it and as the cluster knows it.
   *
   * @param address   where this process connects
   * @param announced the address other nodes use (MIGRATE's target)
   */
  public record Node(String address, String announced) {
  }

  private final RedisAuth auth;
  private final Duration timeout;
  private final int batch;
  private final Consumer<String> progress;

  public Resharding(RedisAuth auth, Duration timeout, int batch, Consumer<String> progress) {
    this.auth = auth;
    this.timeout = timeout;
    this.batch = batch;
    this.progress = progress;
  }

  /** @param open the slots are already MIGRATING on {@code from} (an interrupted run): only finish them */
  private long move(Node from, Node to, List<Integer> slots, boolean open) {
    try (NodeAdmin source = admin(from); NodeAdmin target = admin(to)) {
      String sourceId = source.myId();
      String targetId = target.myId();
      long keys = 0;
      int done = 0;
      int step = Math.max(1, slots.size() / 10);
      for (int slot : slots) {
        if (!open) {
          target.call("CLUSTER", "SETSLOT", slot, "IMPORTING", sourceId);
          source.call("CLUSTER", "SETSLOT", slot, "MIGRATING", targetId);
        }
        keys += migrateKeys(source, to, slot);
        target.call("CLUSTER", "SETSLOT", slot, "NODE", targetId);
        handOver(source, slot, targetId);
        if (++done % step == 0 || done == slots.size()) {
          progress.accept("moved " + done + "/" + slots.size() + " slots (" + keys + " keys) from " + from.announced()
              + " to " + to.announced());
        }
      }
      return keys;
    }
  }

  /**
   * Moves those of {@code slots} (ascending) that {@code from} owns to the node {@code toId} at
   * {@code to}, without telling other primaries (gossip does); slots {@code toId} owns already are
   * skipped, so a command repeated after a lost answer does no harm. What the source node's agent
   * runs for the leader. Returns how many slots and keys moved.
   *
   * @throws AdminCommandException when {@code to} is not {@code toId}, or a slot has another owner
   */
  public Moved moveOwned(Node from, Node to, String toId, List<Integer> slots) {
    ClusterNodesReply view;
    try (NodeAdmin source = admin(from)) {
      view = ClusterNodesReply.parse(source.clusterNodes());
    }
    // Checked before any connection to the target: connecting authenticates, and a command naming
    // an address outside the cluster would hand the Redis credentials to whoever listens there.
    Optional<ClusterNodesReply.Entry> member = view.byId(toId);
    if (member.isEmpty() || !member.get().address().equals(to.announced())) {
      throw new NotAMember("refused before connecting to " + to.address() + ": " + (member.isEmpty()
          ? "node " + toId + " is not a member of " + from.address() + "'s cluster"
          : "node " + toId + " of " + from.address() + "'s cluster is at " + member.get().address() + ", not at "
              + to.announced()));
    }
    try (NodeAdmin target = admin(to)) {
      String actual = target.myId();
      if (!actual.equals(toId)) {
        throw new AdminCommandException(to.address() + " is node " + actual + ", not " + toId);
      }
    }
    String myId = view.myself().id();
    String[] owners = new String[SlotRange.SLOTS];
    for (ClusterNodesReply.Entry e : view.entries()) {
      e.slots().forEach(r -> java.util.Arrays.fill(owners, r[0], r[1] + 1, e.id()));
    }
    List<Integer> mine = new ArrayList<>();
    for (int slot : slots) {
      if (myId.equals(owners[slot])) {
        mine.add(slot);
      } else if (!toId.equals(owners[slot])) {
        throw new AdminCommandException(from.address() + " does not own slot " + slot + " (its owner is "
            + (owners[slot] == null ? "nobody" : owners[slot]) + "), nor does " + toId);
      }
    }
    long keys = mine.isEmpty() ? 0 : move(from, to, mine, false);
    return new Moved(mine.size(), slots.size() - mine.size(), keys);
  }

  /** A move to a node that is not where the source's own cluster says it is: refused, nothing touched. */
  public static final class NotAMember extends RuntimeException {
    NotAMember(String message) {
      super(message, null, false, false);
    }
  }

  /** What {@link #moveOwned} did: slots moved, slots skipped (already the target's), keys moved. */
  public record Moved(int slots, int skipped, long keys) {
  }

  /**
   * Completes the slots an interrupted run left {@code MIGRATING} on {@code node}, to the target
   * its own {@code CLUSTER NODES} names ({@code reach} turns that announced address into where
   * this process connects). Returns how many slots it finished.
   */
  public int finishMigrating(Node node, java.util.function.Function<String, Node> reach) {
    String nodes;
    try (NodeAdmin admin = admin(node)) {
      nodes = admin.clusterNodes();
    }
    ClusterNodesReply reply = ClusterNodesReply.parse(nodes);
    int finished = 0;
    Matcher m = MIGRATING.matcher(myselfLine(nodes));
    while (m.find()) {
      int slot = Integer.parseInt(m.group(1));
      String targetId = m.group(2);
      Node target = reply.byId(targetId).map(e -> reach.apply(e.address())).orElseThrow(() -> new AdminCommandException(
          "slot " + slot + " is migrating from " + node.announced() + " to node " + targetId + ", which it does not know"));
      progress.accept("slot " + slot + " was left half-moved from " + node.announced() + " to " + target.announced()
          + " by an interrupted run: finishing it");
      move(node, target, List.of(slot), true);
      finished++;
    }
    return finished;
  }

  /**
   * A run killed between its two SETSLOTs leaves a slot {@code IMPORTING} on the target only:
   * clears it (its keys never left the owner). Call after every source finished its migrations.
   * Returns how many slots it cleared.
   */
  public int clearImporting(Node node) {
    int cleared = 0;
    try (NodeAdmin admin = admin(node)) {
      Matcher m = IMPORTING.matcher(myselfLine(admin.clusterNodes()));
      while (m.find()) {
        admin.call("CLUSTER", "SETSLOT", Integer.parseInt(m.group(1)), "STABLE");
        progress.accept("cleared slot " + m.group(1) + ", left importing on " + node.announced()
            + " by an interrupted run (its keys never left the owner)");
        cleared++;
      }
    }
    return cleared;
  }

  private static String myselfLine(String clusterNodes) {
    for (String line : clusterNodes.split("\r?\n")) {
      if (line.contains("myself")) {
        return line;
      }
    }
    return "";
  }

  private long migrateKeys(NodeAdmin source, Node to, int slot) {
    long moved = 0;
    while (true) {
      List<String> keys = source.list("CLUSTER", "GETKEYSINSLOT", slot, batch);
      if (keys.isEmpty()) {
        return moved;
      }
      List<Object> args = new ArrayList<>(List.of(NodeAddress.host(to.announced()), NodeAddress.port(to.announced()), "",
          0, timeout.toMillis()));
      if (auth.password().isPresent()) {
        if (auth.user().isPresent()) {
          args.addAll(List.of("AUTH2", auth.user().get(), auth.password().get().reveal()));
        } else {
          args.addAll(List.of("AUTH", auth.password().get().reveal()));
        }
      }
      args.add("KEYS");
      args.addAll(keys);
      source.call("MIGRATE", args.toArray());
      moved += keys.size();
    }
  }

  /**
   * The source's own {@code SETSLOT NODE}. When the slot was its last, the target's claim can reach
   * it by gossip first: it then follows the target as a replica (replica migration) and refuses
   * SETSLOT; the slot is the target's already, so that is done too.
   */
  private void handOver(NodeAdmin source, int slot, String targetId) {
    try {
      source.call("CLUSTER", "SETSLOT", slot, "NODE", targetId);
    } catch (AdminCommandException e) {
      if (!e.getMessage().contains("only with masters")) {
        throw e;
      }
      progress.accept(source.node() + " gave away its last slot " + slot + " and follows the new owner already: "
          + "nothing left to hand over");
    }
  }

  private NodeAdmin admin(Node node) {
    return new NodeAdmin(node.address(), auth, timeout);
  }
}
