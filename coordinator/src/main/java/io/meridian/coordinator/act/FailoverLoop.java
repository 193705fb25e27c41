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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
  private final Optional<ClusterSpec> spec;
  private final FailoverPlanner.Settings settings;
  private final History history;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, String> lastReason = new HashMap<>();
  private final CommandSender sender;
  private FailoverMemory memory = FailoverMemory.empty();
  private boolean failingOver;

  public FailoverLoop(Vertx vertx, String coordinatorId, LeaderElection election, Supplier<ClusterView> view,
      Supplier<Observations> observations, Optional<ClusterSpec> spec, FailoverPlanner.Settings settings, History history, MeterRegistry registry,
      Clock clock) {
    this.vertx = vertx;
    this.coordinatorId = coordinatorId;
    this.election = election;
    this.view = view;
    this.observations = observations;
    this.spec = spec;
    this.settings = settings;
    this.history = history;
    this.registry = registry;
    this.clock = clock;
    this.sender = new CommandSender(vertx, coordinatorId, election, clock);
  }

  /** One reconcile cycle; call on the coordinator's context, only while leading. */
  public void cycle(long term) {
    Instant now = clock.instant();
    FailoverPlanner.Outcome outcome = FailoverPlanner.plan(view.get(), observations.get(), spec, memory, now, settings);
    memory = outcome.memory();
    failingOver = !memory.attempts().isEmpty() || outcome.decisions().stream()
        .anyMatch(d -> !(d.action() instanceof Action.Wait && d.reason().contains(" recovered: ")));
    for (Decision d : outcome.decisions()) {
      String shard = d.action().shard();
      if (!d.reason().equals(lastReason.put(shard, d.reason()))) {
        LOG.atInfo().addKeyValue("shard", shard).addKeyValue("term", term).log(d.reason());
        history.add(new History.Entry(now, term, shard, "decision", d.reason(), Optional.empty()));
      }
      if (d.action() instanceof Action.Promote promote) {
        promote(promote, d.reason());
      }
    }
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
  }

  private void promote(Action.Promote promote, String reason) {
    Command.Kind kind = promote.mode() == Action.Mode.FORCE ? Command.Kind.FAILOVER_FORCE : Command.Kind.FAILOVER_TAKEOVER;
    String id = UUID.randomUUID().toString();
    sender.send(promote.agent(), promote.node(), kind, Map.of(), reason, id, settings.verifyDeadline())
        .onComplete(ar -> {
          String outcome = CommandSender.describe(ar);
          Counter.builder("meridian_failovers")
              .description("Promotions ordered by the leader, by mode and outcome")
              .tag("mode", promote.mode().name().toLowerCase(Locale.ROOT))
              .tag("result", CommandSender.resultTag(ar))
              .register(registry).increment();
          LOG.atInfo().addKeyValue("shard", promote.shard()).addKeyValue("node", promote.node())
              .log("{} of {} for shard {}: {}", kind, promote.announced(), promote.shard(), outcome);
          history.add(new History.Entry(clock.instant(), sender.term(), promote.shard(), "command",
              kind + " on " + promote.announced() + ": " + outcome, Optional.of(id)));
        });
  }
}
