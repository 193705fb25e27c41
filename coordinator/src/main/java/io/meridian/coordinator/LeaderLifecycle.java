package io.meridian.coordinator;

import com.hazelcast.core.HazelcastInstance;
import io.meridian.coordinator.act.CommandSender;
import io.meridian.coordinator.act.ControlLoop;
import io.meridian.coordinator.act.FailoverLoop;
import io.meridian.coordinator.act.LeaderWork;
import io.meridian.coordinator.act.RebalanceLoop;
import io.meridian.coordinator.act.ScalingJobs;
import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.coordinator.config.Leadership;
import io.meridian.coordinator.config.Rebalance;
import io.meridian.coordinator.decide.FailoverMemory;
import io.meridian.coordinator.decide.FailoverPlanner;
import io.meridian.coordinator.leadership.Announcements;
import io.meridian.coordinator.leadership.CpMembership;
import io.meridian.coordinator.leadership.DeadSessionReaper;
import io.meridian.coordinator.leadership.LeaderElection;
import io.meridian.coordinator.leadership.LeadershipCluster;
import io.meridian.coordinator.leadership.TermCatchUp;
import io.meridian.coordinator.metrics.FailoverMetrics;
import io.meridian.coordinator.notify.EventStamp;
import io.meridian.coordinator.notify.WebhookNotifier;
import io.meridian.coordinator.operator.MaintenanceFlag;
import io.meridian.coordinator.rebalance.RebalanceCycle;
import io.meridian.coordinator.rebalance.Snapshot;
import io.meridian.coordinator.state.CpTermRegister;
import io.meridian.coordinator.state.FailoverMemoryCodec;
import io.meridian.coordinator.state.RebalanceHoldsCodec;
import io.meridian.coordinator.state.ScalingJobsCodec;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.Observations;
import io.meridian.messages.ClusterEvent;
import io.meridian.messages.LeaderAnnouncement;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's leader side: campaigns for the lead in the CP group, follows its leadership
 * member when that is replaced, and while leading runs the {@link LeaderWork} (failover through
 * the {@link ControlLoop}, rebalancing, scaling jobs) four times a second and announces itself.
 * Every piece of leader work hears at once when the lead is lost. On the coordinator's context.
 */
