package io.meridian.coordinator;

import com.hazelcast.core.HazelcastInstance;
import io.meridian.coordinator.act.CommandSender;
import io.meridian.coordinator.act.FailoverLoop;
import io.meridian.coordinator.act.LeaderWork;
import io.meridian.coordinator.metrics.ClusterSeries;
import io.meridian.coordinator.metrics.FailoverMetrics;
import io.meridian.coordinator.notify.WebhookNotifier;
import io.meridian.messages.ClusterEvent;
import io.meridian.monitoring.GaugeSet;
import io.meridian.coordinator.act.RebalanceLoop;
import io.meridian.coordinator.config.Rebalance;
import io.meridian.coordinator.rebalance.RebalanceCycle;
import io.meridian.coordinator.rebalance.Snapshot;
import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.audit.HistoryStore;
import io.meridian.coordinator.audit.SharedHistory;
import io.meridian.coordinator.observe.RegionReachability;
import io.meridian.coordinator.decide.FailoverMemory;
import io.meridian.coordinator.state.CpHistoryStore;
import io.meridian.coordinator.state.CpTermRegister;
import io.meridian.coordinator.state.FailoverMemoryCodec;
import io.meridian.coordinator.state.RebalanceHoldsCodec;
import io.meridian.coordinator.config.Leadership;
import io.meridian.coordinator.decide.FailoverPlanner;
import io.meridian.coordinator.leadership.CpMembership;
import io.meridian.coordinator.leadership.DeadSessionReaper;
import io.meridian.coordinator.leadership.LeaderElection;
import io.meridian.coordinator.leadership.LeadershipCluster;
import io.meridian.coordinator.leadership.TermCatchUp;
import io.meridian.coordinator.operator.MaintenanceFlag;
import io.meridian.coordinator.operator.MaintenanceMode;
import io.meridian.coordinator.operator.OperatorToken;
import io.meridian.messages.LeaderAnnouncement;
import io.meridian.messages.ReachabilityReport;
import io.meridian.coordinator.observe.ReachabilityProber;
import io.meridian.coordinator.observe.ReportIngest;
import io.meridian.coordinator.observe.StatusLog;
import io.meridian.coordinator.view.Observations;
import java.util.Set;
import java.util.TreeSet;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import io.meridian.coordinator.api.ClusterDocument;
import io.meridian.coordinator.api.OperatorApi;
import io.meridian.coordinator.api.OperatorGate;
import io.meridian.coordinator.api.RebalanceApi;
import io.meridian.coordinator.api.ScalingApi;
import io.meridian.coordinator.api.PlacementDocuments;
import io.meridian.coordinator.endpoints.Endpoints;
import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.coordinator.placement.Topology;
import io.meridian.coordinator.spec.ClusterSpec;
import io.meridian.coordinator.view.ObservedTopology;
import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.messages.Addresses;
import io.meridian.messages.InboundGate;
import io.meridian.messages.MessageRejected;
import io.meridian.messages.NodeHealthReport;
import io.meridian.monitoring.MeridianMetrics;
import io.meridian.runtime.http.HttpEndpoints;
import io.meridian.runtime.http.HttpTls;
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
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One coordinator: keeps its {@link ClusterView} from the agents' reports of every region and
 * serves it over HTTP; with leadership on, campaigns for the lead and, while leading, runs the
 * {@link LeaderWork} (failover, rebalancing, scaling jobs) four times a second. What it decides
 * is decided in the pure planners; this class wires them to the bus, the CP group and HTTP. Its
 * parts: {@link ReportIngest} (the view), {@link StatusLog}, {@link ReachabilityProber}, the
 * maintenance flag ({@link MaintenanceFlag}), and the APIs in {@code api} ({@link OperatorApi},
 * {@link RebalanceApi}, {@link ScalingApi}, behind the {@link OperatorGate}).
 */
