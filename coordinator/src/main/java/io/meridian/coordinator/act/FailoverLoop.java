package io.meridian.coordinator.act;

import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.decide.Action;
import io.meridian.coordinator.decide.Decision;
import io.meridian.coordinator.decide.FailoverMemory;
import io.meridian.coordinator.decide.FailoverPlanner;
import io.meridian.coordinator.leadership.LeaderElection;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.Observations;
import io.meridian.messages.Command;
import io.meridian.coordinator.metrics.FailoverMetrics;
import io.meridian.coordinator.state.TermRegister;
import io.meridian.messages.ClusterEvent;
import java.time.Duration;
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
public final class FailoverLoop implements LeaderWork {

  private static final Logger LOG = LoggerFactory.getLogger(FailoverLoop.class);

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
  private final ChangedReasons changedReasons = new ChangedReasons();
  /** Nodes with a hold or release on its way: the next cycle does not send another meanwhile. */
  private final java.util.Set<String> holdsInFlight = new java.util.HashSet<>();
  /**
   * Promotions this coordinator never sent because it lost the lead first, by shard. Kept across a
   * reset: when it leads again (a cut can force a new election in the lock's group and hand the lead
   * back at once) and the memory it reads still shows the same attempt in progress, the attempt is
   * marked not executed, so the next cycle promotes at once instead of after the verify deadline.
   */
  private final Map<String, FailoverMemory.Attempt> neverSent = new HashMap<>();
  /** The last failure of a hold or release per node, so that a retried failure is logged once. */
  private final Map<String, String> holdFailures = new HashMap<>();
  private final CommandSender sender;
  private final RecoveryBook recoveries;
  /** The memory in the CP group, handed from leader to leader. */
  private final KeptInCp<FailoverMemory> stored;
  private FailoverMemory memory = FailoverMemory.empty();
  private boolean failingOver;
  /**
   * How long the leader waits for an agent to hold (or release) a primary's writes: a hold is two
   * quick Redis calls, so no answer by then means the agent is cut off too.
   */
  static final Duration HOLD_TIMEOUT = Duration.ofSeconds(2);

  /**
   * @param events where failover events go (the notifier); called on this context, must not block
   */
  public FailoverLoop(Vertx vertx, String coordinatorId, LeaderElection election, CommandSender sender,
      Supplier<ClusterView> view,
      Supplier<Observations> observations, Supplier<Optional<ClusterSpec>> spec, FailoverPlanner.Settings settings, History history,
      FailoverMetrics metrics, Consumer<ClusterEvent> events, TermRegister<FailoverMemory> store, Clock clock) {
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
    this.stored = new KeptInCp<>(vertx, store, "the failover memory");
    this.recoveries = new RecoveryBook(coordinatorId, metrics, events, history, view, clock);
    this.sender = sender;
  }

