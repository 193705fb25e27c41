package io.meridian.coordinator;

import io.meridian.coordinator.api.ClusterDocument;
import io.meridian.coordinator.api.PlacementDocuments;
import io.meridian.coordinator.endpoints.Endpoints;
import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.coordinator.placement.Topology;
import io.meridian.coordinator.spec.ClusterSpec;
import io.meridian.coordinator.view.ObservedTopology;
import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.NodeView;
import io.meridian.messages.Addresses;
import io.meridian.messages.InboundGate;
import io.meridian.messages.NodeHealthReport;
import io.meridian.monitoring.MeridianMetrics;
import io.meridian.runtime.http.HttpEndpoints;
import io.meridian.runtime.http.Readiness;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this coordinator's {@link ClusterView} from the agents' reports of every region and
 * serves it over HTTP. Observes only: acting comes with leadership.
 */
public final class CoordinatorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorVerticle.class);

  private volatile CoordinatorConfig config;
  private final MeridianMetrics metrics;
  private final Clock clock;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private final Map<String, NodeStatus> lastStatus = new HashMap<>();
  private volatile ClusterView view = ClusterView.empty();
  private InboundGate gate;
  private Counter reportsReceived;
  private HttpServer server;
  private long statusTimer = -1;
  private volatile boolean observing;

  public CoordinatorVerticle(CoordinatorConfig config, MeridianMetrics metrics, Clock clock) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    gate = new InboundGate(metrics.registry(), "coordinator");
    reportsReceived = Counter.builder("meridian_reports_received")
        .description("Health reports accepted from agents").register(metrics.registry());
    for (NodeStatus status : NodeStatus.values()) {
      Gauge.builder("meridian_nodes", () -> view.countByStatus(clock.instant(), this.config.staleAfter()).get(status))
          .description("Nodes by status as this coordinator observes them")
          .tag("status", status.name().toLowerCase(Locale.ROOT))
          .register(metrics.registry());
    }
    CoordinatorConfig c = config;
    List<Future<Void>> registrations = new ArrayList<>();
    for (String region : c.regions()) {
      String address = Addresses.health(region);
      MessageConsumer<Object> consumer = vertx.eventBus().consumer(address,
          m -> gate.accept(m.body(), address, NodeHealthReport.class).ifPresent(this::onReport));
      consumers.add(consumer);
      registrations.add(consumer.completion());
    }
    statusTimer = vertx.setPeriodic(c.staleAfter().toMillis() / 2, id -> logStatusChanges());
    return Future.all(registrations)
        .onSuccess(v -> observing = true)
        .compose(v -> HttpEndpoints.serve(vertx, router(), c.httpHost(), c.httpPort()))
        .onSuccess(s -> {
          server = s;
          LOG.atInfo()
              .addKeyValue("coordinator", c.coordinatorId())
              .addKeyValue("region", c.region())
              .log("coordinator {} observing regions {}; API on http://{}:{}/api/v1/cluster", c.coordinatorId(),
                  c.regions(), c.httpHost(), s.actualPort());
        })
        .recover(err -> Future.failedFuture(new IllegalStateException("cannot serve HTTP on " + c.httpHost()
            + ":" + c.httpPort() + ": " + err.getMessage(), err)));
  }

  private void onReport(NodeHealthReport report) {
    reportsReceived.increment();
    view = view.apply(report, clock.instant());
  }

  private void logStatusChanges() {
    CoordinatorConfig config = this.config;
    Instant now = clock.instant();
    ClusterView current = view;
    for (NodeView node : current.nodes().values()) {
      NodeStatus status = node.status(now, config.staleAfter());
      NodeStatus before = lastStatus.put(node.address(), status);
      if (status != before) {
        LOG.atInfo()
            .addKeyValue("node", node.address())
            .addKeyValue("region", node.region())
            .addKeyValue("status", status.name().toLowerCase(Locale.ROOT))
            .log("node {} ({}) is {}{}: {}", node.address(), node.region(), status.name().toLowerCase(Locale.ROOT),
                before == null ? "" : " (was " + before.name().toLowerCase(Locale.ROOT) + ")",
                node.reason(now, config.staleAfter()));
      }
    }
  }

  /**
   * Takes over what a reload may change (see {@code CoordinatorReload}): the stale threshold, and
   * with it the cadence of the status check. Runs on this verticle's context; the future
   * completes once the new settings are in force.
   */
  public Future<Void> reconfigure(CoordinatorConfig next) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      CoordinatorConfig before = config;
      config = next;
      if (!next.staleAfter().equals(before.staleAfter())) {
        vertx.cancelTimer(statusTimer);
        statusTimer = vertx.setPeriodic(next.staleAfter().toMillis() / 2, id -> logStatusChanges());
      }
      done.complete();
    });
    return done.future();
  }

  /**
   * Ready once it listens to every region on the bus and has heard at least one report: before
   * that its view (and its API) would say nothing true about the cluster.
   */
  private Readiness readiness() {
    if (!observing) {
      return Readiness.notReady("registering on the bus for the reports of " + config.regions());
    }
    long reports = (long) reportsReceived.count();
    return reports == 0
        ? Readiness.notReady("on the bus, listening to " + config.regions() + "; no agent report received yet")
        : Readiness.ready("on the bus, listening to " + config.regions() + "; " + reports + " reports received, "
            + view.nodes().size() + " nodes observed");
  }

  private Router router() {
    Router router = HttpEndpoints.router(vertx, metrics, this::health, this::readiness);
    router.get("/api/v1/cluster").handler(ctx -> HttpEndpoints.json(ctx, 200, ClusterDocument.render(view,
        config.cluster(), config.coordinatorId(), config.regions(), config.staleAfter(), clock.instant())));
    router.get("/api/v1/endpoints").handler(ctx -> HttpEndpoints.json(ctx, 200,
        PlacementDocuments.endpoints(Endpoints.of(config.regions(), observed()),
            config.spec().map(s -> s.auth().password().isPresent()).orElse(false))));
    router.get("/api/v1/check").handler(ctx -> {
      if (config.spec().isEmpty()) {
        HttpEndpoints.error(ctx, 404, "no cluster spec configured: set 'spec' in the coordinator's config to enable checks");
        return;
      }
      ClusterSpec spec = config.spec().get();
      HttpEndpoints.json(ctx, 200, PlacementDocuments.check(spec, PlacementRules.check(spec, observed()),
          config.coordinatorId(), clock.instant()));
    });
    return router;
  }

  private Topology observed() {
    CoordinatorConfig config = this.config;
    return ObservedTopology.of(view, clock.instant(), config.staleAfter(),
        address -> config.spec().flatMap(spec -> spec.regionOf(address)));
  }

  private JsonObject health() {
    return new JsonObject()
        .put("status", "up")
        .put("role", "coordinator")
        .put("coordinator", config.coordinatorId())
        .put("region", config.region())
        .put("nodesObserved", view.nodes().size());
  }

  /** The current view (immutable), for tests and for the process. */
  public ClusterView view() {
    return view;
  }

  /** The port the API listens on (useful when configured as 0 in tests). */
  public int httpPort() {
    return server == null ? -1 : server.actualPort();
  }

  /**
   * Gives up leadership first, while this process still observes and serves, so that a successor
   * can take over at once; then stops listening and closes the API.
   */
  @Override
  public Future<?> stop() {
    return releaseLeadership().compose(v -> stopObserving());
  }

  /**
   * Where a leader gives up its lock on a graceful stop (SIGTERM, {@code systemctl stop}), so
   * that another coordinator leads without waiting for the lock's session to expire. Nothing to
   * release until leader election exists.
   */
  private Future<Void> releaseLeadership() {
    return Future.succeededFuture();
  }

  private Future<Void> stopObserving() {
    observing = false;
    if (statusTimer >= 0) {
      vertx.cancelTimer(statusTimer);
    }
    List<Future<Void>> closing = new ArrayList<>();
    consumers.forEach(c -> closing.add(c.unregister()));
    consumers.clear();
    if (server != null) {
      closing.add(server.close());
    }
    return Future.join(closing).mapEmpty();
  }
}
