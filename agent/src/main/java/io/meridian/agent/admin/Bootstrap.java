package io.meridian.agent.admin;

import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.agent.redis.InfoText;
import io.meridian.messages.NodeAddress;
import io.meridian.messages.SlotRange;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.poll.StatusPoll;
import io.meridian.runtime.spec.ClusterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Builds a Redis Cluster as planned, idempotently: inspect every node (read only), refuse nodes
 * that hold data or belong to another cluster (unless forced), set the settings Meridian owns,
 * meet, assign slots nobody owns, attach replicas that are still empty, and wait until every
 * node's {@code CLUSTER NODES} agrees. On a formed cluster it changes nothing; on one that an
 * earlier run left half-formed it does the rest. It never moves slots or replicas that are
 * already placed: that is the reconcile loop's job.
 */
public final class Bootstrap {

  /** What a run did, for the operator. */
  public record Result(List<String> changes, List<String> keptAsIs, Duration took) {

    public boolean changedNothing() {
      return changes.isEmpty();
    }
  }

  /** Nodes bootstrap will not touch without {@code --force}, each with the reason. */
  public static final class Refused extends Exception {
    private final List<String> reasons;

    Refused(List<String> reasons) {
      super(String.join("; ", reasons), null, false, false);
      this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
      return reasons;
    }
  }

  private final RedisAuth auth;
  private final Duration timeout;
  private final boolean force;
  private final Consumer<String> progress;

  public Bootstrap(RedisAuth auth, Duration timeout, boolean force, Consumer<String> progress) {
    this.auth = auth;
    this.timeout = timeout;
    this.force = force;
    this.progress = progress;
  }

  public Result run(BootstrapPlan plan) throws Refused {
    long start = System.nanoTime();
    List<String> changes = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    Map<String, NodeAdmin> admins = new LinkedHashMap<>();
    try {
      for (BootstrapPlan.Member m : plan.members()) {
        admins.put(m.announced(), new NodeAdmin(m.address(), auth, Duration.ofSeconds(5)));
      }
      inspect(plan, admins, changes);
      configure(plan, admins, changes);
      meet(plan, admins, changes);
      assignSlots(plan, admins, changes, kept);
      attachReplicas(plan, admins, changes, kept);
      converge(plan, admins);
      return new Result(List.copyOf(changes), List.copyOf(kept), Duration.ofNanos(System.nanoTime() - start));
    } finally {
      admins.values().forEach(NodeAdmin::close);
    }
  }

  /** Read-only look at every node before anything is written. */
  private void inspect(BootstrapPlan plan, Map<String, NodeAdmin> admins, List<String> changes) throws Refused {
    progress.accept("inspecting " + admins.size() + " nodes");
    Set<String> ours = new HashSet<>(plan.announcedAddresses());
    List<String> refusals = new ArrayList<>();
    Map<String, String> toReset = new LinkedHashMap<>();
    for (Map.Entry<String, NodeAdmin> e : admins.entrySet()) {
      NodeAdmin admin = e.getValue();
      if (!field(admin.info("cluster"), "cluster_enabled").equals("1")) {
        refusals.add(admin.node() + " does not run in cluster mode: set 'cluster-enabled yes' in its redis.conf and restart it");
        continue;
      }
      ClusterNodesReply nodes = ClusterNodesReply.parse(admin.clusterNodes());
      List<String> foreign = nodes.entries().stream()
          .filter(n -> !n.myself() && !n.address().startsWith(":") && !ours.contains(n.address()))
          .map(ClusterNodesReply.Entry::address).toList();
      long keys = keys(admin.info("keyspace"));
      boolean joined = nodes.entries().stream().anyMatch(n -> !n.myself() && ours.contains(n.address()));
      ClusterNodesReply.Entry me = nodes.myself();
      Optional<SlotRange> planned = Optional.ofNullable(plan.primaries().get(e.getKey()));
      boolean slotsOutsidePlan = me.slots().stream()
          .anyMatch(r -> planned.isEmpty() || r[0] < planned.get().from() || r[1] > planned.get().to());
      if (!foreign.isEmpty()) {
        toReset.put(e.getKey(), admin.node() + " belongs to another cluster (it knows " + String.join(", ", foreign) + ")");
      } else if (keys > 0 && !joined && me.slotCount() == 0) {
        toReset.put(e.getKey(), admin.node() + " holds " + keys + " keys but is not part of this cluster");
      } else if (slotsOutsidePlan && !joined) {
        toReset.put(e.getKey(), admin.node() + " owns slots " + String.join(" ", me.slotText()) + " outside its plan");
      }
    }
    if (!refusals.isEmpty()) {
      throw new Refused(refusals);
    }
    if (!toReset.isEmpty() && !force) {
      List<String> reasons = new ArrayList<>(toReset.values());
      reasons.add("nothing was changed; to wipe these nodes and take them into the cluster, run again with --force");
      throw new Refused(reasons);
    }
    for (Map.Entry<String, String> e : toReset.entrySet()) {
      NodeAdmin admin = admins.get(e.getKey());
      progress.accept("--force: wiping " + admin.node() + " (" + e.getValue() + ")");
      if (ClusterNodesReply.parse(admin.clusterNodes()).myself().isReplica()) {
        admin.call("CLUSTER", "RESET", "HARD");
      }
      admin.call("FLUSHALL");
      admin.call("CLUSTER", "RESET", "HARD");
      changes.add("wiped " + admin.node() + ": " + e.getValue());
    }
  }

