package io.meridian.messages;

import io.vertx.core.json.JsonObject;

/**
 * Everything that crosses the event bus. Each kind has a wire {@code type}, a version {@code v}
 * and the id of the process that sent it; {@link Wire} encodes and strictly decodes them.
 */
public sealed interface Message
    permits NodeHealthReport, Command, CommandResult, LeaderAnnouncement, ClusterEvent, ReachabilityReport {

  /** Id of the sending process (agent id or coordinator id). */
  String sender();

  /** The wire type name ({@code node-health}, {@code command}, …). */
  String wireType();

  /** Body fields of this kind, without the envelope ({@code type}, {@code v}, {@code sender}). */
  JsonObject body();

  /**
   * When the sender made it (epoch milliseconds), for kinds that say so: a receiver refuses one
   * from too far in the future ({@link InboundGate}), which would otherwise look fresh for good.
   */
  default java.util.OptionalLong sentAtMillis() {
    return java.util.OptionalLong.empty();
  }
}
