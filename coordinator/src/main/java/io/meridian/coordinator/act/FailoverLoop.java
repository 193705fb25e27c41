package io.meridian.coordinator.act;

import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.decide.Action;
import io.meridian.coordinator.decide.Decision;
import io.meridian.coordinator.decide.FailoverMemory;
import io.meridian.coordinator.decide.FailoverPlanner;
import io.meridian.coordinator.leadership.LeaderElection;
import io.meridian.coordinator.spec.ClusterSpec;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.Observations;
import io.meridian.messages.Command;
import io.meridian.coordinator.metrics.FailoverMetrics;
import io.meridian.coordinator.view.NodeView;
import io.meridian.messages.ClusterEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's hands: each cycle asks the pure planner what to do, confirms the fence right
 * before sending, stamps it as the term on each command, and records everything in the history.
 * Holds no decisions of its own. Runs on the coordinator's context only.
 */
public final class FailoverLoop {

  private static final Logger LOG = LoggerFactory.getLogger(FailoverLoop.class);

  private final Vertx vertx;
  private final String coordinatorId;
  private final LeaderElection election;
  private final Supplier<ClusterView> view;
  private final Supplier<Observations> observations;
  private final Supplier<Optional<ClusterSpec>> spec;
  private final FailoverPlanner.Settings settings;
  private final History history;
  private final FailoverMetrics metrics;
  private final Consumer<ClusterEvent> events;
  private final Clock clock;
  private final Map<String, String> lastReason = new HashMap<>();
  /** Failovers ordered and not yet recovered, by shard: for their duration, result and events. */
  private final Map<String, InProgress> inProgress = new HashMap<>();
  private final CommandSender sender;
  private FailoverMemory memory = FailoverMemory.empty();
  private boolean failingOver;

  /** @param attemptFailed the current candidate's failure is already counted (its command was not executed) */
  private record InProgress(Instant startedAt, String kind, String failedPrimary, String region,
      boolean attemptFailed) {
    InProgress nextAttempt(boolean failed) {
      return new InProgress(startedAt, kind, failedPrimary, region, failed);
    }
  }

  /**
   * @param events where failover events go (the notifier); called on this context, must not block
   */
  public FailoverLoop(Vertx vertx, String coordinatorId, LeaderElection election, Supplier<ClusterView> view,
      Supplier<Observations> observations, Supplier<Optional<ClusterSpec>> spec, FailoverPlanner.Settings settings, History history,
      FailoverMetrics metrics, Consumer<ClusterEvent> events, Clock clock) {
    this.vertx = vertx;
    this.coordinatorId = coordinatorId;
    this.election = election;
    this.view = view;
    this.observations = observations;
    this.spec = spec;
    this.settings = settings;
    this.history = history;
    this.metrics = metrics;
    this.events = events;
    this.clock = clock;
    this.sender = new CommandSender(vertx, coordinatorId, election, clock);
  }

  /** One reconcile cycle; call on the coordinator's context, only while leading. */
  public void cycle(long term) {
    Instant now = clock.instant();
    FailoverPlanner.Outcome outcome = FailoverPlanner.plan(view.get(), observations.get(), spec.get(), memory, now, settings);
    memory = outcome.memory();
    List<String> blocked = new ArrayList<>();
    // The rebalancer keeps still while any shard is in trouble or a promotion is under way.
    failingOver = !memory.attempts().isEmpty() || outcome.decisions().stream()
        .anyMatch(d -> !(d.action() instanceof Action.Recovered)
            && !(d.action() instanceof Action.Wait && d.reason().startsWith("old primary ")));
    for (Decision d : outcome.decisions()) {
      String shard = d.action().shard();
      if (!d.reason().equals(lastReason.put(shard, d.reason()))) {
        // An alert is something an operator must look at; the rest is the loop explaining itself.
        (d.action() instanceof Action.Alert ? LOG.atWarn() : LOG.atInfo())
            .addKeyValue("shard", shard).addKeyValue("term", term).log(d.reason());
        history.add(new History.Entry(now, term, shard, "decision", d.reason(), Optional.empty()));
        metrics.action(actionName(d.action()), "planned");
      }
      if (d.action() instanceof Action.Promote promote) {
        started(promote, now);
        promote(promote, d.reason());
      } else if (d.action() instanceof Action.Recovered recovered) {
        recovered(recovered, now);
      } else if (d.action() instanceof Action.Blocked) {
        blocked.add(shard);
      }
    }
    metrics.blocked(blocked);
  }

  private static String actionName(Action action) {
    if (action instanceof Action.Promote) {
      return "promote";
    } else if (action instanceof Action.Recovered) {
      return "recovered";
    } else if (action instanceof Action.Blocked) {
      return "blocked";
    } else if (action instanceof Action.Alert) {
      return "alert";
    }
    return "wait";
  }

