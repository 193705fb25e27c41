package io.meridian.messages;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Why a probe got no answer. The kind is the evidence the failover rules weigh: {@code REFUSED}
 * on the node's own host means the process is gone; {@code TIMEOUT} means hung or cut off.
 */
public record ProbeFailure(Kind kind, String detail) {

  public enum Kind {
    /** Connection refused: nothing listens on the port; the process is gone. */
    REFUSED,
    /** Connected (or connecting) but no answer within the probe timeout: hung, stopped or cut off. */
    TIMEOUT,
    /** The node rejected our credentials. */
    AUTH,
    /** Anything else (reset connection, protocol error, unexpected reply). */
    ERROR
  }

  public ProbeFailure {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }

  JsonObject toJson() {
    return new JsonObject().put("kind", kind.name().toLowerCase(java.util.Locale.ROOT)).put("detail", detail);
  }

  static ProbeFailure from(Fields f) throws MessageRejected {
    return new ProbeFailure(f.enumValue("kind", Kind.class), f.string("detail"));
  }
}