  /**
   * One reconcile cycle; call on the coordinator's context, only while leading. Answers what it
   * decided, or why it decided nothing. A new leader first reads the memory its predecessor left in
   * the CP group (a few ms), so that it neither forgets the anti-flapping window nor retries a
   * candidate already tried; until then it does nothing.
   */
  public String cycle(long term) {
    if (!stored.claimed(term, left -> handover(term, left))) {
      failingOver = true;
      return "reading the failover memory from the CP group before deciding anything";
    }
    Instant now = clock.instant();
    FailoverPlanner.Outcome outcome = FailoverPlanner.plan(view.get(), observations.get(), spec.get(), memory, now, settings);
    memory = outcome.memory();
    // The rebalancer keeps still while any shard is in trouble or a promotion is under way.
    failingOver = !memory.attempts().isEmpty() || outcome.decisions().stream()
        .anyMatch(d -> !(d.action() instanceof Action.Recovered)
            && !(d.action() instanceof Action.Wait w && !w.trouble()));
    for (Decision d : changedReasons.news(outcome.decisions())) {
      String shard = d.action().shard();
      // An alert is something an operator must look at; the rest is the loop explaining itself.
      (d.action() instanceof Action.Alert ? LOG.atWarn() : LOG.atInfo())
          .addKeyValue("shard", shard).addKeyValue("term", term).log(d.reason());
      history.add(new History.Entry(now, term, shard, "decision", d.reason(), Optional.empty()));
      metrics.action(d.action().name(), "planned");
    }
    for (Decision d : outcome.decisions()) {
      if (d.action() instanceof Action.Promote promote) {
        memory = recoveries.started(memory, promote, d.reason(), term, now);
        promote(promote, d.reason());
      } else if (d.action() instanceof Action.Recovered recovered) {
        memory = recoveries.recovered(memory, recovered, term, now);
      } else if (d.action() instanceof Action.Hold hold) {
        holdCommand(hold.shard(), hold.agent(), hold.node(), hold.announced(), Command.Kind.HOLD_WRITES, d.reason());
      } else if (d.action() instanceof Action.Release release) {
        holdCommand(release.shard(), release.agent(), release.node(), release.announced(), Command.Kind.RESUME_WRITES,
            d.reason());
      }
    }
    metrics.failbackHeld(memory.failbackHeld(now, settings.antiFlapping()).values().stream()
        .map(FailoverMemory.Failure::shard).distinct().toList());
    stored.save(memory.paused(false), term);
    if (outcome.decisions().isEmpty()) {
      return "nothing to do: no shard is in trouble and no promotion is under way";
    }
    java.util.Map<String, Long> byAction = new java.util.TreeMap<>();
    outcome.decisions().forEach(d -> byAction.merge(d.action().name(), 1L, Long::sum));
    return outcome.decisions().size() + " decision(s) (" + byAction.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", ")) + ")"
        + (memory.paused() ? "; maintenance mode is on: the leader observes only" : "");
  }

  /**
   * The previous leader's memory, read once per term: a promotion this coordinator never sent
   * before it lost the lead is marked not executed, so that it is tried again at once.
   */
  private void handover(long term, Optional<FailoverMemory> left) {
    FailoverMemory previous = left.orElse(FailoverMemory.empty());
    memory = previous.paused(memory.paused());
    neverSent.forEach((shard, attempt) -> {
      if (previous.attempt(shard).filter(attempt::equals).isPresent()) {
        memory = memory.notExecuted(shard, attempt.candidate(), false);
        LOG.atInfo().addKeyValue("shard", shard).addKeyValue("term", term).log("the promotion of {} for shard {} "
            + "in that memory was never sent (this coordinator lost the lead before): trying again now",
            attempt.candidate(), shard);
      }
    });
    neverSent.clear();
    LOG.atInfo().addKeyValue("term", term).log(left.isEmpty() ? "no failover memory from a previous leader: "
        + "starting afresh" : "continuing from the previous leader's failover memory: " + previous.attempts().size()
        + " promotion(s) in progress, " + previous.recentFailures().size() + " failover(s) within the anti-flapping "
        + "window, " + previous.returning().size() + " replaced primary(ies) expected back, "
        + previous.recoveries().size() + " recovery(ies) under way");
    // A new leader usually takes over in the middle of trouble: act now, not at the next tick.
    if (election.term().orElse(-1) == term) {
      cycle(term);
    }
  }

  /**
   * Announced addresses of primaries replaced within the anti-flapping window, each with its
   * failure: the rebalancer does not fail back to them on its own.
   */
  public Map<String, Instant> failbackHeld() {
    Map<String, Instant> held = new java.util.HashMap<>();
    memory.failbackHeld(clock.instant(), settings.antiFlapping()).forEach((node, f) -> held.put(node, f.at()));
    return held;
  }

  /** The id of a command for the shard's recovery (or a random one), counted as sent. */
  private String commandId(String shard, Command.Kind kind) {
    RecoveryBook.Id id = recoveries.commandId(memory, shard, kind, sender.term());
    memory = id.memory();
    return id.id();
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

  /**
   * An operator acknowledged a shard's recent failover: its replaced primary may be failed back to
   * (and promoted) again at once. False when the shard had none within the window.
   */
  public boolean acknowledge(String shard, long term) {
    if (!memory.hasRecentFailure(shard, clock.instant(), settings.antiFlapping())) {
      return false;
    }
    memory = memory.acknowledged(shard);
    history.add(new History.Entry(clock.instant(), term, shard, "operator",
        "operator acknowledged the last failover of shard " + shard + ": failback to its old primary is allowed "
        + "again", Optional.empty()));
    return true;
  }

  /**
   * Leadership is lost: forget everything, the successor continues from the memory in the CP group
   * (and so does this coordinator if it leads again).
   */
  @Override
  public void leadershipLost() {
    memory = FailoverMemory.empty().paused(memory.paused());
    stored.reset();
    changedReasons.clear();
    holdsInFlight.clear();
    holdFailures.clear();
    metrics.failbackHeld(List.of());
  }

  /**
   * The promotion of a primary whose agent still reaches it follows that agent's answer that its
   * writes are held: otherwise both sides could acknowledge writes. No hold, no promotion: the
   * next cycle tries again (the same candidate, not counted as tried).
   */
  private void promote(Action.Promote promote, String reason) {
    if (promote.holdFirst().isEmpty()) {
      sendPromotion(promote, reason);
      return;
    }
    String agent = promote.holdFirst().get();
    String id = commandId(promote.shard(), Command.Kind.HOLD_WRITES);
    sender.send(agent, promote.failedNode(), Command.Kind.HOLD_WRITES, Map.of(), reason, id, HOLD_TIMEOUT)
        .onComplete(ar -> {
          String outcome = CommandSender.describe(ar);
          boolean held = ar.succeeded() && ar.result().outcome() == io.meridian.messages.CommandResult.Outcome.EXECUTED;
          metrics.command("hold_writes", CommandSender.resultTag(ar));
          memory = recoveries.step(memory, promote.shard(), Command.Kind.HOLD_WRITES, promote.failedPrimary(), outcome,
              id, sender.term());
          history.add(new History.Entry(clock.instant(), sender.term(), promote.shard(), "command",
              "HOLD_WRITES on " + promote.failedPrimary() + " (before promoting " + promote.announced() + "): "
              + outcome, Optional.of(id)));
          if (held) {
            LOG.atInfo().addKeyValue("shard", promote.shard()).addKeyValue("node", promote.failedNode())
                .log("writes of old primary {} are held by agent {}: promoting {} for shard {}",
                    promote.failedPrimary(), agent, promote.announced(), promote.shard());
            sendPromotion(promote, reason);
            return;
          }
          LOG.atWarn().addKeyValue("shard", promote.shard()).addKeyValue("node", promote.failedNode())
              .log("not promoting {} for shard {}: agent {} could not hold the writes of old primary {} first ({}); "
                  + "trying again", promote.announced(), promote.shard(), agent, promote.failedPrimary(), outcome);
          memory = memory.notExecuted(promote.shard(), promote.node(), false);
        });
  }

  /** A hold on a replaced primary, or its release; one at a time per node. */
  private void holdCommand(String shard, String agent, String node, String announced, Command.Kind kind,
      String reason) {
    if (!holdsInFlight.add(node)) {
      return;
    }
    String id = UUID.randomUUID().toString();
    sender.send(agent, node, kind, Map.of(), reason, id, HOLD_TIMEOUT).onComplete(ar -> {
      holdsInFlight.remove(node);
      String outcome = CommandSender.describe(ar);
      metrics.command(kind.name().toLowerCase(Locale.ROOT), CommandSender.resultTag(ar));
      if (ar.failed() && ar.cause() instanceof CommandSender.NotSent) {
        // As for a promotion: nothing was sent, and the history is the leader's to write.
        LOG.atInfo().addKeyValue("shard", shard).addKeyValue("node", node)
            .log("{} on {} for shard {} not sent: {}", kind, announced, shard, ar.cause().getMessage());
        return;
      }
      boolean executed = ar.succeeded() && ar.result().outcome() == io.meridian.messages.CommandResult.Outcome.EXECUTED;
      // Retried every cycle while its agent cannot be reached (a region joining again): said once.
      if (!executed && outcome.equals(holdFailures.put(node, outcome))) {
        return;
      }
      if (executed) {
        holdFailures.remove(node);
      }
      (executed ? LOG.atInfo() : LOG.atWarn()).addKeyValue("shard", shard).addKeyValue("node", node)
          .log("{} on {} for shard {}: {}", kind, announced, shard, outcome);
      history.add(new History.Entry(clock.instant(), sender.term(), shard, "command", kind + " on " + announced + ": "
          + outcome, Optional.of(id)));
    });
  }

  private void sendPromotion(Action.Promote promote, String reason) {
    Command.Kind kind = promote.mode() == Action.Mode.FORCE ? Command.Kind.FAILOVER_FORCE : Command.Kind.FAILOVER_TAKEOVER;
    String id = commandId(promote.shard(), kind);
    Optional<FailoverMemory.Attempt> attempt = memory.attempt(promote.shard());
    sender.send(promote.agent(), promote.node(), kind, Map.of(), reason, id, settings.verifyDeadline())
        .onComplete(ar -> {
          String outcome = CommandSender.describe(ar);
          String result = CommandSender.resultTag(ar);
          metrics.command(promote.mode().name().toLowerCase(Locale.ROOT), result);
          boolean executed = result.equals("executed");
          metrics.action("promote", executed ? "executed" : "failed");
          // Refused, or never sent: the next cycle tries again at once (no answer at all may still
          // mean a promotion under way, and waits out the verify deadline).
          boolean notSent = ar.failed() && ar.cause() instanceof CommandSender.NotSent;
          if (notSent || ar.succeeded() && !executed) {
            memory = memory.notExecuted(promote.shard(), promote.node(), !notSent);
          }
          if (notSent) {
            attempt.ifPresent(a -> neverSent.put(promote.shard(), a));
            // Nothing reached an agent, and this coordinator may no longer lead: the shared history,
            // the recovery and the operators' events are the leader's to write (an ex-leader woken
            // from a pause wrote "not executed" there, and raised a false FAILOVER_FAILED).
            LOG.atInfo().addKeyValue("shard", promote.shard()).addKeyValue("node", promote.node())
                .log("{} of {} for shard {} not sent: {}; nothing recorded", kind, promote.announced(),
                    promote.shard(), ar.cause().getMessage());
            return;
          }
          memory = recoveries.step(memory, promote.shard(), kind, promote.announced(), outcome, id, sender.term());
          if (!executed) {
            // The next cycle orders the next candidate once the verify deadline passes.
            memory = recoveries.promotionFailed(memory, promote, outcome);
          }
          LOG.atInfo().addKeyValue("shard", promote.shard()).addKeyValue("node", promote.node())
              .log("{} of {} for shard {}: {}", kind, promote.announced(), promote.shard(), outcome);
          history.add(new History.Entry(clock.instant(), sender.term(), promote.shard(), "command",
              kind + " on " + promote.announced() + ": " + outcome, Optional.of(id)));
        });
  }
}