public final class CoordinatorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorVerticle.class);

  private volatile CoordinatorConfig config;
  private final MeridianMetrics metrics;
  private final Clock clock;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private final StatusLog statusLog = new StatusLog();
  private final ReportIngest reports;
  private volatile Observations observations = Observations.empty();
  private ReachabilityProber prober;
  private long proberTimer = -1;
  private InboundGate gate;
  private Counter reportsReceived;
  private HttpServer server;
  private long statusTimer = -1;
  private volatile boolean observing;

  /** The leadership cluster's member (CP group), when leadership is on. */
  private final Optional<LeadershipCluster> leadershipMember;
  private LeadershipCluster leadership;
  private LeadershipCluster.Listener followLeadershipMember;
  /** The history the API shows: the newest this many entries. */
  private static final int HISTORY_SIZE = 1000;
  private History history;
  private SharedHistory sharedHistory;
  private final io.meridian.coordinator.act.CommandRoutes commandRoutes = new io.meridian.coordinator.act.CommandRoutes();
  private LeaderElection election;
  private io.meridian.coordinator.act.ControlLoop control;
  /** Bound to one leadership member: replaced with it. */
  private volatile DeadSessionReaper reaper;
  private TermCatchUp termCatchUp;
  private MaintenanceFlag maintenance;
  private OperatorGate operatorGate;
  private FailoverLoop loop;
  private RebalanceLoop rebalance;
  /** What only the leader does: each hears when leadership is lost. */
  private final List<LeaderWork> leaderWork = new ArrayList<>();
  private io.meridian.coordinator.act.ScalingJobs scaling;
  private long leaderTimer = -1;
  private int ticks;
  private volatile Instant leaderSince;
  private volatile LeaderAnnouncement latestLeader;
  private volatile Instant latestLeaderAt;
  private FailoverMetrics failoverMetrics;
  private GaugeSet clusterGauges;
  private WebhookNotifier notifier;
  private long seriesTimer = -1;
  /** Regions heard from at the last series update, and those ever heard from (a region never seen is not "lost"). */
  private RegionReachability regionReachability = RegionReachability.none();
  private volatile int cpQuorum;
  private boolean checkingQuorum;
  private CpMembership cpMembership;
  private boolean ensuringCpMembership;

  public CoordinatorVerticle(CoordinatorConfig config, MeridianMetrics metrics,
      Optional<LeadershipCluster> leadershipMember, Clock clock) {
    this.config = config;
    this.metrics = metrics;
    this.leadershipMember = leadershipMember;
    this.clock = clock;
    this.reports = new ReportIngest(clock, () -> this.config.staleAfter());
  }

  @Override
  public Future<?> start() {
    gate = new InboundGate(metrics.registry(), "coordinator", config.bus().seal());
    history = new History(config.coordinatorId(), HISTORY_SIZE);
    sharedHistory = new SharedHistory(vertx, history, leadershipMember.map(m -> (HistoryStore) new CpHistoryStore(
        m::current, config.cluster(), HISTORY_SIZE)), HISTORY_SIZE);
    sharedHistory.start(Duration.ofMillis(250));
    Gauge.builder("meridian_history_unshared_entries", sharedHistory::unshared)
        .description("Entries of this coordinator's history not yet written to the CP group (they wait while it does not answer)")
        .register(metrics.registry());
    maintenance = new MaintenanceFlag(vertx, config.leadership().enabled()
        ? Optional.of(new MaintenanceMode(() -> leadership.current(), config.cluster())) : Optional.empty());
    reportsReceived = Counter.builder("meridian_reports_received")
        .description("Health reports accepted from agents").register(metrics.registry());
    for (NodeStatus status : NodeStatus.values()) {
      Gauge.builder("meridian_nodes", () -> view().countByStatus(clock.instant(), this.config.staleAfter()).get(status))
          .description("Nodes by status as this coordinator observes them")
          .tag("status", status.name().toLowerCase(Locale.ROOT))
          .register(metrics.registry());
    }
    CoordinatorConfig c = config;
    List<Future<Void>> registrations = new ArrayList<>();
    for (String region : c.regions()) {
      String address = Addresses.health(region);
      // A report counts only on its own region's address: a sender cannot add a region to the view.
      MessageConsumer<Object> consumer = vertx.eventBus().consumer(address,
          m -> gate.accept(m.body(), address, NodeHealthReport.class, r -> r.region().equals(region) ? Optional.empty()
              : Optional.of(new MessageRejected(MessageRejected.Reason.UNKNOWN_REGION, r.wireType(), "a report from "
                  + "region \"" + r.region() + "\" on " + address + ", the address of " + region)))
              .ifPresent(this::onReport));
      consumers.add(consumer);
      registrations.add(consumer.completion());
    }
    statusTimer = vertx.setPeriodic(c.staleAfter().toMillis() / 2, id -> logStatusChanges());
    MessageConsumer<Object> reachability = vertx.eventBus().consumer(Addresses.REACHABILITY,
        m -> gate.accept(m.body(), Addresses.REACHABILITY, ReachabilityReport.class, this::outsideRegions)
            .ifPresent(r -> observations = observations.apply(r, clock.instant())));
    consumers.add(reachability);
    registrations.add(reachability.completion());
    // A PING (connect included) gets half a second, one round: a probe that was under way when a cut
    // healed then fails, and the next one answers, within a second of the heal.
    prober = new ReachabilityProber(vertx, config.coordinatorId(), config.region(), this::probeTargets,
        Duration.ofMillis(500), config.bus().seal(), clock);
    proberTimer = vertx.setPeriodic(500, id -> prober.round());
    MessageConsumer<Object> leaders = vertx.eventBus().consumer(Addresses.LEADER,
        m -> gate.accept(m, Addresses.LEADER, LeaderAnnouncement.class).ifPresent(a -> {
          LeaderAnnouncement before = latestLeader;
          if (before == null || before.term() != a.term() || !before.sender().equals(a.sender())) {
            LOG.atInfo().addKeyValue("leader", a.sender()).addKeyValue("term", a.term())
                .log("heard {} ({}) announce itself leader, term {}", a.sender(), a.region(), a.term());
          }
          latestLeader = a;
          latestLeaderAt = clock.instant();
        }));
    consumers.add(leaders);
    registrations.add(leaders.completion());
    operatorGate = new OperatorGate(new OperatorToken(config.operatorToken()), this::leading,
        () -> Optional.ofNullable(latestLeader).map(LeaderAnnouncement::apiUrl), maintenance::paused,
        () -> loop != null && loop.failingOver());
    failoverMetrics = new FailoverMetrics(metrics);
    clusterGauges = new GaugeSet(metrics, ClusterSeries.HELP);
    notifier = new WebhookNotifier(vertx, config.notifications(), config.cluster(), metrics.registry(), clock);
    seriesTimer = vertx.setPeriodic(1000, id -> updateSeries());
    MessageConsumer<Object> events = vertx.eventBus().consumer(Addresses.EVENTS,
        m -> gate.accept(m.body(), Addresses.EVENTS, ClusterEvent.class).ifPresent(e -> {
          if (e.kind() == ClusterEvent.Kind.MAINTENANCE_ON || e.kind() == ClusterEvent.Kind.MAINTENANCE_OFF) {
            // A hint to read the flag now, not its value: the CP group holds the truth. Without it the
            // leader read the flag up to a second after a pause returned, and could still fail over.
            maintenance.refresh();
          }
          forward(e);
        }));
    consumers.add(events);
    registrations.add(events.completion());
    if (config.leadership().enabled()) {
      Gauge.builder("meridian_cp_quorum", () -> cpQuorum)
          .description("1 while the CP group of the coordinators has a majority (leader election can work)")
          .register(metrics.registry());
      Gauge.builder("meridian_cp_members", () -> cpMembership == null ? 0 : cpMembership.listed())
          .description("CP members the CP group lists, as this coordinator last read it")
          .register(metrics.registry());
      Gauge.builder("meridian_cp_members_configured", () -> config.leadership().cpMembers())
          .description("The CP group's configured size (leadership.cpMembers)").register(metrics.registry());
    }
    Gauge.builder("meridian_paused", () -> maintenance.paused() ? 1 : 0)
        .description("1 while maintenance mode is on: the leader observes but never acts").register(metrics.registry());
    Gauge.builder("meridian_leader", () -> leading() ? 1 : 0)
        .description("1 on the coordinator that currently leads").register(metrics.registry());
    Gauge.builder("meridian_term", () -> election == null ? 0 : election.term().orElse(0))
        .description("The leader's term (its lock's fence) while leading, else 0").register(metrics.registry());
    if (config.leadership().enabled()) {
      startLeadership();
    }
    return Future.all(registrations)
        .onSuccess(v -> observing = true)
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

  private void startLeadership() {
    Leadership l = config.leadership();
    leadership = leadershipMember.orElseThrow(() -> new IllegalStateException("leadership is on but no leadership "
        + "member was started"));
    // Leadership's callbacks come from Hazelcast's threads; everything they touch lives on this context.
    java.util.concurrent.Executor onContext = command -> context.runOnContext(v -> command.run());
    election = new LeaderElection(leadership.current(), "meridian-leader-" + config.cluster(), Duration.ofMillis(500), l.lease(),
        new LeaderElection.Listener() {
          @Override
          public void elected(long term) {
            leaderSince = clock.instant();
            LOG.atInfo().addKeyValue("term", term).log("{} is the leader now (term {}); acting on failures",
                config.coordinatorId(), term);
            history.add(new History.Entry(leaderSince, term, "-", "leadership", config.coordinatorId()
                + " elected leader", Optional.empty()));
            announce(term);
            notifier.notify(event(ClusterEvent.Kind.LEADER_ELECTED, ClusterEvent.Severity.INFO, Optional.empty(),
                config.coordinatorId() + " (" + config.region() + ") is the leader now, term " + term));
          }

          @Override
          public void revoked(String reason) {
            LOG.atWarn().addKeyValue("reason", reason).log("{} stopped leading: {}", config.coordinatorId(), reason);
            history.add(new History.Entry(clock.instant(), -1, "-", "leadership", config.coordinatorId()
                + " stopped leading: " + reason, Optional.empty()));
            leaderWork.forEach(LeaderWork::leadershipLost);
            notifier.notify(event(ClusterEvent.Kind.LEADER_LOST, ClusterEvent.Severity.WARNING, Optional.empty(),
                config.coordinatorId() + " (" + config.region() + ") stopped leading: " + reason));
          }
        }, onContext);
    CommandSender commands = new CommandSender(vertx, config.coordinatorId(), election, config.bus().seal(), clock);
    loop = new FailoverLoop(vertx, config.coordinatorId(), election, commands, () -> view(), () -> observations, () -> config.spec(),
        new FailoverPlanner.Settings(config.staleAfter(), l.verifyDeadline(), l.antiFlapping(), l.failureTimeout(),
            l.fenceMargin(), config.regions()), history, failoverMetrics, notifier::notify,
        new CpTermRegister<>(leadership::current, "meridian-failover-memory-" + config.cluster(), "the failover memory",
            FailoverMemoryCodec.CODEC, FailoverMemory.empty()), clock);
    Rebalance r = config.rebalance();
    if (r.enabled() && config.spec().isPresent()) {
      rebalance = new RebalanceLoop(vertx, commands, this::snapshot,
          () -> config.spec().orElseThrow(), r.plannerSettings(), new RebalanceCycle.Settings(r.automaticFailback(), r.actionInterval(),
              r.actionTimeout()), history, new CpTermRegister<>(leadership::current, "meridian-rebalance-holds-"
              + config.cluster(), "the rebalancer's operator holds", new RebalanceHoldsCodec(), RebalanceCycle.Holds.none()),
          metrics.registry(), clock);
    }
    scaling = new io.meridian.coordinator.act.ScalingJobs(vertx, commands::send, this::term, this::snapshot, () -> view(), () -> config.staleAfter(),
        () -> config.spec(), history, clock);
    leaderWork.add(loop);
    if (rebalance != null) {
      leaderWork.add(rebalance);
    }
    leaderWork.add(scaling);
    reaper = new DeadSessionReaper(leadership.current(), l.sessionTtl(), election::lockGroup);
    termCatchUp = new TermCatchUp(election::outrank, onContext);
    cpMembership = new CpMembership(leadership, l.cpMembers());
    followLeadershipMember = new LeadershipCluster.Listener() {
      @Override
      public void retiring(HazelcastInstance old, String reason) {
        election.detach("this coordinator's leadership member is being replaced: " + reason);
        reaper.close();
      }

      @Override
      public void replaced(HazelcastInstance next) {
        reaper = new DeadSessionReaper(next, l.sessionTtl(), election::lockGroup);
        election.attach(next);
      }
    };
    leadership.addListener(followLeadershipMember);
    election.start();
    control = new io.meridian.coordinator.act.ControlLoop(Duration.ofMillis(250), this::leaderCycle, metrics.registry(),
        clock);
    leaderTimer = vertx.setPeriodic(control.cadence().toMillis(), id -> leaderTick());
  }

  /** Four times a second: the lease watchdog, and while leading the failover cycle and the announcement. */
  private void leaderTick() {
    election.checkLease();
    boolean everySecond = ++ticks % 4 == 0;
    if (everySecond && !checkingQuorum) {
      checkingQuorum = true;
      vertx.executeBlocking(this::quorum, false).onComplete(ar -> {
        checkingQuorum = false;
        cpQuorum = ar.succeeded() && ar.result() ? 1 : 0;
      });
    }
    if (ticks % 8 == 0 && !ensuringCpMembership) {
      ensuringCpMembership = true;
      vertx.executeBlocking(() -> {
        cpMembership.ensure();
        return null;
      }, false).onComplete(ar -> ensuringCpMembership = false);
    }
    if (everySecond) {
      maintenance.refresh();
    }
    control.run();
    OptionalLong term = election.term();
    if (everySecond && term.isPresent()) {
      termCatchUp.check(term.getAsLong(), view().highestTermSeen());
      announce(term.getAsLong());
      if (rebalance != null) {
        // The layout is the scaling job's while one runs: the rebalancer keeps still as during a failover.
        rebalance.cycle(term.getAsLong(), maintenance.paused(), loop.failingOver() || scaling.running().isPresent(),
            loop.failbackHeld());
      }
    }
  }

  /** While leading: one failover cycle over the current view; says what it did or why nothing. */
  private String leaderCycle() {
    OptionalLong term = election.term();
    if (term.isEmpty()) {
      return "not leading";
    }
    loop.paused(maintenance.paused());
    return loop.cycle(term.getAsLong());
  }

  /**
   * On a worker: whether the CP group answers and a majority of its members are in the cluster.
   * Asking the CP subsystem for its members goes through its Raft group, so without a majority the
   * call does not complete: the deadline turns that into "no quorum".
   */
  private boolean quorum() throws Exception {
    HazelcastInstance hazelcast = leadership.current();
    java.util.Collection<com.hazelcast.cp.CPMember> members = hazelcast.getCPSubsystem()
        .getCPSubsystemManagementService().getCPMembers().toCompletableFuture()
        .get(2, java.util.concurrent.TimeUnit.SECONDS);
    Set<com.hazelcast.cluster.Address> present = new java.util.HashSet<>();
    hazelcast.getCluster().getMembers().forEach(m -> present.add(m.getAddress()));
    long up = members.stream().filter(m -> present.contains(m.getAddress())).count();
    return !members.isEmpty() && up * 2 > config.leadership().cpMembers();
  }

  /** Once a second: the cluster-wide series, and (on the leader) events for regions lost and back. */
  private void updateSeries() {
    CoordinatorConfig c = config;
    Instant now = clock.instant();
    if (c.leadership().enabled()) {
      commandRoutes.warm(vertx, view().nodes().values().stream().map(v -> v.report().sender())
          .collect(java.util.stream.Collectors.toSet()), now);
    }
    Optional<List<io.meridian.coordinator.placement.Violation>> violations = c.spec()
        .map(spec -> PlacementRules.check(spec, observed()));
    ClusterSeries.Result result = ClusterSeries.of(view(), observations, c.regions(), now, c.staleAfter(), violations);
    clusterGauges.replace(result.samples());
    RegionReachability.Step step = regionReachability.look(c.regions(), result.reachableRegions());
    regionReachability = step.next();
    if (leading()) {
      step.changes().forEach(change -> notifier.notify(change.lost()
          ? event(ClusterEvent.Kind.REGION_LOST, ClusterEvent.Severity.CRITICAL, Optional.of(change.region()),
              "region " + change.region() + " is lost: no agent report or coordinator report from it for over "
                  + c.staleAfter().toMillis() + " ms")
          : event(ClusterEvent.Kind.REGION_RECOVERED, ClusterEvent.Severity.INFO, Optional.of(change.region()),
              "region " + change.region() + " is back: reports from it arrive again")));
    }
  }

  /** The term this coordinator leads in, or -1. */
  private long term() {
    return election == null ? -1 : election.term().orElse(-1);
  }

  private ClusterEvent event(ClusterEvent.Kind kind, ClusterEvent.Severity severity, Optional<String> region,
      String summary) {
    return new ClusterEvent(config.coordinatorId(), kind, severity, region, Optional.empty(), summary, clock.millis());
  }

  /**
   * Events from others (agents' write fences) go out through the leader. Without a leader heard
   * within 3 s (a minority partition: exactly when fences go on) every coordinator that hears
   * one sends it: a duplicate is better than silence.
   */
  private void forward(ClusterEvent event) {
    LeaderAnnouncement leader = latestLeader;
    boolean leaderKnown = leader != null && Duration.between(latestLeaderAt, clock.instant()).toMillis() <= 3000;
    if (leading() || !leaderKnown) {
      notifier.notify(event);
    }
  }

  private void announce(long term) {
    LeaderAnnouncement own = new LeaderAnnouncement(config.coordinatorId(), config.region(), term,
        leaderSince.toEpochMilli(), apiBase() + ":" + httpPort(),
        observations.regionsHeard(clock.instant(), LeaderAnnouncement.HEARD_WITHIN, config.region(), config.regions()),
        config.regions().size());
    // Known here at once: its own copy comes back over the bus only after the bus has looked up who
    // listens, which took 0.5 s while the bus was still dropping the old leader's member.
    latestLeader = own;
    latestLeaderAt = clock.instant();
    vertx.eventBus().publish(Addresses.LEADER, config.bus().seal().encode(own));
  }

  private JsonObject leaderDocument() {
    LeaderAnnouncement a = latestLeader;
    Instant at = latestLeaderAt;
    JsonObject json = new JsonObject().put("observedBy", config.coordinatorId())
        .put("leadershipEnabled", config.leadership().enabled())
        .put("cpMember", cpMembership != null && cpMembership.isMember())
        .put("cpMembers", cpMembership == null ? null : cpMembership.listed())
        .put("cpMembersConfigured", config.leadership().enabled() ? config.leadership().cpMembers() : null)
        .put("controlLoop", control == null ? null : control.last().map(c -> new JsonObject()
            .put("at", c.at().toString()).put("tookMs", c.tookMicros() / 1000.0).put("summary", c.summary()))
            .orElse(null));
    if (a == null || Duration.between(at, clock.instant()).toMillis() > 3000) {
      return json.put("leader", (String) null).put("reason", a == null ? "no leader has announced itself yet"
          : "no announcement for " + Duration.between(at, clock.instant()).toMillis() + " ms");
    }
    return json.put("leader", a.sender()).put("region", a.region()).put("term", a.term())
        .put("since", Instant.ofEpochMilli(a.since()).toString()).put("apiUrl", a.apiUrl())
        .put("announcementAgeMs", Duration.between(at, clock.instant()).toMillis())
        .put("self", a.sender().equals(config.coordinatorId()) && leading())
        .put("paused", maintenance.paused());
  }

  /** Every node this coordinator knows of, by the address the cluster announces (other regions reach it there). */
  private Set<String> probeTargets() {
    Set<String> targets = new TreeSet<>();
    view().nodes().values().forEach(n -> targets.add(n.announced()));
    config.spec().ifPresent(spec -> spec.nodes().forEach(n -> targets.add(n.announced())));
    return targets;
  }


  /** Only the configured regions count toward a majority of observers. */
  private Optional<MessageRejected> outsideRegions(ReachabilityReport r) {
    return config.regions().contains(r.region()) ? Optional.empty()
        : Optional.of(new MessageRejected(MessageRejected.Reason.UNKNOWN_REGION, r.wireType(), "an observer in region \""
            + r.region() + "\", which is not one of this coordinator's regions " + config.regions()));
  }

  /** Crash evidence is applied and acted on at once, not on the next tick (up to 250 ms away). */
  private void onReport(NodeHealthReport report) {
    reportsReceived.increment();
    boolean first = reports.add(report);
    if (report.failure().isPresent() && control != null) {
      reports.apply();
      election.checkLease();
      control.run();
    } else if (first) {
      context.runOnContext(v -> reports.apply());
    }
  }

  private void logStatusChanges() {
    statusLog.changes(view(), clock.instant(), config.staleAfter());
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
        vertx.cancelTimer(statusTimer);
        statusTimer = vertx.setPeriodic(next.staleAfter().toMillis() / 2, id -> logStatusChanges());
      }
      done.complete();
    }));
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
            + view().nodes().size() + " nodes observed");
  }

  private Router router() {
    Router router = HttpEndpoints.router(vertx, metrics, this::health, this::readiness);
    io.meridian.coordinator.page.StatusPage.routes(router);
    router.get("/api/v1/cluster").handler(ctx -> HttpEndpoints.json(ctx, 200, ClusterDocument.render(view(),
        config.cluster(), config.coordinatorId(), config.regions(), config.staleAfter(), clock.instant(),
        address -> config.spec().flatMap(spec -> spec.node(address)))));
    router.get("/api/v1/leader").handler(ctx -> {
      JsonObject doc = leaderDocument();
      HttpEndpoints.json(ctx, doc.getString("leader") == null ? 503 : 200, doc);
    });
    router.get("/api/v1/history").handler(ctx -> sharedHistory.document(config.coordinatorId())
        .onSuccess(doc -> HttpEndpoints.json(ctx, 200, doc)));
    new OperatorApi(operatorGate, maintenance, (shard, term) -> loop.acknowledge(shard, term),
        this::term, (kind, severity, summary) -> vertx.eventBus().publish(Addresses.EVENTS,
            config.bus().seal().encode(event(kind, severity, Optional.empty(), summary))),
        config.coordinatorId(), clock).routes(router);
    new RebalanceApi(vertx, operatorGate, () -> config, Optional.ofNullable(rebalance), this::snapshot, this::leading,
        this::term, clock).routes(router);
    new ScalingApi(operatorGate, () -> config, Optional.ofNullable(scaling), this::jobUrl).routes(router);
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

  private Snapshot snapshot() {
    CoordinatorConfig config = this.config;
    return Snapshot.of(view(), clock.instant(), config.staleAfter(),
        address -> config.spec().flatMap(spec -> spec.regionOf(address)));
  }

  private String jobUrl(String id) {
    return apiBase() + ":" + httpPort() + "/api/v1/jobs/" + id;
  }

  /** {@code http(s)://host}, as clients reach this coordinator's API. */
  private String apiBase() {
    return HttpTls.scheme(config.httpTls()) + "://" + config.httpHost();
  }

  private Topology observed() {
    CoordinatorConfig config = this.config;
    return ObservedTopology.of(view(), clock.instant(), config.staleAfter(),
        address -> config.spec().flatMap(spec -> spec.regionOf(address)));
  }

  private JsonObject health() {
    return new JsonObject()
        .put("status", "up")
        .put("role", "coordinator")
        .put("coordinator", config.coordinatorId())
        .put("region", config.region())
        .put("nodesObserved", view().nodes().size());
  }

  private boolean leading() {
    return election != null && election.isLeader();
  }

  /** The current view (immutable), for tests and for the process. */
  public ClusterView view() {
    return reports.view();
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
   * A leader gives up its lock on a graceful stop (SIGTERM, {@code systemctl stop}), so that
   * another coordinator leads at once instead of after the lock's CP session expires.
   */
  private Future<Void> releaseLeadership() {
    if (leaderTimer >= 0) {
      vertx.cancelTimer(leaderTimer);
    }
    if (followLeadershipMember != null) {
      leadership.removeListener(followLeadershipMember);
    }
    if (reaper != null) {
      reaper.close();
    }
    if (election == null) {
      return Future.succeededFuture();
    }
    LeaderElection leaving = election;
    return vertx.executeBlocking(() -> {
      leaving.close();
      return null;
    });
  }

  private Future<Void> stopObserving() {
    observing = false;
    if (seriesTimer >= 0) {
      vertx.cancelTimer(seriesTimer);
    }
    if (proberTimer >= 0) {
      vertx.cancelTimer(proberTimer);
    }
    List<Future<Void>> closing = new ArrayList<>();
    if (statusTimer >= 0) {
      vertx.cancelTimer(statusTimer);
    }
    consumers.forEach(c -> closing.add(c.unregister()));
    consumers.clear();
    if (server != null) {
      closing.add(server.close());
    }
    if (prober != null) {
      closing.add(prober.close());
    }
    if (notifier != null) {
      closing.add(notifier.close());
    }
    if (sharedHistory != null) {
      closing.add(sharedHistory.close(Duration.ofSeconds(2)));
    }
    return Future.join(closing).mapEmpty();
  }
}
