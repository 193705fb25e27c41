package io.meridian.coordinator.api;

import io.meridian.coordinator.operator.MaintenanceFlag;
import io.meridian.messages.ClusterEvent;
import io.meridian.runtime.http.HttpEndpoints;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's switches: {@code POST /api/v1/pause} and {@code /api/v1/resume} (maintenance
 * mode, on any coordinator: the CP group holds it) and {@code POST /api/v1/acknowledge?shard=}
 * (on the leader: lifts a shard's anti-flapping hold). Operator token.
 */
public final class OperatorApi {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorApi.class);

  private final OperatorGate gate;
  private final MaintenanceFlag maintenance;
  private final BiPredicate<String, Long> acknowledge;
  private final LongSupplier term;
  private final Announce announce;
  private final String coordinatorId;
  private final Clock clock;

  /** Sends an event about this coordinator to every coordinator (and through the leader, to webhooks). */
  @FunctionalInterface
  public interface Announce {
    void event(ClusterEvent.Kind kind, ClusterEvent.Severity severity, String summary);
  }

  /**
   * @param acknowledge the leader's acknowledgement of a shard's recent failover under a term;
   *                    false when the shard has none
   */
  public OperatorApi(OperatorGate gate, MaintenanceFlag maintenance, BiPredicate<String, Long> acknowledge,
      LongSupplier term, Announce announce, String coordinatorId, Clock clock) {
    this.gate = gate;
    this.maintenance = maintenance;
    this.acknowledge = acknowledge;
    this.term = term;
    this.announce = announce;
    this.coordinatorId = coordinatorId;
    this.clock = clock;
  }

  public void routes(Router router) {
    router.post("/api/v1/pause").handler(ctx -> setMaintenance(ctx, true));
    router.post("/api/v1/resume").handler(ctx -> setMaintenance(ctx, false));
    router.post("/api/v1/acknowledge").handler(this::acknowledge);
  }

  private void setMaintenance(RoutingContext ctx, boolean on) {
    if (!gate.authorized(ctx)) {
      return;
    }
    if (!maintenance.available()) {
      HttpEndpoints.error(ctx, 409, "leadership is disabled on this coordinator: there is nothing to pause");
      return;
    }
    maintenance.set(on, clock.millis()).onComplete(ar -> {
      if (ar.failed()) {
        HttpEndpoints.error(ctx, 503, "could not record maintenance mode in the CP subsystem: " + ar.cause().getMessage());
        return;
      }
      LOG.atWarn().addKeyValue("paused", on).log("operator turned maintenance mode {} (request from {})",
          on ? "on" : "off", ctx.request().remoteAddress());
      announce.event(on ? ClusterEvent.Kind.MAINTENANCE_ON : ClusterEvent.Kind.MAINTENANCE_OFF,
          on ? ClusterEvent.Severity.WARNING : ClusterEvent.Severity.INFO, on ? "maintenance mode on (operator, "
          + "through " + coordinatorId + "): the leader observes and alerts but does not act" : "maintenance mode off "
          + "(operator, through " + coordinatorId + "): the leader acts on failures again");
      HttpEndpoints.json(ctx, 200, new JsonObject().put("paused", on)
          .put("since", on ? Instant.ofEpochMilli(ar.result()).toString() : null));
    });
  }

  private void acknowledge(RoutingContext ctx) {
    if (!gate.authorized(ctx)) {
      return;
    }
    String shard = ctx.request().getParam("shard");
    if (shard == null || shard.isBlank()) {
      HttpEndpoints.error(ctx, 400, "missing query parameter 'shard' (slot ranges as in the history, e.g. 0-5461)");
      return;
    }
    if (!gate.onLeader(ctx)) {
      return;
    }
    if (!acknowledge.test(shard, term.getAsLong())) {
      HttpEndpoints.error(ctx, 404, "shard " + shard + " has no recent failover to acknowledge");
      return;
    }
    HttpEndpoints.json(ctx, 200, new JsonObject().put("acknowledged", shard));
  }
}
