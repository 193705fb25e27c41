package io.meridian.messages;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent's answer to a {@link Command}: executed, refused (with why: stale term, unknown node,
 * duplicate id) or failed (Redis said no).
 *
 * @param primaryAfterMs for a promotion the agent saw take effect: how long after the command the node
 *                       was primary (for a coordinated failover, an upper bound of the writes' pause);
 *                       absent otherwise, and from agents older than the field
 */
public record CommandResult(
    String sender,
    String commandId,
    long term,
    String target,
    Outcome outcome,
    String detail,
    long completedAt,
    Optional<Long> primaryAfterMs) implements Message {

  public static final String TYPE = "command-result";
  public static final int VERSION = 1;

  public enum Outcome { EXECUTED, REFUSED, FAILED }

  public CommandResult {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(commandId, "commandId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(primaryAfterMs, "primaryAfterMs");
  }

  /** A result that is not a promotion seen to take effect. */
  public CommandResult(String sender, String commandId, long term, String target, Outcome outcome, String detail,
      long completedAt) {
    this(sender, commandId, term, target, outcome, detail, completedAt, Optional.empty());
  }

  @Override
  public String wireType() {
    return TYPE;
  }

  @Override
  public JsonObject body() {
    JsonObject body = new JsonObject()
        .put("commandId", commandId)
        .put("term", term)
        .put("target", target)
        .put("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
        .put("detail", detail)
        .put("completedAt", completedAt);
    primaryAfterMs.ifPresent(ms -> body.put("primaryAfterMs", ms));
    return body;
  }

  static CommandResult from(String sender, Fields f) throws MessageRejected {
    return new CommandResult(
        sender,
        f.string("commandId"),
        f.term("term"),
        f.address("target"),
        f.enumValue("outcome", Outcome.class),
        f.string("detail"),
        f.nonNegative("completedAt"),
        f.optNonNegative("primaryAfterMs"));
  }
}
