package io.meridian.runtime.http;

import io.meridian.monitoring.MeridianMetrics;
import io.meridian.monitoring.MeridianVersion;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/** The HTTP routes every Meridian process serves, and starting the server around a router. */
public final class HttpEndpoints {

  private HttpEndpoints() {
  }

  /**
   * Adds {@code GET /health} (200 with the status body and the Meridian version while the process runs), {@code GET /ready}
   * (200 once the process does its job, 503 before, with the reason either way) and
   * {@code GET /metrics} (Prometheus text), plus JSON 404/405/500 answers for everything else.
   */
  public static Router router(Vertx vertx, MeridianMetrics metrics, Supplier<JsonObject> health,
      Supplier<Readiness> ready) {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> json(ctx, 200, health.get().put("version", MeridianVersion.current())));
    router.get("/ready").handler(ctx -> {
      Readiness r = ready.get();
      json(ctx, r.ready() ? 200 : 503, new JsonObject().put("ready", r.ready()).put("reason", r.reason()));
    });
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", MeridianMetrics.CONTENT_TYPE)
        .end(metrics.scrape()));
    router.errorHandler(404, ctx -> error(ctx, 404, "no such endpoint: " + ctx.request().method() + " "
        + ctx.request().path()));
    router.errorHandler(405, ctx -> error(ctx, 405, "method " + ctx.request().method() + " not allowed on "
        + ctx.request().path()));
    router.errorHandler(500, ctx -> error(ctx, 500, "internal error: "
        + (ctx.failure() == null ? "unknown" : ctx.failure().getClass().getSimpleName())));
    return router;
  }

  public static Future<HttpServer> serve(Vertx vertx, Router router, String host, int port) {
    return vertx.createHttpServer().requestHandler(router).listen(port, host);
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encodePrettily());
  }

  public static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message).put("status", status));
  }
}
