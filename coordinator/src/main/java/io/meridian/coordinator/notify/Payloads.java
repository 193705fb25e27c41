package io.meridian.coordinator.notify;

import io.meridian.messages.ClusterEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** The bodies a webhook receives. Pure. */
public final class Payloads {

  /** An event is a moment, not a condition: Alertmanager resolves it by itself after this long. */
  static final Duration ALERT_LIFETIME = Duration.ofMinutes(5);

  private Payloads() {
  }

  public static String render(Notifications.Format format, ClusterEvent e, String cluster) {
    return format == Notifications.Format.ALERTMANAGER ? alertmanager(e, cluster).encode() : json(e, cluster).encode();
  }

  /** Plain JSON: one object per event. */
  static JsonObject json(ClusterEvent e, String cluster) {
    JsonObject json = new JsonObject()
        .put("cluster", cluster)
        .put("kind", e.kind().name().toLowerCase(Locale.ROOT))
        .put("severity", e.severity().name().toLowerCase(Locale.ROOT))
        .put("summary", e.summary())
        .put("at", Instant.ofEpochMilli(e.at()).toString())
        .put("sender", e.sender());
    e.region().ifPresent(r -> json.put("region", r));
    e.node().ifPresent(n -> json.put("node", n));
    return json;
  }

  /** Alertmanager's {@code POST /api/v2/alerts} body: a list of alerts with labels and annotations. */
  static JsonArray alertmanager(ClusterEvent e, String cluster) {
    JsonObject labels = new JsonObject()
        .put("alertname", alertName(e.kind()))
        .put("cluster", cluster)
        .put("severity", e.severity().name().toLowerCase(Locale.ROOT))
        .put("source", "meridian")
        .put("sender", e.sender());
    e.region().ifPresent(r -> labels.put("region", r));
    e.node().ifPresent(n -> labels.put("node", n));
    Instant at = Instant.ofEpochMilli(e.at());
    return new JsonArray().add(new JsonObject()
        .put("labels", labels)
        .put("annotations", new JsonObject().put("summary", e.summary()))
        .put("startsAt", at.toString())
        .put("endsAt", at.plus(ALERT_LIFETIME).toString()));
  }

  /** {@code FAILOVER_STARTED} → {@code MeridianFailoverStarted}. */
  static String alertName(ClusterEvent.Kind kind) {
    StringBuilder name = new StringBuilder("Meridian");
    for (String part : kind.name().split("_")) {
      name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }
}
