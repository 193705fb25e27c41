package io.meridian.coordinator.observe;

import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.Observations;
import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.ReachabilityReport;
import io.meridian.runtime.http.Readiness;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What a coordinator observes, leader or not: the {@link ClusterView} from the agents' reports
 * ({@link ReportIngest}), node status changes in the log ({@link StatusLog}), and which nodes this
 * region reaches ({@link ReachabilityProber}) and what the other coordinators reach
 * ({@link Observations}). On the coordinator's context; the view and observations are immutable and
 * may be read from anywhere.
 */
public final class Observer {

  private final Vertx vertx;
  private final Context context;
  private final Supplier<CoordinatorConfig> config;
  private final Clock clock;
  private final Runnable crashEvidence;
  private final ReportIngest reports;
  private final StatusLog statusLog = new StatusLog();
  private final Counter received;
  private final ReachabilityProber prober;
  private volatile Observations observations = Observations.empty();
  private volatile boolean subscribed;
  private long statusTimer = -1;
  private long proberTimer = -1;

  /** @param crashEvidence called (after the report is applied) when a report carries crash evidence */
  public Observer(Vertx vertx, Context context, Supplier<CoordinatorConfig> config, MeterRegistry registry,
      Clock clock, Runnable crashEvidence) {
    this.vertx = vertx;
    this.context = context;
    this.config = config;
    this.clock = clock;
    this.crashEvidence = crashEvidence;
    this.reports = new ReportIngest(clock, () -> config.get().staleAfter());
    this.received = Counter.builder("meridian_reports_received")
        .description("Health reports accepted from agents").register(registry);
    CoordinatorConfig c = config.get();
    // A PING (connect included) gets half a second, one round: a probe that was under way when a cut
    // healed then fails, and the next one answers, within a second of the heal.
    this.prober = new ReachabilityProber(vertx, c.coordinatorId(), c.region(), this::probeTargets,
        Duration.ofMillis(500), c.bus().seal(), c.redisTls(), clock);
  }

  public void start() {
    statusTimer = vertx.setPeriodic(config.get().staleAfter().toMillis() / 2, id -> logStatusChanges());
    proberTimer = vertx.setPeriodic(500, id -> prober.round());
  }

  /** Crash evidence is applied and acted on at once, not on the next tick (up to 250 ms away). */
  public void report(NodeHealthReport report) {
    received.increment();
    boolean first = reports.add(report);
    if (report.failure().isPresent()) {
      reports.apply();
      crashEvidence.run();
    } else if (first) {
      context.runOnContext(v -> reports.apply());
    }
  }

  public void reachability(ReachabilityReport report) {
    observations = observations.apply(report, clock.instant());
  }

  /** The bus delivers every kind of report to this coordinator now. */
  public void subscribed() {
    subscribed = true;
  }

  public ClusterView view() {
    return reports.view();
  }

  public Observations observations() {
    return observations;
  }

  /** A reload changed the stale threshold: the status check follows its cadence. */
  public void staleAfterChanged(Duration staleAfter) {
    vertx.cancelTimer(statusTimer);
    statusTimer = vertx.setPeriodic(staleAfter.toMillis() / 2, id -> logStatusChanges());
  }

  /**
   * Ready once it listens to every region on the bus and has heard at least one report: before
   * that its view (and its API) would say nothing true about the cluster.
   */
  public Readiness readiness() {
    CoordinatorConfig c = config.get();
    if (!subscribed) {
      return Readiness.notReady("registering on the bus for the reports of " + c.regions());
    }
    long count = (long) received.count();
    return count == 0
        ? Readiness.notReady("on the bus, listening to " + c.regions() + "; no agent report received yet")
        : Readiness.ready("on the bus, listening to " + c.regions() + "; " + count + " reports received, "
            + view().nodes().size() + " nodes observed");
  }

  /** Every node this coordinator knows of, by the address the cluster announces (other regions reach it there). */
  private Set<String> probeTargets() {
    Set<String> targets = new TreeSet<>();
    view().nodes().values().forEach(n -> targets.add(n.announced()));
    config.get().spec().ifPresent(spec -> spec.nodes().forEach(n -> targets.add(n.announced())));
    return targets;
  }

  private void logStatusChanges() {
    statusLog.changes(view(), clock.instant(), config.get().staleAfter());
  }

  public Future<Void> close() {
    subscribed = false;
    vertx.cancelTimer(statusTimer);
    vertx.cancelTimer(proberTimer);
    return prober.close();
  }
}
