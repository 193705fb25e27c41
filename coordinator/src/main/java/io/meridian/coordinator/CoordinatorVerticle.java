package io.meridian.coordinator;

import io.meridian.coordinator.act.CommandRoutes;
import io.meridian.coordinator.act.LeaderWork;
import io.meridian.coordinator.api.ClusterApi;
import io.meridian.coordinator.api.OperatorApi;
import io.meridian.coordinator.api.OperatorGate;
import io.meridian.coordinator.api.RebalanceApi;
import io.meridian.coordinator.api.ScalingApi;
import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.audit.HistoryStore;
import io.meridian.coordinator.audit.SharedHistory;
import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.coordinator.leadership.Announcements;
import io.meridian.coordinator.leadership.CpMembership;
import io.meridian.coordinator.leadership.LeadershipCluster;
import io.meridian.coordinator.metrics.ClusterGauges;
import io.meridian.coordinator.metrics.FailoverMetrics;
import io.meridian.coordinator.notify.EventForwarding;
import io.meridian.coordinator.notify.EventStamp;
import io.meridian.coordinator.notify.WebhookNotifier;
import io.meridian.coordinator.observe.Observer;
import io.meridian.coordinator.observe.RegionEvents;
import io.meridian.coordinator.observe.Subscriptions;
import io.meridian.coordinator.operator.MaintenanceFlag;
import io.meridian.coordinator.operator.MaintenanceMode;
import io.meridian.coordinator.operator.OperatorToken;
import io.meridian.coordinator.page.StatusPage;
import io.meridian.coordinator.placement.Topology;
import io.meridian.coordinator.rebalance.Snapshot;
import io.meridian.coordinator.state.CpHistoryStore;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.ObservedTopology;
import io.meridian.messages.Addresses;
import io.meridian.messages.ClusterEvent;
import io.meridian.messages.InboundGate;
import io.meridian.monitoring.MeridianMetrics;
import io.meridian.runtime.http.HttpEndpoints;
import io.meridian.runtime.http.HttpTls;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One coordinator: keeps its {@link ClusterView} from the agents' reports of every region and
 * serves it over HTTP; with leadership on, its {@link LeaderLifecycle} campaigns for the lead and,
 * while leading, runs the {@link LeaderWork} (failover, rebalancing, scaling jobs). What it decides
 * is decided in the pure planners; this class wires the parts to the bus and HTTP: the
 * {@link Observer} (the view, fed by the {@link Subscriptions}), the maintenance flag
 * ({@link MaintenanceFlag}), {@link Announcements}, {@link EventForwarding}, the shared
 * {@link History}, and the APIs in {@code api} ({@link ClusterApi}, and behind the
 * {@link OperatorGate} {@link OperatorApi}, {@link RebalanceApi}, {@link ScalingApi}).
 */
