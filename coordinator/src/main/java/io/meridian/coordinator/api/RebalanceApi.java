package io.meridian.coordinator.api;

import io.meridian.coordinator.act.CommandSender;
import io.meridian.coordinator.act.RebalanceLoop;
import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.coordinator.rebalance.Move;
import io.meridian.coordinator.rebalance.RebalanceCycle;
import io.meridian.coordinator.rebalance.RebalancePlanner;
import io.meridian.coordinator.rebalance.Simulation;
import io.meridian.coordinator.rebalance.Snapshot;
import io.meridian.coordinator.rebalance.Step;
import io.meridian.coordinator.rebalance.Switchover;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.messages.CommandResult;
import io.meridian.runtime.http.HttpEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The rebalancing API: {@code GET /api/v1/rebalance} (the plan from this coordinator's view;
 * changes nothing), {@code POST /api/v1/rebalance} (approves the plan's failbacks for a while) and
 * {@code POST /api/v1/switchover} (a planned handover), the last two on the leader with the
 * operator token.
 */
public final class RebalanceApi {

  static final int FAILBACK_APPROVAL_MINUTES = 10;

  private final Vertx vertx;
  private final OperatorGate gate;
  private final Supplier<CoordinatorConfig> config;
  private final Optional<RebalanceLoop> rebalance;
  private final Supplier<Snapshot> snapshot;
  private final BooleanSupplier leading;
  private final LongSupplier term;
  private final Clock clock;

  /**
   * @param rebalance the leader's rebalancer; empty when leadership or rebalancing is off, or no
   *                  spec is configured
   * @param term      the term while leading
   */
  public RebalanceApi(Vertx vertx, OperatorGate gate, Supplier<CoordinatorConfig> config,
      Optional<RebalanceLoop> rebalance, Supplier<Snapshot> snapshot, BooleanSupplier leading, LongSupplier term,
      Clock clock) {
    this.vertx = vertx;
    this.gate = gate;
    this.config = config;
    this.rebalance = rebalance;
    this.snapshot = snapshot;
    this.leading = leading;
    this.term = term;
    this.clock = clock;
  }

  public void routes(Router router) {
    router.get("/api/v1/rebalance").handler(this::plan);
    router.post("/api/v1/rebalance").handler(this::approveFailbacks);
    router.post("/api/v1/switchover").handler(this::switchover);
  }

  private void plan(RoutingContext ctx) {
    if (config.get().spec().isEmpty()) {
      HttpEndpoints.error(ctx, 404, "no cluster spec configured: set 'spec' in the coordinator's config to plan a rebalance");
      return;
    }
    document().onSuccess(doc -> HttpEndpoints.json(ctx, 200, doc)).onFailure(ctx::fail);
  }

  /**
   * The plan and its 50-step simulation, computed on a worker: a GET must not hold the event loop
   * the failover cycle runs on. The leader's own state is read here, on the loop.
   */
  private Future<JsonObject> document() {
    CoordinatorConfig c = config.get();
    ClusterSpec spec = c.spec().orElseThrow();
    Snapshot snap = snapshot.get();
    Optional<RebalanceLoop> mine = rebalance.filter(r -> leading.getAsBoolean());
    List<RebalanceCycle.InFlight> inFlight = mine.map(RebalanceLoop::inFlight).orElse(List.of());
    Set<String> busy = new HashSet<>();
    inFlight.forEach(f -> busy.addAll(f.step().shards()));
    RebalanceCycle.Holds holds = mine.map(RebalanceLoop::holds).orElse(RebalanceCycle.Holds.none());
    Set<String> pinned = holds.failbackHeld().keySet();
    var settings = c.rebalance().plannerSettings();
    return vertx.executeBlocking(() -> RebalanceDocuments.plan(spec, RebalancePlanner.plan(spec, snap, settings, busy,
        pinned), Simulation.converge(spec, snap, settings, 50), inFlight, holds, c.rebalance().enabled(),
        c.rebalance().automaticFailback(), c.coordinatorId(), clock.instant()), false);
  }

  /**
   * With {@code failback: manual}, allows the failbacks of the current plan for the next
   * {@value #FAILBACK_APPROVAL_MINUTES} minutes.
   */
  private void approveFailbacks(RoutingContext ctx) {
    if (!gate.authorized(ctx) || !gate.onLeader(ctx)) {
      return;
    }
    if (rebalance.isEmpty()) {
      HttpEndpoints.error(ctx, 409, config.get().spec().isEmpty() ? "no cluster spec configured: nothing to rebalance against"
          : "rebalancing is disabled on this coordinator (rebalance.enabled: false)");
      return;
    }
    rebalance.get().approveFailback(clock.instant().plus(Duration.ofMinutes(FAILBACK_APPROVAL_MINUTES)),
        term.getAsLong());
    document().onSuccess(doc -> HttpEndpoints.json(ctx, 200, doc.put("failbackApprovedForMinutes",
        FAILBACK_APPROVAL_MINUTES))).onFailure(ctx::fail);
  }

  /**
   * {@code POST /api/v1/switchover?shard=<primary id or slot>[&to=<replica>]}: refused with the
   * reason when the target is unhealthy or lagging, while paused or failing over, or while a step
   * on the shard is in flight; answers once the replica is primary, with how long that took (the
   * longest writes can have paused).
   */
  private void switchover(RoutingContext ctx) {
    if (!gate.authorized(ctx) || !gate.onLeader(ctx)) {
      return;
    }
    String shard = ctx.request().getParam("shard");
    if (shard == null || shard.isBlank()) {
      HttpEndpoints.error(ctx, 400, "missing query parameter 'shard' (the primary's node id, or a slot 0-16383)");
      return;
    }
    CoordinatorConfig c = config.get();
    if (rebalance.isEmpty()) {
      HttpEndpoints.error(ctx, 409, c.spec().isEmpty() ? "no cluster spec configured: a switchover needs it"
          : "rebalancing is disabled on this coordinator (rebalance.enabled: false), and switchovers with it");
      return;
    }
    if (!gate.mayAct(ctx)) {
      return;
    }
    Snapshot snap = snapshot.get();
    Switchover.Result result = Switchover.plan(c.spec().get(), snap, shard.trim(),
        Optional.ofNullable(ctx.request().getParam("to")).map(String::trim), c.rebalance().plannerSettings());
    if (result instanceof Switchover.Refused refused) {
      HttpEndpoints.error(ctx, refused.status(), refused.reason());
      return;
    }
    Step step = ((Switchover.Planned) result).step();
    if (rebalance.get().busy(step.shard())) {
      HttpEndpoints.error(ctx, 409, "a rebalance step on shard " + step.shard() + " is in flight: try again when it is done");
      return;
    }
    Move.Failover move = (Move.Failover) step.move();
    rebalance.get().switchover(step, snap, term.getAsLong(), clock.instant().plus(c.leadership().antiFlapping()))
        .onComplete(ar -> {
          if (ar.failed() || ar.result().outcome() != CommandResult.Outcome.EXECUTED) {
            HttpEndpoints.error(ctx, 502, "switchover of shard " + step.shard() + " to " + move.node() + " failed: "
                + CommandSender.describe(ar));
            return;
          }
          HttpEndpoints.json(ctx, 200, new JsonObject().put("shard", step.shard()).put("from", move.primary())
              .put("to", move.node()).put("writesPausedAtMostMs", ar.result().primaryAfterMs().orElse(null))
              .put("detail", ar.result().detail()).put("reason", step.reason()));
        });
  }
}
