package io.meridian.agent.admin;

import io.meridian.messages.NodeAddress;
import io.meridian.runtime.config.RedisAuth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.redisson.client.RedisException;

/**
 * Forms a Redis Cluster from empty nodes: every node meets the first, primaries take their slot
 * ranges, replicas follow their primaries, and it is done when every node says
 * {@code cluster_state:ok} and every replica's link is up. Each wait polls with a deadline and
 * reports progress.
 */
public final class ClusterFormation {

  /** What to build: primaries with their slots, and each replica's primary. */
  public record Layout(Map<String, SlotRange> primaries, Map<String, String> replicaOf) {

    public Layout {
      primaries = Map.copyOf(new LinkedHashMap<>(primaries));
      replicaOf = Map.copyOf(new LinkedHashMap<>(replicaOf));
    }

    public List<String> nodes() {
      List<String> all = new ArrayList<>(primaries.keySet());
      all.addAll(replicaOf.keySet());
      return all;
    }
  }

  private final RedisAuth auth;
  private final Duration timeout;
  private final Consumer<String> progress;

  public ClusterFormation(RedisAuth auth, Duration timeout, Consumer<String> progress) {
    this.auth = auth;
    this.timeout = timeout;
    this.progress = progress;
  }

  public void form(Layout layout) {
    List<String> nodes = layout.nodes();
    Map<String, NodeAdmin> admins = new LinkedHashMap<>();
    try {
      for (String node : nodes) {
        admins.put(node, new NodeAdmin(node, auth, Duration.ofSeconds(5)));
      }
      String first = nodes.get(0);
      for (String node : nodes) {
        if (!node.equals(first)) {
          admins.get(node).call("CLUSTER", "MEET", NodeAddress.host(first), NodeAddress.port(first));
        }
      }
      waitFor("all " + nodes.size() + " nodes to know each other", () -> {
        long ready = nodes.stream()
            .filter(n -> field(admins.get(n).clusterInfo(), "cluster_known_nodes").equals(Integer.toString(nodes.size())))
            .count();
        return ready == nodes.size() ? null : ready + "/" + nodes.size() + " nodes see the whole cluster";
      });
      layout.primaries().forEach((node, range) ->
          admins.get(node).call("CLUSTER", "ADDSLOTSRANGE", range.from(), range.to()));
      Map<String, String> ids = new HashMap<>();
      for (String primary : layout.primaries().keySet()) {
        ids.put(primary, admins.get(primary).myId());
      }
      List<String> pending = new ArrayList<>(layout.replicaOf().keySet());
      waitFor("replicas to attach to their primaries", () -> {
        pending.removeIf(replica -> tryReplicate(admins.get(replica), ids.get(layout.replicaOf().get(replica))));
        return pending.isEmpty() ? null : pending.size() + " replicas still waiting for their primary's id to spread";
      });
      waitFor("cluster_state:ok on every node and every replica in sync", () -> {
        long ok = nodes.stream().filter(n -> field(admins.get(n).clusterInfo(), "cluster_state").equals("ok")).count();
        long synced = layout.replicaOf().keySet().stream()
            .filter(r -> field(admins.get(r).info("replication"), "master_link_status").equals("up")).count();
        return ok == nodes.size() && synced == layout.replicaOf().size() ? null
            : ok + "/" + nodes.size() + " nodes ok, " + synced + "/" + layout.replicaOf().size() + " replicas in sync";
      });
    } finally {
      admins.values().forEach(NodeAdmin::close);
    }
  }

  private static boolean tryReplicate(NodeAdmin replica, String primaryId) {
    try {
      replica.call("CLUSTER", "REPLICATE", primaryId);
      return true;
    } catch (RedisException e) {
      if (String.valueOf(e.getMessage()).contains("Unknown node")) {
        return false;
      }
      throw e;
    }
  }

  /** Polls {@code check} (null = done, else a progress line) until done or the deadline. */
  private void waitFor(String what, Supplier<String> check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = null;
    long lastPrinted = 0;
    while (true) {
      String status = check.get();
      if (status == null) {
        progress.accept("done: " + what);
        return;
      }
      if (!status.equals(last) || System.nanoTime() - lastPrinted > TimeUnit.SECONDS.toNanos(2)) {
        progress.accept("waiting for " + what + ": " + status);
        last = status;
        lastPrinted = System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up after " + timeout.toSeconds() + " s waiting for " + what + " (" + status + ")");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  static String field(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return "";
  }
}