  /**
   * A promotion is ordered. The first for a shard starts a failover (detection latency, event);
   * a later one means the previous candidate did not take over within the verify deadline,
   * unless it is the same candidate's FORCE escalated to a TAKEOVER.
   */
  private void started(Action.Promote promote, Instant now) {
    InProgress running = inProgress.get(promote.shard());
    if (running != null) {
      if (promote.escalated()) {
        return;
      }
      if (!running.attemptFailed()) {
        metrics.failover(running.kind(), false);
        event(ClusterEvent.Kind.FAILOVER_FAILED, ClusterEvent.Severity.CRITICAL, running, "failover of shard "
            + promote.shard() + ": the previous candidate did not take over in time; trying " + promote.announced());
      }
      inProgress.put(promote.shard(), running.nextAttempt(false));
      return;
    }
    Optional<NodeView> failed = view.get().nodes().values().stream()
        .filter(n -> n.announced().equals(promote.failedPrimary())).findFirst();
    failed.ifPresent(n -> metrics.detection(Duration.between(n.failingSince().orElse(n.lastStateAt()), now)));
    InProgress begun = new InProgress(now, promote.cause(), promote.failedPrimary(),
        failed.map(NodeView::region).orElse(""), false);
    inProgress.put(promote.shard(), begun);
    event(ClusterEvent.Kind.FAILOVER_STARTED, ClusterEvent.Severity.CRITICAL, begun, "failover of shard "
        + promote.shard() + " started: promoting " + promote.announced() + " (" + promote.mode().name() + ") in place of "
        + promote.failedPrimary() + " (" + promote.cause() + ")");
  }

  private void recovered(Action.Recovered recovered, Instant now) {
    InProgress done = inProgress.remove(recovered.shard());
    if (done == null) {
      return;
    }
    metrics.failover(done.kind(), true);
    metrics.duration(Duration.between(done.startedAt(), now));
    event(ClusterEvent.Kind.FAILOVER_SUCCEEDED, ClusterEvent.Severity.WARNING, done, "failover of shard "
        + recovered.shard() + " finished: " + recovered.announced() + " serves it as primary after "
        + Duration.between(done.startedAt(), now).toMillis() + " ms");
  }

  private void event(ClusterEvent.Kind kind, ClusterEvent.Severity severity, InProgress failover, String summary) {
    events.accept(new ClusterEvent(coordinatorId, kind, severity,
        failover.region().isEmpty() ? Optional.empty() : Optional.of(failover.region()),
        Optional.of(failover.failedPrimary()), summary, clock.millis()));
  }

  /**
   * True while the last cycle saw a shard in trouble (a primary failed, unreachable or silent) or a
   * promotion in progress: the rebalancer keeps still meanwhile.
   */
  public boolean failingOver() {
    return failingOver;
  }

  /** Maintenance mode, as read from the CP subsystem: decisions are still made and explained, nothing is done. */
  public void paused(boolean on) {
    if (memory.paused() != on) {
      memory = memory.paused(on);
      LOG.atWarn().addKeyValue("paused", on).log(on ? "maintenance mode is on: observing only, no failover"
          : "maintenance mode is off: acting on failures again");
    }
  }

  /** An operator acknowledged a shard's anti-flapping block; false when there was none. */
  public boolean acknowledge(String shard, long term) {
    if (!memory.lastFailover().containsKey(shard)) {
      return false;
    }
    memory = memory.acknowledged(shard);
    history.add(new History.Entry(clock.instant(), term, shard, "operator",
        "operator acknowledged the last failover of shard " + shard + ": another automatic failover is allowed",
        Optional.empty()));
    return true;
  }

  /** Forget promotions in progress when leadership is lost: a successor decides afresh. */
  public void reset() {
    memory = FailoverMemory.empty().paused(memory.paused());
    lastReason.clear();
    inProgress.clear();
    metrics.blocked(List.of());
  }

  private void promote(Action.Promote promote, String reason) {
    Command.Kind kind = promote.mode() == Action.Mode.FORCE ? Command.Kind.FAILOVER_FORCE : Command.Kind.FAILOVER_TAKEOVER;
    String id = UUID.randomUUID().toString();
    sender.send(promote.agent(), promote.node(), kind, Map.of(), reason, id, settings.verifyDeadline())
        .onComplete(ar -> {
          String outcome = CommandSender.describe(ar);
          String result = CommandSender.resultTag(ar);
          metrics.command(promote.mode().name().toLowerCase(Locale.ROOT), result);
          boolean executed = result.equals("executed");
          metrics.action("promote", executed ? "executed" : "failed");
          InProgress running = inProgress.get(promote.shard());
          if (!executed && running != null && !running.attemptFailed()) {
            // The next cycle orders the next candidate once the verify deadline passes.
            inProgress.put(promote.shard(), running.nextAttempt(true));
            metrics.failover(running.kind(), false);
            event(ClusterEvent.Kind.FAILOVER_FAILED, ClusterEvent.Severity.CRITICAL, running, "failover of shard "
                + promote.shard() + ": promotion of " + promote.announced() + " " + outcome);
          }
          LOG.atInfo().addKeyValue("shard", promote.shard()).addKeyValue("node", promote.node())
              .log("{} of {} for shard {}: {}", kind, promote.announced(), promote.shard(), outcome);
          history.add(new History.Entry(clock.instant(), sender.term(), promote.shard(), "command",
              kind + " on " + promote.announced() + ": " + outcome, Optional.of(id)));
        });
  }
}
