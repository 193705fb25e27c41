package io.meridian.messages;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * The agent's answer to a {@link Command}: executed, refused (with why: stale term, unknown node,
 * duplicate id) or failed (Redis said no).
 */
public record CommandResult(
    String sender,
    String commandId,
    long term,
    String target,
    Outcome outcome,
    String detail,
    long completedAt) implements Message {

  public static final String TYPE = "command-result";
  public static final int VERSION = 1;

  public enum Outcome { EXECUTED, REFUSED, FAILED }

  public CommandResult {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(commandId, "commandId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String wireType() {
    return TYPE;
  }

  @Override
  public JsonObject body() {
    return new JsonObject()
        .put("commandId", commandId)
        .put("term", term)
        .put("target", target)
        .put("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
        .put("detail", detail)
        .put("completedAt", completedAt);
  }

  static CommandResult from(String sender, Fields f) throws MessageRejected {
    return new CommandResult(
        sender,
        f.string("commandId"),
        f.term("term"),
        f.address("target"),
        f.enumValue("outcome", Outcome.class),
        f.string("detail"),
        f.nonNegative("completedAt"));
  }
}
