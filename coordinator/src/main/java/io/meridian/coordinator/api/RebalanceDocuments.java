package io.meridian.coordinator.api;

import io.meridian.coordinator.rebalance.Move;
import io.meridian.coordinator.rebalance.RebalanceCycle;
import io.meridian.coordinator.rebalance.RebalancePlan;
import io.meridian.coordinator.rebalance.Step;
import io.meridian.runtime.spec.ClusterSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Body of {@code GET /api/v1/rebalance}: the plan from this coordinator's view. */
public final class RebalanceDocuments {

  private RebalanceDocuments() {
  }

  /**
   * @param sequence every step to a clean layout, each assumed done and in sync before the next
   * @param inFlight the leader's steps in flight (empty elsewhere)
   * @param holds    what an operator asked that still holds, on the leader (none elsewhere)
   */
  public static JsonObject plan(ClusterSpec spec, RebalancePlan plan, List<Step> sequence,
      List<RebalanceCycle.InFlight> inFlight, RebalanceCycle.Holds holds, boolean enabled, boolean automaticFailback,
      String observedBy, Instant now) {
    JsonObject doc = PlacementDocuments.check(spec, plan.violations(), observedBy, now)
        .put("clean", plan.clean())
        .put("enabled", enabled)
        .put("failback", automaticFailback ? "automatic" : "manual");
    JsonArray steps = new JsonArray();
    plan.steps().forEach(s -> steps.add(step(s)));
    JsonArray all = new JsonArray();
    sequence.forEach(s -> all.add(step(s)));
    JsonArray flying = new JsonArray();
    inFlight.forEach(f -> flying.add(step(f.step()).put("startedAt", f.startedAt().toString())));
    JsonObject held = new JsonObject();
    new java.util.TreeMap<>(holds.failbackHeld()).forEach((shard, until) -> held.put(shard, until.toString()));
    return doc.put("steps", steps).put("sequence", all).put("waiting", new JsonArray(plan.waiting()))
        .put("inFlight", flying).put("held", held)
        .put("failbackApprovedUntil", holds.failbackApprovedUntil().map(Instant::toString).orElse(null));
  }

  static JsonObject step(Step s) {
    JsonObject json = new JsonObject().put("kind", s.kind().name().toLowerCase(Locale.ROOT))
        .put("shards", new JsonArray(s.shards().stream().sorted().toList()))
        .put("node", s.move().node())
        .put("command", RebalanceCycle.describe(s.move()))
        .put("reason", s.reason());
    if (s.move() instanceof Move.Replicate r) {
      json.put("from", r.from().orElse(null)).put("to", r.to());
    } else if (s.move() instanceof Move.Failover f) {
      json.put("from", f.primary()).put("to", f.node());
    }
    return json;
  }
}