public final class CoordinatorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorVerticle.class);
  /** The history the API shows: the newest this many entries. */
  private static final int HISTORY_SIZE = 1000;

  private volatile CoordinatorConfig config;
  private final MeridianMetrics metrics;
  private final Clock clock;
  /** The leadership cluster's member (CP group), when leadership is on. */
  private final Optional<LeadershipCluster> leadershipMember;
  private final CommandRoutes commandRoutes = new CommandRoutes();
  private Observer observer;
  private Subscriptions subscriptions;
  private HttpServer server;
  private SharedHistory sharedHistory;
  private MaintenanceFlag maintenance;
  private OperatorGate operatorGate;
  private Announcements announcements;
  private EventStamp events;
  private WebhookNotifier notifier;
  private EventForwarding forwarding;
  private RegionEvents regionEvents;
  private ClusterGauges gauges;
  private long seriesTimer = -1;
  /** The leader side, when leadership is on. */
  private Optional<LeaderLifecycle> leader = Optional.empty();

  public CoordinatorVerticle(CoordinatorConfig config, MeridianMetrics metrics,
      Optional<LeadershipCluster> leadershipMember, Clock clock) {
    this.config = config;
    this.metrics = metrics;
    this.leadershipMember = leadershipMember;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    CoordinatorConfig c = config;
    History history = new History(c.coordinatorId(), HISTORY_SIZE);
    sharedHistory = new SharedHistory(vertx, history, leadershipMember.map(m -> (HistoryStore) new CpHistoryStore(
        m::current, c.cluster(), HISTORY_SIZE)), HISTORY_SIZE);
    sharedHistory.start(Duration.ofMillis(250));
    Gauge.builder("meridian_history_unshared_entries", sharedHistory::unshared)
        .description("Entries of this coordinator's history not yet written to the CP group (they wait while it does not answer)")
        .register(metrics.registry());
    maintenance = new MaintenanceFlag(vertx, c.leadership().enabled() ? Optional.of(new MaintenanceMode(
        () -> leadershipMember.orElseThrow().current(), c.cluster())) : Optional.empty());
    announcements = new Announcements(vertx, c.bus().seal(), clock);
    events = new EventStamp(c.coordinatorId(), clock);
    observer = new Observer(vertx, context, () -> config, metrics.registry(), clock,
        () -> leader.ifPresent(LeaderLifecycle::actNow));
    observer.start();
    operatorGate = new OperatorGate(new OperatorToken(c.operatorToken()), this::leading,
        announcements::leaderApiUrl, maintenance::paused,
        () -> leader.map(l -> l.failover().failingOver()).orElse(false));
    // Exported by every coordinator, leader or not, so that a series does not appear with the lead.
    FailoverMetrics failoverMetrics = new FailoverMetrics(metrics);
    gauges = new ClusterGauges(vertx, metrics, () -> config, this::view, observer::observations, clock);
    notifier = new WebhookNotifier(vertx, c.notifications(), c.cluster(), metrics.registry(), clock);
    forwarding = new EventForwarding(notifier, this::leading, () -> announcements.latest().isPresent());
    regionEvents = new RegionEvents(events);
    seriesTimer = vertx.setPeriodic(1000, id -> updateSeries());
    subscriptions = new Subscriptions(vertx, new InboundGate(metrics.registry(), "coordinator", c.bus().seal()),
        c.regions());
    Future<Void> subscribed = subscriptions.start(new Subscriptions.Handlers(observer::report,
        observer::reachability, announcements::heard, e -> {
          if (e.kind() == ClusterEvent.Kind.MAINTENANCE_ON || e.kind() == ClusterEvent.Kind.MAINTENANCE_OFF) {
            // A hint to read the flag now, not its value: the CP group holds the truth. Without it the
            // leader read the flag up to a second after a pause returned, and could still fail over.
            maintenance.refresh();
          }
          forwarding.heard(e);
        }));
    Gauge.builder("meridian_paused", () -> maintenance.paused() ? 1 : 0)
        .description("1 while maintenance mode is on: the leader observes but never acts").register(metrics.registry());
    Gauge.builder("meridian_leader", () -> leading() ? 1 : 0)
        .description("1 on the coordinator that currently leads").register(metrics.registry());
    Gauge.builder("meridian_term", () -> Math.max(0, term()))
        .description("The leader's term (its lock's fence) while leading, else 0").register(metrics.registry());
    if (c.leadership().enabled()) {
      LeaderLifecycle lifecycle = new LeaderLifecycle(new LeaderLifecycle.Wiring(vertx, context, () -> config,
          leadershipMember.orElseThrow(() -> new IllegalStateException("leadership is on but no leadership member "
              + "was started")), history, notifier, events, failoverMetrics, metrics.registry(), clock,
          this::view, observer::observations, this::snapshot, maintenance, announcements,
          () -> apiBase() + ":" + httpPort()));
      leader = Optional.of(lifecycle);
      lifecycle.start();
    }
    return subscribed
        .onSuccess(v -> observer.subscribed())
        .compose(v -> HttpEndpoints.serve(vertx, router(), c.httpHost(), c.httpPort(), c.httpTls()))
        .onSuccess(s -> {
          server = s;
          LOG.atInfo()
              .addKeyValue("coordinator", c.coordinatorId())
              .addKeyValue("region", c.region())
              .log("coordinator {} observing regions {}; API on {}:{}/api/v1/cluster", c.coordinatorId(),
                  c.regions(), apiBase(), s.actualPort());
        })
        .recover(err -> Future.failedFuture(new IllegalStateException("cannot serve HTTP on " + c.httpHost()
            + ":" + c.httpPort() + ": " + err.getMessage(), err)));
  }

  /** Once a second: the cluster-wide series, and (on the leader) events for regions lost and back. */
  private void updateSeries() {
    CoordinatorConfig c = config;
    if (c.leadership().enabled()) {
      commandRoutes.warm(vertx, view().nodes().values().stream().map(v -> v.report().sender())
          .collect(Collectors.toSet()), clock.instant());
    }
    gauges.update(reachable -> {
      List<ClusterEvent> changes = regionEvents.look(c.regions(), reachable, c.staleAfter());
      if (leading()) {
        changes.forEach(notifier::notify);
      }
    });
  }

  /** The term this coordinator leads in, or -1. */
  private long term() {
    return leader.map(LeaderLifecycle::term).orElse(-1L);
  }

  private boolean leading() {
    return leader.map(LeaderLifecycle::leading).orElse(false);
  }

  private JsonObject leaderDocument() {
    Optional<CpMembership> cp = leader.map(LeaderLifecycle::cpMembership);
    JsonObject json = new JsonObject().put("observedBy", config.coordinatorId())
        .put("leadershipEnabled", config.leadership().enabled())
        .put("cpMember", cp.map(CpMembership::isMember).orElse(false))
        .put("cpMembers", cp.map(CpMembership::listed).orElse(null))
        .put("cpMembersConfigured", config.leadership().enabled() ? config.leadership().cpMembers() : null)
        .put("controlLoop", leader.flatMap(l -> l.control().last()).map(cycle -> new JsonObject()
            .put("at", cycle.at().toString()).put("tookMs", cycle.tookMicros() / 1000.0)
            .put("summary", cycle.summary())).orElse(null));
    return announcements.document(json, config.coordinatorId(), leading(), maintenance.paused());
  }

  /**
   * Takes over what a reload may change (see {@code CoordinatorReload}): the stale threshold, and
   * with it the cadence of the status check; a spec with nodes added or removed (the loops and
   * the API read the spec through {@code config} on every use). Runs on this verticle's context; the future
   * completes once the new settings are in force.
   */
  public Future<Void> reconfigure(CoordinatorConfig next) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> HttpTls.renew(server, config.httpTls(), next.httpTls()).onFailure(done::fail).onSuccess(x -> {
      // The certificate first (above): should it not load, nothing else of this reload is taken either.
      CoordinatorConfig before = config;
      config = next;
      if (!next.spec().equals(before.spec())) {
        LOG.atInfo().log("the cluster spec in force now has {} nodes (was {}); checks, failover, rebalancing and scaling"
            + " use it from now on", next.spec().map(s -> s.nodeCount()).orElse(0),
            before.spec().map(s -> s.nodeCount()).orElse(0));
      }
      if (!next.staleAfter().equals(before.staleAfter())) {
        observer.staleAfterChanged(next.staleAfter());
      }
      done.complete();
    }));
    return done.future();
  }

  private Router router() {
    Router router = HttpEndpoints.router(vertx, metrics, this::health, observer::readiness);
    StatusPage.routes(router);
    new ClusterApi(vertx, () -> config, this::view, this::observed, this::leaderDocument, sharedHistory, clock)
        .routes(router);
    new OperatorApi(operatorGate, maintenance,
        (shard, term) -> leader.map(l -> l.failover().acknowledge(shard, term)).orElse(false),
        this::term, (kind, severity, summary) -> vertx.eventBus().publish(Addresses.EVENTS,
            config.bus().seal().encode(events.of(kind, severity, Optional.empty(), summary))),
        config.coordinatorId(), clock).routes(router);
    new RebalanceApi(vertx, operatorGate, () -> config, leader.flatMap(LeaderLifecycle::rebalance), this::snapshot,
        this::leading, this::term, clock).routes(router);
    new ScalingApi(operatorGate, () -> config, leader.map(LeaderLifecycle::scaling), this::jobUrl, this::term)
        .routes(router);
    return router;
  }

  private Snapshot snapshot() {
    CoordinatorConfig config = this.config;
    return Snapshot.of(view(), clock.instant(), config.staleAfter(),
        address -> config.spec().flatMap(spec -> spec.regionOf(address)));
  }

  private Topology observed() {
    CoordinatorConfig config = this.config;
    return ObservedTopology.of(view(), clock.instant(), config.staleAfter(),
        address -> config.spec().flatMap(spec -> spec.regionOf(address)));
  }

  private String jobUrl(String id) {
    return apiBase() + ":" + httpPort() + "/api/v1/jobs/" + id;
  }

  /** {@code http(s)://host}, as clients reach this coordinator's API. */
  private String apiBase() {
    return HttpTls.scheme(config.httpTls()) + "://" + config.httpHost();
  }

  private JsonObject health() {
    return new JsonObject()
        .put("status", "up")
        .put("role", "coordinator")
        .put("coordinator", config.coordinatorId())
        .put("region", config.region())
        .put("nodesObserved", view().nodes().size());
  }

  /** The current view (immutable), for tests and for the process. */
  public ClusterView view() {
    return observer.view();
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
    return leader.map(LeaderLifecycle::release).orElse(Future.succeededFuture()).compose(v -> stopObserving());
  }

  private Future<Void> stopObserving() {
    if (seriesTimer >= 0) {
      vertx.cancelTimer(seriesTimer);
    }
    // start() may have failed part way: close what exists.
    List<Future<Void>> closing = new ArrayList<>();
    Optional.ofNullable(subscriptions).ifPresent(x -> closing.add(x.close()));
    Optional.ofNullable(server).ifPresent(x -> closing.add(x.close()));
    Optional.ofNullable(observer).ifPresent(x -> closing.add(x.close()));
    Optional.ofNullable(notifier).ifPresent(x -> closing.add(x.close()));
    Optional.ofNullable(sharedHistory).ifPresent(x -> closing.add(x.close(Duration.ofSeconds(2))));
    return Future.join(closing).mapEmpty();
  }
}