  private void configure(BootstrapPlan plan, Map<String, NodeAdmin> admins, List<String> changes) {
    progress.accept("applying settings");
    for (BootstrapPlan.Member m : plan.members()) {
      NodeAdmin admin = admins.get(m.announced());
      List<String> changed = configureNode(admin, m, plan.settings());
      if (!changed.isEmpty()) {
        changes.add("set " + String.join(", ", changed) + " on " + admin.node());
      }
    }
  }

  /**
   * Sets the settings Meridian owns, the announced addresses and the replication credentials on
   * one node where they differ, and saves them; returns what changed (passwords as {@code ****}).
   */
  public List<String> configureNode(NodeAdmin admin, BootstrapPlan.Member m, Map<String, String> settings) {
    Map<String, String> wanted = new LinkedHashMap<>(settings);
    if (m.announcesOtherAddress()) {
      wanted.put("cluster-announce-ip", NodeAddress.host(m.announced()));
      // On a TLS cluster bus a node announces its tls-port, and cluster-announce-port is then
      // the plain port it would give plain clients: leave that alone.
      wanted.put(ClusterSpec.clusterBusOnTls(settings) ? "cluster-announce-tls-port" : "cluster-announce-port",
          Integer.toString(NodeAddress.port(m.announced())));
      wanted.put("cluster-announce-bus-port",
          Integer.toString(m.announceBusPort().orElse(NodeAddress.port(m.announced()) + 10000)));
    }
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> s : wanted.entrySet()) {
      if (!current(admin, s.getKey()).equals(s.getValue())) {
        admin.call("CONFIG", "SET", s.getKey(), s.getValue());
        changed.add(s.getKey() + "=" + s.getValue());
      }
    }
    // Replicas authenticate to their primary with these (Meridian's own credentials unless
    // replication has its own); the value never leaves this method.
    if (auth.replicaPassword().isPresent()) {
      String password = auth.replicaPassword().get().reveal();
      if (!current(admin, "masterauth").equals(password)) {
        admin.call("CONFIG", "SET", "masterauth", password);
        changed.add("masterauth=****");
      }
      String user = auth.replicaUser().orElse("");
      if (!current(admin, "masteruser").equals(user)) {
        admin.call("CONFIG", "SET", "masteruser", user);
        changed.add("masteruser=" + (user.isEmpty() ? "(default user)" : user));
      }
    }
    if (!changed.isEmpty()) {
      try {
        admin.call("CONFIG", "REWRITE");
      } catch (AdminCommandException e) {
        progress.accept("warning: " + admin.node() + " could not save its settings (" + e.getMessage()
            + "); they hold until it restarts");
      }
    }
    return changed;
  }

  private static String current(NodeAdmin admin, String setting) {
    List<String> reply = admin.list("CONFIG", "GET", setting);
    return reply.size() >= 2 ? reply.get(1) : "";
  }

  /**
   * Gives every node that knows no other yet a config epoch of its own, above every epoch the
   * plan's nodes know, before it meets the cluster (as {@code redis-cli --cluster create} does).
   * Left to Redis, every node starts at epoch 0 and only primaries that talk to each other are told
   * apart: two nodes that bump at the same moment can share the greatest epoch, and when one turns
   * replica of the other before they collide, they keep it. Should that primary die, the replica's
   * {@code TAKEOVER} claims its slots at the dead primary's own epoch ({@code BUMPEPOCH} refuses: it
   * holds the greatest already), and every other node keeps crediting the dead primary (seen in
   * CI: epoch 5 on both, the shard unreachable to clients after an operator's takeover).
   */
  private void assignEpochs(BootstrapPlan plan, Map<String, NodeAdmin> admins, List<String> changes) {
    long next = 1;
    for (NodeAdmin admin : admins.values()) {
      next = Math.max(next, InfoText.parse(admin.call("CLUSTER", "INFO")).number("cluster_current_epoch", 0) + 1);
    }
    long first = next;
    for (BootstrapPlan.Member m : plan.members()) {
      NodeAdmin admin = admins.get(m.announced());
      ClusterNodesReply view = ClusterNodesReply.parse(admin.clusterNodes());
      if (view.entries().size() == 1 && view.myself().configEpoch() == 0) {
        admin.call("CLUSTER", "SET-CONFIG-EPOCH", next++);
      }
    }
    if (next > first) {
      changes.add("gave " + (next - first) + " new nodes config epochs " + first + "-" + (next - 1) + ", one each");
    }
  }

  private void meet(BootstrapPlan plan, Map<String, NodeAdmin> admins, List<String> changes) {
    assignEpochs(plan, admins, changes);
    BootstrapPlan.Member first = plan.members().get(0);
    for (BootstrapPlan.Member m : plan.members().subList(1, plan.members().size())) {
      NodeAdmin admin = admins.get(m.announced());
      if (ClusterNodesReply.parse(admin.clusterNodes()).byAddress(first.announced()).isEmpty()) {
        int busPort = first.announceBusPort().orElse(NodeAddress.port(first.announced()) + 10000);
        admin.call("CLUSTER", "MEET", NodeAddress.host(first.announced()), NodeAddress.port(first.announced()), busPort);
        changes.add(m.announced() + " met " + first.announced());
      }
    }
    Set<String> all = new HashSet<>(plan.announcedAddresses());
    waitFor("every node to know all " + all.size(), () -> {
      long complete = admins.entrySet().stream()
          .filter(e -> knownHealthy(e.getValue(), e.getKey()).containsAll(all)).count();
      return complete == admins.size() ? null : complete + "/" + admins.size() + " nodes know the whole cluster";
    });
  }

  /**
   * Addresses a node knows and is not in handshake with (gossip finished for them). A node that
   * never met another lists itself as {@code :port}; it knows itself all the same.
   */
  private static Set<String> knownHealthy(NodeAdmin admin, String self) {
    Set<String> known = new HashSet<>();
    for (ClusterNodesReply.Entry e : ClusterNodesReply.parse(admin.clusterNodes()).entries()) {
      if (e.myself()) {
        known.add(self);
      } else if (!e.flags().contains("handshake") && !e.flags().contains("noaddr")) {
        known.add(e.address());
      }
    }
    return known;
  }

  private void assignSlots(BootstrapPlan plan, Map<String, NodeAdmin> admins, List<String> changes, List<String> kept) {
    String[] owner = slotOwners(admins.values().iterator().next());
    for (Map.Entry<String, SlotRange> p : plan.primaries().entrySet()) {
      SlotRange range = p.getValue();
      Map<String, Integer> elsewhere = new TreeMap<>();
      int from = -1;
      for (int slot = range.from(); slot <= range.to() + 1; slot++) {
        boolean free = slot <= range.to() && owner[slot] == null;
        if (slot <= range.to() && owner[slot] != null && !owner[slot].equals(p.getKey())) {
          elsewhere.merge(owner[slot], 1, Integer::sum);
        }
        if (free && from < 0) {
          from = slot;
        } else if (!free && from >= 0) {
          admins.get(p.getKey()).call("CLUSTER", "ADDSLOTSRANGE", from, slot - 1);
          changes.add(p.getKey() + " took slots " + from + "-" + (slot - 1));
          from = -1;
        }
      }
      elsewhere.forEach((node, count) -> kept.add(count + " slots planned for " + p.getKey() + " are owned by " + node
          + "; left as they are (meridian check reports it)"));
    }
  }

  /** For each slot, the announced address of its owner in {@code admin}'s view, or null. */
  private static String[] slotOwners(NodeAdmin admin) {
    String[] owner = new String[SlotRange.SLOTS];
    for (ClusterNodesReply.Entry e : ClusterNodesReply.parse(admin.clusterNodes()).entries()) {
      for (int[] r : e.slots()) {
        for (int s = r[0]; s <= r[1]; s++) {
          owner[s] = e.address();
        }
      }
    }
    return owner;
  }

  private void attachReplicas(BootstrapPlan plan, Map<String, NodeAdmin> admins, List<String> changes,
      List<String> kept) {
    Map<String, String> pending = new LinkedHashMap<>();
    for (Map.Entry<String, String> r : plan.replicaOf().entrySet()) {
      NodeAdmin replica = admins.get(r.getKey());
      ClusterNodesReply view = ClusterNodesReply.parse(replica.clusterNodes());
      ClusterNodesReply.Entry me = view.myself();
      String primaryId = ClusterNodesReply.parse(admins.get(r.getValue()).clusterNodes()).myself().id();
      if (me.isReplica() && me.masterId().equals(Optional.of(primaryId))) {
        continue;
      }
      if (me.isPrimary() && me.slotCount() == 0) {
        pending.put(r.getKey(), primaryId);
      } else {
        String now = me.isReplica() ? "a replica of " + view.byId(me.masterId().orElse("")).map(
            ClusterNodesReply.Entry::address).orElse(me.masterId().orElse("?")) : "a primary with " + me.slotCount() + " slots";
        kept.add(r.getKey() + " is planned as a replica of " + r.getValue() + " but is " + now
            + "; left as it is (meridian check reports it)");
      }
    }
    if (pending.isEmpty()) {
      return;
    }
    progress.accept("attaching " + pending.size() + " replicas");
    waitFor("replicas to attach to their primaries", () -> {
      pending.entrySet().removeIf(e -> {
        try {
          admins.get(e.getKey()).call("CLUSTER", "REPLICATE", e.getValue());
          changes.add(e.getKey() + " follows " + plan.replicaOf().get(e.getKey()));
          return true;
        } catch (AdminCommandException ex) {
          // The primary's id may not have reached this node by gossip yet.
          if (ex.getMessage().contains("Unknown node")) {
            return false;
          }
          throw ex;
        }
      });
      return pending.isEmpty() ? null : pending.size() + " replicas waiting for their primary's id to spread";
    });
  }

  /** Done when every node agrees on every node's role and primary, all slots are served and replicas are in sync. */
  private void converge(BootstrapPlan plan, Map<String, NodeAdmin> admins) {
    waitFor("every node to agree on the layout, cluster_state:ok and replicas in sync", () -> {
      Map<String, String> reference = null;
      int agreeing = 0;
      int ok = 0;
      int synced = 0;
      for (Map.Entry<String, NodeAdmin> e : admins.entrySet()) {
        NodeAdmin admin = e.getValue();
        Map<String, String> roles = roles(ClusterNodesReply.parse(admin.clusterNodes()), e.getKey());
        if (reference == null) {
          reference = roles;
        }
        if (roles.equals(reference) && roles.keySet().containsAll(plan.announcedAddresses())) {
          agreeing++;
        }
        if (field(admin.clusterInfo(), "cluster_state").equals("ok")) {
          ok++;
        }
        String info = admin.info("replication");
        if (!field(info, "role").equals("slave") || field(info, "master_link_status").equals("up")) {
          synced++;
        }
      }
      int n = admins.size();
      return agreeing == n && ok == n && synced == n ? null
          : agreeing + "/" + n + " agree on the layout, " + ok + "/" + n + " cluster_state:ok, " + synced + "/" + n
              + " in sync";
    });
  }

  /** address → "primary" or "replica of <address>", from one node's view ({@code self}: its own announced address). */
  private static Map<String, String> roles(ClusterNodesReply view, String self) {
    Map<String, String> roles = new TreeMap<>();
    for (ClusterNodesReply.Entry e : view.entries()) {
      String address = e.myself() ? self : e.address();
      if (e.isReplica()) {
        roles.put(address, "replica of " + e.masterId().flatMap(view::byId).map(ClusterNodesReply.Entry::address)
            .orElse("?"));
      } else {
        roles.put(address, "primary with " + e.slotCount() + " slots");
      }
    }
    return roles;
  }

  private void waitFor(String what, Supplier<String> check) {
    StatusPoll.await(timeout, Duration.ofMillis(100), check, status -> progress.accept("waiting for " + what + ": "
        + status)).ifPresent(status -> {
          throw new IllegalStateException("gave up after " + timeout.toSeconds() + " s waiting for " + what + " ("
              + status + "); running bootstrap again continues from here");
        });
    progress.accept("done: " + what);
  }

  static long keys(String keyspace) {
    long keys = 0;
    for (String line : keyspace.split("\r?\n")) {
      int at = line.indexOf("keys=");
      if (line.startsWith("db") && at >= 0) {
        int end = line.indexOf(',', at);
        keys += Long.parseLong(line.substring(at + 5, end < 0 ? line.length() : end));
      }
    }
    return keys;
  }

  static String field(String info, String name) {
    return InfoText.parse(info).get(name).orElse("");
  }

}
