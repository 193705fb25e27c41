package io.meridian.coordinator.act;

import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.rebalance.Move;
import io.meridian.coordinator.rebalance.NodeFacts;
import io.meridian.coordinator.rebalance.RebalanceCycle;
import io.meridian.coordinator.rebalance.RebalancePlan;
import io.meridian.coordinator.rebalance.RebalancePlanner;
import io.meridian.coordinator.rebalance.Snapshot;
import io.meridian.coordinator.rebalance.Step;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.messages.Command;
import io.meridian.messages.CommandResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's reconcile loop for the layout: each cycle settles the steps in flight, asks the
 * pure planner for the next steps, lets {@link RebalanceCycle} decide whether one starts, and
 * sends it fenced. Holds no decisions. Runs on the coordinator's context only.
 */
public final class RebalanceLoop implements LeaderWork {

  private static final Logger LOG = LoggerFactory.getLogger(RebalanceLoop.class);
  /** A failover command waits on the agent until the replica is primary; give it room. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);

  private final CommandSender sender;
  private final Supplier<Snapshot> snapshot;
  /** The spec in force: a reload may add or remove nodes. */
  private final Supplier<ClusterSpec> spec;
  private final RebalancePlanner.Settings plannerSettings;
  private final RebalanceCycle.Settings cycleSettings;
  private final History history;
  private final MeterRegistry registry;
  private final Clock clock;
  private RebalanceCycle.Memory memory = RebalanceCycle.Memory.empty();
  private String lastHoldBack = "";
  /** The operator's holds (switchovers, approved failbacks), handed from leader to leader. */
  private final KeptInCp<RebalanceCycle.Holds> holds;

  public RebalanceLoop(io.vertx.core.Vertx vertx, CommandSender sender, Supplier<Snapshot> snapshot,
      Supplier<ClusterSpec> spec, RebalancePlanner.Settings plannerSettings, RebalanceCycle.Settings cycleSettings,
      History history, io.meridian.coordinator.state.TermRegister<RebalanceCycle.Holds> holdStore,
      MeterRegistry registry, Clock clock) {
    this.holds = new KeptInCp<>(vertx, holdStore, "the rebalancer's operator holds");
    this.sender = sender;
    this.snapshot = snapshot;
    this.spec = spec;
    this.plannerSettings = plannerSettings;
    this.cycleSettings = cycleSettings;
    this.history = history;
    this.registry = registry;
    this.clock = clock;
  }

  /**
   * One cycle; call on the coordinator's context, only while leading.
   *
   * @param flapping primaries replaced within the anti-flapping window (announced → when): no failback to them
   */
  public void cycle(long term, boolean paused, boolean failingOver, Map<String, Instant> flapping) {
    Instant now = clock.instant();
    // Not before the previous leader's holds are known: it may have pinned a shard an operator switched over.
    if (!holds.claimed(term, previous -> previous.ifPresent(
        p -> memory = memory.withHolds(memory.holds().merge(p.current(clock.instant())))))) {
      return;
    }
    Snapshot snap = snapshot.get();
    RebalanceCycle.Settled settled = RebalanceCycle.settle(memory, snap, now, cycleSettings);
    memory = settled.memory();
    for (RebalanceCycle.Event e : settled.events()) {
      LOG.atInfo().addKeyValue("shard", e.shard()).log("rebalance step for shard {} {}", e.shard(), e.text());
      history.add(new History.Entry(now, term, e.shard(), "rebalance", e.text(), Optional.empty()));
    }
    RebalancePlan plan = RebalancePlanner.plan(spec.get(), snap, plannerSettings, memory.busyShards(), memory.pinned(now));
    RebalanceCycle.Outcome outcome = RebalanceCycle.next(plan, memory, new RebalanceCycle.Gates(paused, failingOver, flapping),
        now, cycleSettings);
    memory = outcome.memory();
    String holdBack = outcome.spacing() ? "" : outcome.holdBack().orElse("");
    if (!holdBack.equals(lastHoldBack) && !holdBack.isEmpty()) {
      LOG.atInfo().addKeyValue("term", term).log(holdBack);
      history.add(new History.Entry(now, term, "-", "decision", holdBack, Optional.empty()));
    }
    lastHoldBack = holdBack;
    outcome.start().ifPresent(step -> execute(step, snap, term));
    holds.save(memory.holds().current(now), term);
  }

  /** An operator asked for failbacks ({@code failback: manual}): allowed until {@code until}. */
  public void approveFailback(Instant until, long term) {
    memory = memory.approved(until);
    holds.save(memory.holds().current(clock.instant()), term);
    history.add(new History.Entry(clock.instant(), term, "-", "operator",
        "operator asked for a rebalance: failbacks are allowed until " + until, Optional.empty()));
  }

  /** What an operator asked that holds now (switched-over shards, approved failbacks); for the API. */
  public RebalanceCycle.Holds holds() {
    return memory.holds().current(clock.instant());
  }

  /** Steps in flight, for the API. */
  public List<RebalanceCycle.InFlight> inFlight() {
    return memory.inFlight();
  }

  /** Forget steps in flight when leadership is lost: a successor plans afresh from what it sees. */
  @Override
  public void leadershipLost() {
    memory = RebalanceCycle.Memory.empty();
    lastHoldBack = "";
    holds.reset();
  }

  /** True while a step touching the shard is in flight. */
  public boolean busy(String shard) {
    return memory.busyShards().contains(shard);
  }

  /**
   * Carries out an operator's switchover now (the caller checked the gates): in flight like any
   * step, and no failback of the shard before {@code holdUntil}. The future holds the agent's answer.
   */
  public Future<CommandResult> switchover(Step step, Snapshot snap, long term, Instant holdUntil) {
    memory = memory.switchedOver(step, clock.instant(), holdUntil);
    holds.save(memory.holds().current(clock.instant()), term);
    return execute(step, snap, term);
  }

  private Future<CommandResult> execute(Step step, Snapshot snap, long term) {
    Move move = step.move();
    NodeFacts node = snap.facts().get(move.node());
    Command.Kind kind;
    Map<String, String> args;
    if (move instanceof Move.Replicate r) {
      kind = Command.Kind.REPLICATE;
      args = Map.of("primaryId", snap.facts().get(r.to()).nodeId());
    } else {
      kind = Command.Kind.FAILOVER;
      args = Map.of();
    }
    String id = UUID.randomUUID().toString();
    LOG.atInfo().addKeyValue("shard", step.shard()).addKeyValue("node", move.node()).log(step.reason());
    history.add(new History.Entry(clock.instant(), term, step.shard(), "decision", step.reason(), Optional.empty()));
    return sender.send(node.agent(), node.probeAddress(), kind, args, step.reason(), id, COMMAND_TIMEOUT).onComplete(ar -> {
      String outcome = CommandSender.describe(ar);
      boolean executed = ar.succeeded() && ar.result().outcome() == CommandResult.Outcome.EXECUTED;
      if (!executed) {
        memory = memory.without(step);
      }
      Counter.builder("meridian_rebalance_steps")
          .description("Steps the rebalancer ordered, by kind and outcome")
          .tag("kind", step.kind().name().toLowerCase(Locale.ROOT))
          .tag("result", CommandSender.resultTag(ar))
          .register(registry).increment();
      LOG.atInfo().addKeyValue("shard", step.shard()).addKeyValue("node", move.node())
          .log("{} on {} for shard {}: {}", kind, move.node(), step.shard(), outcome);
      history.add(new History.Entry(clock.instant(), sender.term(), step.shard(), "command",
          kind + " on " + move.node() + ": " + outcome, Optional.of(id)));
    });
  }
}
