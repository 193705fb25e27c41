package io.meridian.messages;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Objects;

/**
 * An order from the leader coordinator to the agent that runs beside {@code target}.
 *
 * @param sender   id of the leader coordinator
 * @param id       idempotency id: an agent executes a given id at most once
 * @param term     the leader's fence; agents refuse a term lower than the highest they have seen
 * @param target   the Redis node the command is for ({@code host:port})
 * @param kind     what to do
 * @param args     kind-specific arguments (e.g. {@code primaryId} for {@code REPLICATE})
 * @param issuedAt epoch milliseconds on the leader's clock
 * @param reason   the decision's reason, for the agent's log and the audit
 */
public record Command(
    String sender,
    String id,
    long term,
    String target,
    Kind kind,
    Map<String, String> args,
    long issuedAt,
    String reason) implements Message {

  public static final String TYPE = "command";
  public static final int VERSION = 1;

  /** Topology writes the agent may perform on its node. */
  public enum Kind {
    /** {@code CLUSTER FAILOVER} (coordinated, no data loss; needs the primary alive). */
    FAILOVER,
    /** {@code CLUSTER FAILOVER FORCE} (primary unreachable, majority of primaries reachable). */
    FAILOVER_FORCE,
    /** {@code CLUSTER FAILOVER TAKEOVER} (majority of primaries lost; leader with the CP lock only). */
    FAILOVER_TAKEOVER,
    /** {@code CLUSTER REPLICATE <primaryId>}. */
    REPLICATE,
    /** Undo {@link #HOLD_WRITES}. */
    RESUME_WRITES,
    /**
     * The leader's fence before it promotes in place of a primary it cannot reach but whose agent
     * can: pause the target's writes now (answered once they are paused) and keep them paused until
     * the node follows another primary, or {@link #RESUME_WRITES} lifts it.
     */
    HOLD_WRITES,
    /**
     * Give the node the settings Meridian owns ({@link RedisState#OWNED_SETTINGS}, by name in
     * args) and its announced address (arg {@code announced}, optional {@code announceBusPort}),
     * as bootstrap does; before it joins.
     */
    CONFIGURE,
    /** {@code CLUSTER MEET <host> <port> <busPort>}: args {@code host}, {@code port}, {@code busPort}. */
    MEET,
    /**
     * Live resharding by the source node's agent: {@code slots} (e.g. {@code 0-99,120}) move from
     * the target node to {@code to} (node id) at {@code toAddress}, {@code batch} keys per MIGRATE;
     * slots already owned by {@code to} are skipped. Answers with the keys moved.
     */
    MIGRATE_SLOTS,
    /** Finish the slots an interrupted resharding left {@code MIGRATING} on the target node. */
    FINISH_MIGRATING,
    /** Clear slots left {@code IMPORTING} on the target node (after every source finished its migrations). */
    CLEAR_IMPORTING,
    /** {@code CLUSTER FORGET <nodeId>}: arg {@code nodeId}; a node already forgotten counts as done. */
    FORGET,
    /** {@code CLUSTER RESET SOFT} on a node that owns no slots (leaving the cluster). */
    RESET_SOFT
  }

  public Command {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
    args = Map.copyOf(args);
  }

  @Override
  public String wireType() {
    return TYPE;
  }

  @Override
  public java.util.OptionalLong sentAtMillis() {
    return java.util.OptionalLong.of(issuedAt);
  }

  @Override
  public JsonObject body() {
    return new JsonObject()
        .put("id", id)
        .put("term", term)
        .put("target", target)
        .put("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
        .put("args", new JsonObject(Map.copyOf(args)))
        .put("issuedAt", issuedAt)
        .put("reason", reason);
  }

  static Command from(String sender, Fields f) throws MessageRejected {
    return new Command(
        sender,
        f.string("id"),
        f.term("term"),
        f.address("target"),
        f.enumValue("kind", Kind.class),
        f.stringMap("args"),
        f.nonNegative("issuedAt"),
        f.string("reason"));
  }
}