final class LeaderLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderLifecycle.class);

  /** What the leader side reads and writes of the rest of the coordinator. */
  record Wiring(Vertx vertx, Context context, Supplier<CoordinatorConfig> config, LeadershipCluster leadership,
      History history, WebhookNotifier notifier, EventStamp events, FailoverMetrics failoverMetrics,
      MeterRegistry registry, Clock clock, Supplier<ClusterView> view, Supplier<Observations> observations,
      Supplier<Snapshot> snapshot, MaintenanceFlag maintenance, Announcements announcements,
      Supplier<String> apiUrl) {
  }

  private final Wiring w;
  private final Leadership settings;
  private final LeaderElection election;
  private final FailoverLoop failover;
  private final Optional<RebalanceLoop> rebalance;
  private final ScalingJobs scaling;
  private final List<LeaderWork> work = new ArrayList<>();
  private final TermCatchUp termCatchUp;
  private final CpMembership cpMembership;
  private final ControlLoop control;
  private final LeadershipCluster.Listener followMember;
  /** Bound to one leadership member: replaced with it. */
  private volatile DeadSessionReaper reaper;
  private volatile int cpQuorum;
  private boolean checkingQuorum;
  private boolean ensuringCpMembership;
  private long timer = -1;
  private int ticks;

  LeaderLifecycle(Wiring w) {
    this.w = w;
    CoordinatorConfig config = w.config().get();
    settings = config.leadership();
    // Leadership's callbacks come from Hazelcast's threads; everything they touch lives on this context.
    Executor onContext = command -> w.context().runOnContext(v -> command.run());
    election = new LeaderElection(w.leadership().current(), "meridian-leader-" + config.cluster(),
        Duration.ofMillis(500), settings.lease(), new LeaderElection.Listener() {
          @Override
          public void elected(long term) {
            LeaderLifecycle.this.elected(term);
          }

          @Override
          public void revoked(String reason) {
            LeaderLifecycle.this.revoked(reason);
          }
        }, onContext);
    CommandSender commands = new CommandSender(w.vertx(), config.coordinatorId(), election, config.bus().seal(),
        w.clock());
    failover = new FailoverLoop(w.vertx(), config.coordinatorId(), election, commands, w.view(), w.observations(),
        () -> w.config().get().spec(), new FailoverPlanner.Settings(config.staleAfter(), settings.verifyDeadline(),
            settings.antiFlapping(), settings.failureTimeout(), settings.fenceMargin(), config.regions()),
        w.history(), w.failoverMetrics(), w.notifier()::notify, new CpTermRegister<>(w.leadership()::current,
            "meridian-failover-memory-" + config.cluster(), "the failover memory", FailoverMemoryCodec.CODEC,
            FailoverMemory.empty()), w.clock());
    Rebalance r = config.rebalance();
    rebalance = r.enabled() && config.spec().isPresent() ? Optional.of(new RebalanceLoop(w.vertx(), commands,
        w.snapshot(), () -> w.config().get().spec().orElseThrow(), r.plannerSettings(),
        new RebalanceCycle.Settings(r.automaticFailback(), r.actionInterval(), r.actionTimeout()), w.history(),
        new CpTermRegister<>(w.leadership()::current, "meridian-rebalance-holds-" + config.cluster(),
            "the rebalancer's operator holds", new RebalanceHoldsCodec(), RebalanceCycle.Holds.none()),
        w.registry(), w.clock())) : Optional.empty();
    scaling = new ScalingJobs(w.vertx(), commands::send, this::term, w.snapshot(), w.view(),
        () -> w.config().get().staleAfter(), () -> w.config().get().spec(), w.history(),
        new CpTermRegister<>(w.leadership()::current, "meridian-scaling-jobs-" + config.cluster(), "the scaling jobs",
            new ScalingJobsCodec(), List.of()), w.clock());
    work.add(failover);
    rebalance.ifPresent(work::add);
    work.add(scaling);
    reaper = new DeadSessionReaper(w.leadership().current(), settings.sessionTtl(), election::lockGroup);
    termCatchUp = new TermCatchUp(election::outrank, onContext);
    cpMembership = new CpMembership(w.leadership(), settings.cpMembers());
    followMember = new LeadershipCluster.Listener() {
      @Override
      public void retiring(HazelcastInstance old, String reason) {
        election.detach("this coordinator's leadership member is being replaced: " + reason);
        reaper.close();
      }

      @Override
      public void replaced(HazelcastInstance next) {
        reaper = new DeadSessionReaper(next, settings.sessionTtl(), election::lockGroup);
        election.attach(next);
      }
    };
    control = new ControlLoop(Duration.ofMillis(250), this::cycle, w.registry(), w.clock());
    Gauge.builder("meridian_cp_quorum", () -> cpQuorum)
        .description("1 while the CP group of the coordinators has a majority (leader election can work)")
        .register(w.registry());
    Gauge.builder("meridian_cp_members", cpMembership::listed)
        .description("CP members the CP group lists, as this coordinator last read it").register(w.registry());
    Gauge.builder("meridian_cp_members_configured", settings::cpMembers)
        .description("The CP group's configured size (leadership.cpMembers)").register(w.registry());
  }

  void start() {
    w.leadership().addListener(followMember);
    election.start();
    timer = w.vertx().setPeriodic(control.cadence().toMillis(), id -> tick());
  }

  private void elected(long term) {
    CoordinatorConfig config = w.config().get();
    w.announcements().elected(w.clock().instant());
    LOG.atInfo().addKeyValue("term", term).log("{} is the leader now (term {}); acting on failures",
        config.coordinatorId(), term);
    w.history().add(new History.Entry(w.clock().instant(), term, "-", "leadership", config.coordinatorId()
        + " elected leader", Optional.empty()));
    announce(term);
    w.notifier().notify(w.events().of(ClusterEvent.Kind.LEADER_ELECTED, ClusterEvent.Severity.INFO, Optional.empty(),
        config.coordinatorId() + " (" + config.region() + ") is the leader now, term " + term));
  }

  private void revoked(String reason) {
    CoordinatorConfig config = w.config().get();
    LOG.atWarn().addKeyValue("reason", reason).log("{} stopped leading: {}", config.coordinatorId(), reason);
    w.history().add(new History.Entry(w.clock().instant(), -1, "-", "leadership", config.coordinatorId()
        + " stopped leading: " + reason, Optional.empty()));
    work.forEach(LeaderWork::leadershipLost);
    w.notifier().notify(w.events().of(ClusterEvent.Kind.LEADER_LOST, ClusterEvent.Severity.WARNING,
        Optional.empty(), config.coordinatorId() + " (" + config.region() + ") stopped leading: " + reason));
  }

  /** Four times a second: the lease watchdog, and while leading the control loop and the announcement. */
  private void tick() {
    election.checkLease();
    boolean everySecond = ++ticks % 4 == 0;
    if (everySecond && !checkingQuorum) {
      checkingQuorum = true;
      w.vertx().executeBlocking(this::quorum, false).onComplete(ar -> {
        checkingQuorum = false;
        cpQuorum = ar.succeeded() && ar.result() ? 1 : 0;
      });
    }
    if (ticks % 8 == 0 && !ensuringCpMembership) {
      ensuringCpMembership = true;
      w.vertx().executeBlocking(() -> {
        cpMembership.ensure();
        return null;
      }, false).onComplete(ar -> ensuringCpMembership = false);
    }
    if (everySecond) {
      w.maintenance().refresh();
    }
    control.run();
    OptionalLong term = election.term();
    if (everySecond && term.isPresent()) {
      termCatchUp.check(term.getAsLong(), w.view().get().highestTermSeen());
      announce(term.getAsLong());
      scaling.cycle(term.getAsLong());
      // The layout is the scaling job's while one runs: the rebalancer keeps still as during a failover.
      rebalance.ifPresent(r -> r.cycle(term.getAsLong(), w.maintenance().paused(),
          failover.failingOver() || scaling.running().isPresent(), failover.failbackHeld()));
    }
  }

  /** Crash evidence arrived: act on it now, not at the next tick (up to 250 ms away). */
  void actNow() {
    election.checkLease();
    control.run();
  }

  /** While leading: one failover cycle over the current view; says what it did or why nothing. */
  private String cycle() {
    OptionalLong term = election.term();
    if (term.isEmpty()) {
      return "not leading";
    }
    failover.paused(w.maintenance().paused());
    return failover.cycle(term.getAsLong());
  }

  private void announce(long term) {
    CoordinatorConfig config = w.config().get();
    w.announcements().publish(term, new Announcements.Self(config.coordinatorId(), config.region(),
        config.regions().size(), w.apiUrl().get()), w.observations().get().regionsHeard(w.clock().instant(),
        LeaderAnnouncement.HEARD_WITHIN, config.region(), config.regions()));
  }

  /**
   * On a worker: whether the CP group answers and a majority of its members are in the cluster.
   * Asking the CP subsystem for its members goes through its Raft group, so without a majority the
   * call does not complete: the deadline turns that into "no quorum".
   */
  private boolean quorum() throws Exception {
    HazelcastInstance hazelcast = w.leadership().current();
    Collection<com.hazelcast.cp.CPMember> members = hazelcast.getCPSubsystem()
        .getCPSubsystemManagementService().getCPMembers().toCompletableFuture().get(2, TimeUnit.SECONDS);
    Set<com.hazelcast.cluster.Address> present = new HashSet<>();
    hazelcast.getCluster().getMembers().forEach(m -> present.add(m.getAddress()));
    long up = members.stream().filter(m -> present.contains(m.getAddress())).count();
    return !members.isEmpty() && up * 2 > settings.cpMembers();
  }

  boolean leading() {
    return election.isLeader();
  }

  /** The term this coordinator leads in, or -1. */
  long term() {
    return election.term().orElse(-1);
  }

  FailoverLoop failover() {
    return failover;
  }

  Optional<RebalanceLoop> rebalance() {
    return rebalance;
  }

  ScalingJobs scaling() {
    return scaling;
  }

  ControlLoop control() {
    return control;
  }

  CpMembership cpMembership() {
    return cpMembership;
  }

  /**
   * A leader gives up its lock on a graceful stop (SIGTERM, {@code systemctl stop}), so that
   * another coordinator leads at once instead of after the lock's CP session expires.
   */
  Future<Void> release() {
    if (timer >= 0) {
      w.vertx().cancelTimer(timer);
    }
    w.leadership().removeListener(followMember);
    reaper.close();
    return w.vertx().executeBlocking(() -> {
      election.close();
      return null;
    });
  }
}
