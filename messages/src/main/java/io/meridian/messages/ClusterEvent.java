package io.meridian.messages;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.Optional;

/**
 * Something an operator or another coordinator should hear about: a node changed health, a
 * failover started or ended, an alert. {@code node} and {@code region} say what it concerns.
 */
public record ClusterEvent(
    String sender,
    Kind kind,
    Severity severity,
    Optional<String> region,
    Optional<String> node,
    String summary,
    long at) implements Message {

  public static final String TYPE = "cluster-event";
  public static final int VERSION = 1;

  public enum Kind {
    NODE_HEALTHY, NODE_UNREACHABLE, NODE_STALE, ROLE_CHANGED,
    FAILOVER_STARTED, FAILOVER_SUCCEEDED, FAILOVER_FAILED,
    LEADER_ELECTED, LEADER_LOST, ALERT,
    REGION_LOST, REGION_RECOVERED, FENCE_ON, FENCE_OFF, MAINTENANCE_ON, MAINTENANCE_OFF
  }

  public enum Severity { INFO, WARNING, CRITICAL }

  public ClusterEvent {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(summary, "summary");
  }

  @Override
  public String wireType() {
    return TYPE;
  }

  @Override
  public java.util.OptionalLong sentAtMillis() {
    return java.util.OptionalLong.of(at);
  }

  @Override
  public JsonObject body() {
    JsonObject json = new JsonObject()
        .put("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
        .put("severity", severity.name().toLowerCase(java.util.Locale.ROOT))
        .put("summary", summary)
        .put("at", at);
    region.ifPresent(r -> json.put("region", r));
    node.ifPresent(n -> json.put("node", n));
    return json;
  }

  static ClusterEvent from(String sender, Fields f) throws MessageRejected {
    return new ClusterEvent(sender, f.enumValue("kind", Kind.class), f.enumValue("severity", Severity.class),
        f.optString("region"), f.optAddress("node"), f.string("summary"), f.nonNegative("at"));
  }
}
