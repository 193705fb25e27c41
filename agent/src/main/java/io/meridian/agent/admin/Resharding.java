package io.meridian.agent.admin;

import io.meridian.messages.NodeAddress;
import io.meridian.runtime.config.RedisAuth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live resharding, slot by slot, the way {@code redis-cli --cluster reshard} does it: the target
 * is set {@code IMPORTING}, the source {@code MIGRATING}, keys move with {@code MIGRATE} in
 * batches (clients are redirected with {@code -ASK} meanwhile, so nothing is lost or refused),
 * then every primary is told the new owner with {@code SETSLOT NODE}. An interrupted run leaves at
 * most one slot half-moved; {@link #finishOpen} completes it. Blocking; talks to the nodes directly.
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

  /**
   * Moves {@code slots} (ascending) from {@code from} to {@code to} with their keys; tells the
   * {@code others} primaries too. Returns the number of keys moved.
   */
  public long move(Node from, Node to, List<Integer> slots, List<Node> others) {
    return move(from, to, slots, others, false);
  }

  /** @param open the slots are already MIGRATING on {@code from} (an interrupted run): only finish them */
  private long move(Node from, Node to, List<Integer> slots, List<Node> others, boolean open) {
    List<NodeAdmin> told = new ArrayList<>();
    try (NodeAdmin source = admin(from); NodeAdmin target = admin(to)) {
      others.forEach(o -> told.add(admin(o)));
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
        source.call("CLUSTER", "SETSLOT", slot, "NODE", targetId);
        tellOthers(told, slot, targetId);
        if (++done % step == 0 || done == slots.size()) {
          progress.accept("moved " + done + "/" + slots.size() + " slots (" + keys + " keys) from " + from.announced()
              + " to " + to.announced());
        }
      }
      return keys;
    } finally {
      told.forEach(NodeAdmin::close);
    }
  }

  /**
   * Completes slots an interrupted run left {@code MIGRATING} on any of {@code primaries}: their
   * remaining keys move on, and the target becomes the owner. Returns how many slots it finished.
   */
  public int finishOpen(List<Node> primaries) {
    int finished = 0;
    for (Node node : primaries) {
      String nodes;
      try (NodeAdmin admin = admin(node)) {
        nodes = admin.clusterNodes();
      }
      Matcher m = MIGRATING.matcher(myselfLine(nodes));
      while (m.find()) {
        int slot = Integer.parseInt(m.group(1));
        Node target = byId(primaries, m.group(2));
        progress.accept("slot " + slot + " was left half-moved from " + node.announced() + " to " + target.announced()
            + " by an interrupted run: finishing it");
        List<Node> others = primaries.stream().filter(p -> p != node && p != target).toList();
        move(node, target, List.of(slot), others, true);
        finished++;
      }
    }
    // A run killed between its two SETSLOTs leaves a slot IMPORTING on the target only: clear it.
    for (Node node : primaries) {
      try (NodeAdmin admin = admin(node)) {
        Matcher m = IMPORTING.matcher(myselfLine(admin.clusterNodes()));
        while (m.find()) {
          admin.call("CLUSTER", "SETSLOT", Integer.parseInt(m.group(1)), "STABLE");
          progress.accept("cleared slot " + m.group(1) + ", left importing on " + node.announced()
              + " by an interrupted run (its keys never left the owner)");
        }
      }
    }
    return finished;
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

  private void tellOthers(List<NodeAdmin> others, int slot, String targetId) {
    for (NodeAdmin other : others) {
      try {
        other.call("CLUSTER", "SETSLOT", slot, "NODE", targetId);
      } catch (AdminCommandException e) {
        // Gossip tells it soon enough; this only speeds it up.
        progress.accept("could not tell " + other.node() + " the new owner of slot " + slot + " (gossip will): "
            + e.getMessage());
      }
    }
  }

  private Node byId(List<Node> primaries, String id) {
    for (Node p : primaries) {
      try (NodeAdmin admin = admin(p)) {
        if (admin.myId().equals(id)) {
          return p;
        }
      }
    }
    throw new AdminCommandException("a slot is migrating to node " + id + ", which is not one of the primaries "
        + primaries.stream().map(Node::announced).toList());
  }

  private NodeAdmin admin(Node node) {
    return new NodeAdmin(node.address(), auth, timeout);
  }
}
