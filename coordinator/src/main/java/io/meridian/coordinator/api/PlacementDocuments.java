package io.meridian.coordinator.api;

import io.meridian.coordinator.endpoints.Endpoints;
import io.meridian.coordinator.placement.Violation;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.spec.ClusterSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** Bodies of {@code GET /api/v1/check} and {@code GET /api/v1/endpoints}. */
public final class PlacementDocuments {

  private PlacementDocuments() {
  }

  public static JsonObject check(ClusterSpec spec, List<Violation> violations, String observedBy, Instant now) {
    JsonArray list = new JsonArray();
    violations.forEach(v -> list.add(new JsonObject().put("rule", v.rule()).put("subject", v.subject())
        .put("message", v.message())));
    return new JsonObject()
        .put("cluster", spec.cluster())
        .put("topology", spec.topology().label())
        .put("specNodes", spec.nodeCount())
        .put("observedBy", observedBy)
        .put("checkedAt", now.toString())
        .put("clean", violations.isEmpty())
        .put("violations", list);
  }

  public static JsonObject endpoints(List<Endpoints.Endpoint> endpoints, RedisAuth auth) {
    JsonArray list = new JsonArray();
    endpoints.forEach(e -> list.add(new JsonObject().put("region", e.region()).put("address", e.address())
        .put("role", e.primary() ? "primary" : "replica")));
    return new JsonObject()
        .put("endpoints", list)
        .put("seeds", new JsonArray(endpoints.stream().filter(Endpoints.Endpoint::primary)
            .map(Endpoints.Endpoint::address).toList()))
        .put("redisCli", Endpoints.redisCli(endpoints, auth));
  }
}
