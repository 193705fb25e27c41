package io.meridian.runtime.http;

import io.meridian.monitoring.MeridianMetrics;
import io.meridian.monitoring.MeridianVersion;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

  /**
   * Bounds on what one client can hold of a process's HTTP server, which shares its event loop
   * with the control loop: a few connections serve an operator's tools and Prometheus.
   *
   * @param maxConnections connections served at once; more are closed on arrival
   * @param idleTimeout    a connection that sends nothing for this long is closed (a stalled or
   *                       half-sent request included)
   */
  public record Limits(int maxConnections, java.time.Duration idleTimeout) {
    public static final Limits DEFAULT = new Limits(256, java.time.Duration.ofSeconds(60));
    /** The request line and the headers together: an API call needs well under 1 KiB. */
    public static final int MAX_HEADER_BYTES = 8 * 1024;
    public static final int MAX_REQUEST_LINE = 4 * 1024;
  }

  public static Future<HttpServer> serve(Vertx vertx, Router router, String host, int port) {
    return serve(vertx, router, host, port, Optional.empty(), Limits.DEFAULT);
  }

  public static Future<HttpServer> serve(Vertx vertx, Router router, String host, int port, Optional<HttpTls> tls) {
    return serve(vertx, router, host, port, tls, Limits.DEFAULT);
  }

  public static Future<HttpServer> serve(Vertx vertx, Router router, String host, int port, Optional<HttpTls> tls,
      Limits limits) {
    HttpServerOptions options = new HttpServerOptions()
        .setIdleTimeout((int) limits.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxHeaderSize(Limits.MAX_HEADER_BYTES).setMaxInitialLineLength(Limits.MAX_REQUEST_LINE);
    tls.ifPresent(t -> options.setSsl(true).setKeyCertOptions(t.keyCert()));
    HttpServer server = vertx.createHttpServer(options);
    AtomicInteger open = new AtomicInteger();
    AtomicBoolean said = new AtomicBoolean();
    server.connectionHandler(connection -> {
      if (open.incrementAndGet() > limits.maxConnections()) {
        open.decrementAndGet();
        if (said.compareAndSet(false, true)) {
          LOG.atWarn().addKeyValue("limit", limits.maxConnections())
              .log("HTTP on {}:{}: {} connections are open, the most served at once; closing new ones until some end "
                  + "(said once; look for a client that opens connections without closing them)", host, port,
                  limits.maxConnections());
        }
        connection.close();
        return;
      }
      connection.closeHandler(v -> open.decrementAndGet());
    });
    return server.requestHandler(router).listen(port, host);
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpEndpoints.class);

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encodePrettily());
  }

  public static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message).put("status", status));
  }
}
