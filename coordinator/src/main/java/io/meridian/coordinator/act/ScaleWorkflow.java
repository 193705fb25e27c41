package io.meridian.coordinator.act;

import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.Topology;
import io.meridian.coordinator.scale.ScalePlanner;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.messages.Command;
import io.meridian.messages.NodeAddress;
import io.meridian.messages.SlotRange;
import io.meridian.runtime.poll.EventLoopPoll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The steps of adding or removing one node of a performance cluster, written once. The leader's
 * scaling jobs send them to the agents as fenced commands; {@code meridian add-node --spec} applies
 * the same commands to the nodes itself (both through the agent's {@code ClusterChanges}). What to
 * do comes from the pure {@link ScalePlanner} over what is seen at each step, so a run again skips
 * what is done, after finishing any slot an interrupted run left half-moved. Runs on one Vert.x
 * context and never blocks it.
 */
public final class ScaleWorkflow {

  /** Slots per MIGRATE_SLOTS command: each answers within seconds, far inside the bus timeout. */
  public static final int SLOTS_PER_COMMAND = 128;
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration MIGRATE_TIMEOUT = Duration.ofSeconds(60);

  /** What the steps need to know of one answering node besides its place in the topology. */
  public record Member(String nodeId, long knownNodes, Optional<String> clusterState, boolean linkUp) {
  }

  /** The cluster as seen now: its topology and its answering nodes, both by announced address. */
  public record Seen(Topology topology, Map<String, Member> members) {
    public Seen {
      members = Map.copyOf(members);
    }

    public Optional<Member> member(String announced) {
      return Optional.ofNullable(members.get(announced));
    }

    String idOf(String announced) {
      return member(announced).map(Member::nodeId).filter(id -> !id.isEmpty()).orElseThrow(() ->
          new IllegalStateException(announced + " does not answer: its node id is unknown; run again when it does"));
    }
  }

  /** One command to one node, named by its announced address. */
  public record Step(String node, Command.Kind kind, Map<String, String> args, String reason, Duration timeout) {
    public Step {
      args = Map.copyOf(args);
    }
  }

  /** A failure that ends the run at once, even where a failed step is otherwise only a warning. */
  public static class Halt extends RuntimeException {
    public Halt(String message) {
      super(message, null, false, false);
    }
  }

  /** Where the steps go and where the cluster is seen from. */
  public interface Hands {
    /** The cluster now; a failed look ends the run with its failure. */
    Future<Seen> look();

    /** Applies the step; succeeds with what it did once done, fails otherwise. */
    Future<String> apply(Step step);

    /** A progress line for the operator. */
    void say(String line);
  }

  private final Vertx vertx;
  private final ClusterSpec spec;
  private final Hands hands;
  private final Duration wait;
  private final Duration every;
  private final int keysPerMigrate;

  /**
   * @param wait           how long one wait for the cluster to take in a change may last
   * @param every          how often the cluster is looked at while waiting
   * @param keysPerMigrate keys per {@code MIGRATE} while resharding
   */
  public ScaleWorkflow(Vertx vertx, ClusterSpec spec, Hands hands, Duration wait, Duration every,
      int keysPerMigrate) {
    this.vertx = vertx;
    this.spec = spec;
    this.hands = hands;
    this.wait = wait;
    this.every = every;
    this.keysPerMigrate = keysPerMigrate;
  }

  // ---- add-node ----

  /** Adds {@code node} (as the spec names it); succeeds with what it became. */
  public Future<String> add(String node, ScalePlanner.Role role) {
    NodeSpec ns = spec.node(node).orElseThrow(() -> new IllegalStateException(node + " is not in the spec"));
    String me = ns.announced();
    Map<String, String> settings = new LinkedHashMap<>(spec.ownedConfig());
    settings.put("announced", me);
    ns.announceBusPort().ifPresent(p -> settings.put("announceBusPort", Integer.toString(p)));
    return apply(me, Command.Kind.CONFIGURE, settings, "give " + me
        + " the settings the spec owns before it joins the cluster", COMMAND_TIMEOUT)
        .compose(v -> meet(ns))
        .compose(v -> hands.look())
        .compose(seen -> {
          if (!ScalePlanner.becomesPrimary(spec, seen.topology(), me, role)) {
            return attach(me);
          }
          Optional<String> refused = ScalePlanner.primaryRefusal(ns);
          if (refused.isPresent()) {
            return Future.failedFuture(refused.get());
          }
          return reshard(me, true).map(v2 -> "added " + me + " as a primary");
        });
  }

  /** Joins {@code ns} to the cluster unless it knows the others already, and waits until all know each other. */
  private Future<Void> meet(NodeSpec ns) {
    String me = ns.announced();
    return hands.look().compose(seen -> {
      Member mine = seen.member(me).orElseThrow(() -> new IllegalStateException(me + " does not answer"));
      List<String> members = members(seen, me);
      if (members.isEmpty()) {
        return Future.failedFuture("no node of the cluster answers");
      }
      Future<String> met;
      if (mine.knownNodes() > 1) {
        hands.say(me + " is in the cluster already (it knows " + mine.knownNodes() + " nodes)");
        met = Future.succeededFuture("");
      } else {
        String peer = members.get(0);
        int bus = ns.announceBusPort().orElse(NodeAddress.port(me) + 10000);
        met = apply(peer, Command.Kind.MEET, Map.of("host", NodeAddress.host(me), "port",
            Integer.toString(NodeAddress.port(me)), "busPort", Integer.toString(bus)),
            "introduce new node " + me + " to the cluster through " + peer, COMMAND_TIMEOUT);
      }
      int size = members.size() + 1;
      // A node that has just met the cluster answers CLUSTERDOWN (also to MIGRATE's RESTORE) until it has
      // learned every slot's owner and its cluster_state turns ok.
      return met.compose(v -> await("every node to know " + me + " and cluster_state:ok on it", s -> {
        Optional<Member> m = s.member(me);
        if (m.isEmpty() || m.get().knownNodes() < size) {
          return me + " knows " + m.map(Member::knownNodes).orElse(0L) + " of " + size + " nodes";
        }
        if (m.get().clusterState().filter("ok"::equals).isEmpty()) {
          return "cluster_state:" + m.get().clusterState().orElse("unknown") + " on " + me;
        }
        List<String> unaware = members(s, me).stream()
            .filter(a -> s.member(a).map(Member::knownNodes).orElse(0L) < size).toList();
        return unaware.isEmpty() ? null : "not known yet by " + unaware;
      }));
    }).mapEmpty();
  }

  private Future<String> attach(String me) {
    return hands.look().compose(seen -> {
      NodeRole role = seen.topology().nodes().get(me);
      Future<String> attached;
      String to;
      if (role != null && role.primaryOf().isPresent()) {
        to = role.primaryOf().get();
        hands.say(me + " already replicates " + to);
        attached = Future.succeededFuture("");
      } else {
        to = ScalePlanner.bestPrimaryFor(spec, seen.topology(), me, ScalePlanner.shards(seen.topology()));
        attached = apply(me, Command.Kind.REPLICATE, Map.of("primaryId", seen.idOf(to)), "new node " + me
            + " replicates " + to + ": the primary with the fewest replicas, preferring one without a copy in "
            + spec.regionOf(me).orElse("its region"), COMMAND_TIMEOUT);
      }
      return attached.compose(v -> await(me + " to sync with " + to, s -> follows(s, me, to)
          && s.member(me).map(Member::linkUp).orElse(false) ? null : "link not up yet"))
          .map(v -> "added " + me + " as a replica of " + to);
    });
  }

  // ---- remove-node ----

  /** Moves the slots and replicas of {@code node} away, then it leaves and every other node forgets it. */
  public Future<String> remove(String node) {
    String me = spec.node(node).map(NodeSpec::announced).orElse(node);
    return hands.look().compose(seen -> {
      if (!seen.topology().nodes().containsKey(me)) {
        hands.say(me + " is not in the cluster (or does not answer): nothing to move");
        return Future.succeededFuture("nothing to do");
      }
      Future<Void> slotsGone = ScalePlanner.shards(seen.topology()).contains(me) ? reshard(me, false)
          : Future.succeededFuture();
      return slotsGone.compose(v -> moveReplicas(me)).compose(v -> leave(me))
          .map(v -> "removed " + me + "; stop its redis-server and delete it from the spec (and its agent's nodes)");
    });
  }

  private Future<Void> moveReplicas(String me) {
    return hands.look().compose(first -> {
      Future<Void> chain = Future.succeededFuture();
      for (String replica : ScalePlanner.replicasOf(first.topology(), me)) {
        chain = chain.compose(v -> hands.look()).compose(seen -> {
          Topology t = seen.topology();
          String to = ScalePlanner.bestPrimaryFor(spec, t, replica, ScalePlanner.shards(t).stream()
              .filter(p -> !p.equals(me)).toList());
          return apply(replica, Command.Kind.REPLICATE, Map.of("primaryId", seen.idOf(to)), "replica " + replica
              + " of leaving node " + me + " follows " + to + " instead", COMMAND_TIMEOUT)
              .compose(x -> await(replica + " to follow " + to, s -> follows(s, replica, to) ? null
                  : "not following yet"))
              .mapEmpty();
        });
      }
      return chain;
    });
  }

  /** The node resets (it leaves), then every other node forgets it. */
  private Future<Void> leave(String me) {
    return hands.look().compose(seen -> {
      String id = seen.idOf(me);
      List<String> others = new ArrayList<>(seen.topology().nodes().keySet());
      others.remove(me);
      Future<Void> chain = apply(me, Command.Kind.RESET_SOFT, Map.of(), me
          + " owns no slots and has no replicas: it leaves the cluster (CLUSTER RESET SOFT)", COMMAND_TIMEOUT)
          .mapEmpty();
      for (String other : others) {
        chain = chain.compose(v -> hands.look()).compose(now -> {
          if (now.member(other).isEmpty()) {
            hands.say("warning: " + other + " does not answer; it forgets " + me + " only when told by hand");
            return Future.succeededFuture();
          }
          return apply(other, Command.Kind.FORGET, Map.of("nodeId", id), other + " forgets " + me
              + ", which left the cluster", COMMAND_TIMEOUT)
              .recover(e -> {
                if (e instanceof Halt) {
                  return Future.failedFuture(e);
                }
                hands.say("warning: " + other + " could not forget " + me + ": " + e.getMessage());
                return Future.succeededFuture();
              }).mapEmpty();
        });
      }
      return chain;
    });
  }

  // ---- resharding ----

  /**
   * Even shares over the shards with {@code me} ({@code joining}) or without it: first every slot
   * an interrupted run left half-moved is finished, then one command per batch of slots.
   */
  private Future<Void> reshard(String me, boolean joining) {
    return hands.look().compose(first -> {
      Future<Void> chain = Future.succeededFuture();
      List<String> primaries = ScalePlanner.withPrimary(first.topology(), me);
      for (String p : primaries) {
        chain = chain.compose(v -> apply(p, Command.Kind.FINISH_MIGRATING, Map.of(),
            "finish any slot an interrupted resharding left migrating on " + p, MIGRATE_TIMEOUT).mapEmpty());
      }
      for (String p : primaries) {
        chain = chain.compose(v -> apply(p, Command.Kind.CLEAR_IMPORTING, Map.of(),
            "clear any slot an interrupted resharding left importing on " + p, COMMAND_TIMEOUT).mapEmpty());
      }
      return chain;
    }).compose(v -> await("the view to show every slot owned", s -> {
      long unowned = s.topology().slotOwners().stream().filter(o -> o == null).count();
      return unowned == 0 ? null : unowned + " slots without an owner in the view";
    })).compose(seen -> {
      Topology t = seen.topology();
      List<String> after = joining ? ScalePlanner.withPrimary(t, me) : ScalePlanner.withoutPrimary(t, me);
      List<ScalePlanner.Batch> batches = ScalePlanner.batches(t, after, SLOTS_PER_COMMAND);
      int slots = batches.stream().mapToInt(b -> b.slots().size()).sum();
      hands.say("resharding to " + after.size() + " primaries: " + slots + " slots move in " + batches.size()
          + " command(s) of at most " + SLOTS_PER_COMMAND + " slots");
      Future<Void> moves = Future.succeededFuture();
      for (int i = 0; i < batches.size(); i++) {
        ScalePlanner.Batch b = batches.get(i);
        String n = (i + 1) + "/" + batches.size();
        moves = moves.compose(v -> apply(b.from(), Command.Kind.MIGRATE_SLOTS, Map.of("to", seen.idOf(b.to()),
                "toAddress", b.to(), "slots", SlotRange.encode(b.slots()), "batch", Integer.toString(keysPerMigrate)),
            "batch " + n + ": move slots " + SlotRange.summarize(b.slots(), 3) + " from " + b.from() + " to " + b.to()
                + " for even shares over " + after.size() + " primaries" + (joining ? " (" + me + " joins)"
                : " (" + me + " leaves)"), MIGRATE_TIMEOUT).mapEmpty());
      }
      int target = joining ? Topology.SLOTS / after.size() : 0;
      return moves.compose(v -> await("the view to show " + me + " with " + (joining ? "its share" : "no slots"),
          s -> {
            NodeRole r = s.topology().nodes().get(me);
            int owned = r == null ? 0 : r.slots();
            return joining ? (owned >= target ? null : me + " owns " + owned + " slots")
                : (owned == 0 ? null : me + " still owns " + owned + " slots");
          })).map(x -> {
            hands.say("resharding done: " + slots + " slots moved");
            return null;
          });
    });
  }

  /** What to tell the operator of a run that failed: a halt as it is, anything else with {@code howToGoOn}. */
  public static String failure(Throwable cause, String howToGoOn) {
    String message = String.valueOf(cause.getMessage());
    return cause instanceof Halt ? message : message + "; " + howToGoOn;
  }

  // ---- plumbing ----

  private Future<String> apply(String node, Command.Kind kind, Map<String, String> args, String reason,
      Duration timeout) {
    return hands.apply(new Step(node, kind, args, reason, timeout));
  }

  private Future<Seen> await(String what, Function<Seen, String> status) {
    return EventLoopPoll.await(vertx, what, wait, every, hands::look, status,
        s -> hands.say("waiting for " + what + ": " + s));
  }

  private static boolean follows(Seen seen, String replica, String primary) {
    NodeRole r = seen.topology().nodes().get(replica);
    return r != null && r.primaryOf().filter(primary::equals).isPresent();
  }

  /** Answering nodes, but {@code me}, that are in a cluster (a lone spec node knows only itself). */
  private static List<String> members(Seen seen, String me) {
    return seen.topology().nodes().keySet().stream().filter(a -> !a.equals(me))
        .filter(a -> seen.member(a).map(Member::knownNodes).orElse(0L) > 1).sorted().toList();
  }
}
