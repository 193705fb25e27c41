package io.meridian.coordinator.api;

import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.audit.SharedHistory;
import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.coordinator.endpoints.Endpoints;
import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.coordinator.placement.Topology;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.runtime.http.HttpEndpoints;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The read-only API every coordinator serves without a token: {@code /api/v1/cluster} (its view),
 * {@code /api/v1/leader}, {@code /api/v1/history} (shared; {@code ?kind=} keeps one kind of entry), {@code /api/v1/endpoints} and
 * {@code /api/v1/check} (the spec's placement rules, evaluated on a worker: the control loop shares
 * this event loop).
 */
public final class ClusterApi {

  private final Vertx vertx;
  private final Supplier<CoordinatorConfig> config;
  private final Supplier<ClusterView> view;
  private final Supplier<Topology> observed;
  private final Supplier<JsonObject> leader;
  private final SharedHistory history;
  private final Clock clock;

  /**
   * @param observed the topology as observed (nodes, roles, regions from the spec)
   * @param leader   the {@code /api/v1/leader} document; {@code leader: null} in it answers 503
   */
  public ClusterApi(Vertx vertx, Supplier<CoordinatorConfig> config, Supplier<ClusterView> view,
      Supplier<Topology> observed, Supplier<JsonObject> leader, SharedHistory history, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.view = view;
    this.observed = observed;
    this.leader = leader;
    this.history = history;
    this.clock = clock;
  }

  public void routes(Router router) {
    router.get("/api/v1/cluster").handler(ctx -> {
      CoordinatorConfig c = config.get();
      HttpEndpoints.json(ctx, 200, ClusterDocument.render(view.get(), c.cluster(), c.coordinatorId(), c.regions(),
          c.staleAfter(), clock.instant(), address -> c.spec().flatMap(spec -> spec.node(address))));
    });
    router.get("/api/v1/leader").handler(ctx -> {
      JsonObject doc = leader.get();
      HttpEndpoints.json(ctx, doc.getString("leader") == null ? 503 : 200, doc);
    });
    router.get("/api/v1/history").handler(ctx -> {
      Optional<String> kind = Optional.ofNullable(ctx.queryParams().get("kind"));
      if (kind.isPresent() && !History.KINDS.contains(kind.get())) {
        HttpEndpoints.error(ctx, 400, "query parameter 'kind': expected one of " + History.KINDS + ", got \""
            + kind.get() + "\"");
        return;
      }
      history.read().onSuccess(shown -> HttpEndpoints.json(ctx, 200,
          HistoryDocument.render(config.get().coordinatorId(), shown, kind)));
    });
    router.get("/api/v1/endpoints").handler(ctx -> {
      CoordinatorConfig c = config.get();
      HttpEndpoints.json(ctx, 200, PlacementDocuments.endpoints(Endpoints.of(c.regions(), observed.get()),
          c.spec().map(io.meridian.runtime.spec.ClusterSpec::auth).orElse(io.meridian.runtime.config.RedisAuth.none())));
    });
    router.get("/api/v1/check").handler(ctx -> {
      CoordinatorConfig c = config.get();
      if (c.spec().isEmpty()) {
        HttpEndpoints.error(ctx, 404, "no cluster spec configured: set 'spec' in the coordinator's config to enable checks");
        return;
      }
      ClusterSpec spec = c.spec().get();
      Topology topology = observed.get();
      vertx.executeBlocking(() -> PlacementDocuments.check(spec, PlacementRules.check(spec, topology),
          c.coordinatorId(), clock.instant()), false).onComplete(ar -> {
            if (ar.succeeded()) {
              HttpEndpoints.json(ctx, 200, ar.result());
            } else {
              HttpEndpoints.error(ctx, 500, "the placement check failed: " + ar.cause());
            }
          });
    });
  }
}
