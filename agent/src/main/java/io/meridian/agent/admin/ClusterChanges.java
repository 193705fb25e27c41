package io.meridian.agent.admin;

import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.messages.Command;
import io.meridian.messages.SlotRange;
import io.meridian.runtime.config.RedisAuth;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The commands that change a cluster's membership and slots (meet, configure, replicate, reshard,
 * leave, forget), applied to one node. The agent runs them for the leader's scaling jobs and
 * {@code meridian add-node --spec} runs the very same for an operator, so both take the same steps
 * the same way. Blocking: call it from a worker.
 */
public final class ClusterChanges {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final RedisAuth auth;
  private final UnaryOperator<String> reach;

  /**
   * @param reach where this process reaches a node the cluster names by its announced address (the
   *              agent: the address itself; the CLI: the spec's address for it)
   */
  public ClusterChanges(RedisAuth auth, UnaryOperator<String> reach) {
    this.auth = auth;
    this.reach = reach;
  }

  /**
   * Applies one change to the node {@code admin} talks to; says what it did.
   *
   * @throws IllegalArgumentException for a kind this class does not apply or a missing argument
   * @throws AdminCommandException    when Redis refuses
   * @throws IllegalStateException    when the node is not in a state the change allows
   */
  public String apply(NodeAdmin admin, Command.Kind kind, Map<String, String> args, Consumer<String> progress) {
    String target = admin.node();
    return switch (kind) {
      case REPLICATE -> admin.call("CLUSTER", "REPLICATE", required(kind, args, "primaryId"));
      case MEET -> admin.call("CLUSTER", "MEET", required(kind, args, "host"), required(kind, args, "port"),
          required(kind, args, "busPort"));
      case MIGRATE_SLOTS -> migrate(target, args, progress);
      case CONFIGURE -> configure(admin, args, progress);
      case FINISH_MIGRATING -> {
        int n = resharding(100, progress).finishMigrating(new Resharding.Node(target, target),
            a -> new Resharding.Node(reach.apply(a), a));
        yield n == 0 ? "no slot was left migrating" : "finished " + n + " slot(s) an interrupted run left migrating";
      }
      case CLEAR_IMPORTING -> {
        int n = resharding(100, progress).clearImporting(new Resharding.Node(target, target));
        yield n == 0 ? "no slot was left importing" : "cleared " + n + " slot(s) left importing";
      }
      case FORGET -> forget(admin, required(kind, args, "nodeId"));
      case RESET_SOFT -> {
        int owned = ClusterNodesReply.parse(admin.clusterNodes()).myself().slotCount();
        if (owned > 0) {
          throw new IllegalStateException(target + " still owns " + owned + " slots: move them away first");
        }
        yield admin.call("CLUSTER", "RESET", "SOFT");
      }
      default -> throw new IllegalArgumentException(kind + " does not change the cluster's membership or slots");
    };
  }

  /** One batch of live resharding from the node; slots already moved are skipped (a repeated command). */
  private String migrate(String target, Map<String, String> args, Consumer<String> progress) {
    String to = required(Command.Kind.MIGRATE_SLOTS, args, "toAddress");
    List<Integer> slots = SlotRange.decode(required(Command.Kind.MIGRATE_SLOTS, args, "slots"));
    Resharding.Moved moved = resharding(Integer.parseInt(required(Command.Kind.MIGRATE_SLOTS, args, "batch")),
        progress).moveOwned(new Resharding.Node(target, target), new Resharding.Node(reach.apply(to), to),
        required(Command.Kind.MIGRATE_SLOTS, args, "to"), slots);
    return "moved " + moved.slots() + " slots (" + moved.keys() + " keys) to " + to
        + (moved.skipped() > 0 ? "; " + moved.skipped() + " were moved already" : "");
  }

  /** The owned settings and announced address, as bootstrap sets them; says what changed. */
  private String configure(NodeAdmin admin, Map<String, String> args, Consumer<String> progress) {
    Map<String, String> settings = new LinkedHashMap<>(args);
    String announced = settings.remove("announced");
    Optional<Integer> bus = Optional.ofNullable(settings.remove("announceBusPort")).map(Integer::parseInt);
    List<String> changed = new Bootstrap(auth, TIMEOUT, false, progress)
        .configureNode(admin, new BootstrapPlan.Member(admin.node(), announced, bus), settings);
    return changed.isEmpty() ? "settings were right already" : "set " + String.join(", ", changed);
  }

  private Resharding resharding(int batch, Consumer<String> progress) {
    return new Resharding(auth, TIMEOUT, batch, progress);
  }

  private static String forget(NodeAdmin admin, String nodeId) {
    if (admin.myId().equals(nodeId)) {
      throw new IllegalStateException(admin.node() + " is node " + nodeId + " itself: a node cannot forget itself");
    }
    try {
      return admin.call("CLUSTER", "FORGET", nodeId);
    } catch (AdminCommandException e) {
      if (e.getMessage().contains("Unknown node")) {
        return "already forgotten";
      }
      throw e;
    }
  }

  private static String required(Command.Kind kind, Map<String, String> args, String arg) {
    String value = args.get(arg);
    if (value == null) {
      throw new IllegalArgumentException(kind + " needs the argument '" + arg + "'");
    }
    return value;
  }
}
