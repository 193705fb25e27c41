package io.meridian.coordinator.act;

import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.decide.Action;
import io.meridian.coordinator.decide.FailoverMemory;
import io.meridian.coordinator.decide.Recovery;
import io.meridian.coordinator.metrics.FailoverMetrics;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeView;
import io.meridian.messages.ClusterEvent;
import io.meridian.messages.Command;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The bookkeeping of recoveries for the {@link FailoverLoop}: each step takes the failover memory
 * and returns it with the shard's {@link Recovery} moved on, and says so where an operator looks
 * (events, metrics, the history). On the coordinator's context.
 */
final class RecoveryBook {

  /** A command id, and the memory that counts the command as sent. */
  record Id(String id, FailoverMemory memory) {
  }

  private final String coordinatorId;
  private final FailoverMetrics metrics;
  private final Consumer<ClusterEvent> events;
  private final History history;
  private final Supplier<ClusterView> view;
  private final Clock clock;

  RecoveryBook(String coordinatorId, FailoverMetrics metrics, Consumer<ClusterEvent> events, History history,
      Supplier<ClusterView> view, Clock clock) {
    this.coordinatorId = coordinatorId;
    this.metrics = metrics;
    this.events = events;
    this.history = history;
    this.view = view;
    this.clock = clock;
  }

  /**
   * A promotion is ordered. The first for a shard starts a recovery (detection latency, event);
   * a later one means the previous candidate did not take over within the verify deadline,
   * unless it is the same candidate's FORCE escalated to a TAKEOVER.
   */
  FailoverMemory started(FailoverMemory memory, Action.Promote promote, String reason, long term, Instant now) {
    Optional<Recovery> running = memory.recovery(promote.shard());
    if (running.isPresent()) {
      if (promote.escalated()) {
        return memory;
      }
      if (!running.get().attemptFailed()) {
        metrics.failover(running.get().trigger(), false);
        event(ClusterEvent.Kind.FAILOVER_FAILED, ClusterEvent.Severity.CRITICAL, running.get(), "failover of shard "
            + promote.shard() + ": the previous candidate did not take over in time; trying " + promote.announced());
      }
      return memory.recovery(promote.shard(), Optional.of(running.get().attemptFailed(false)));
    }
    Optional<NodeView> failed = view.get().nodes().values().stream()
        .filter(n -> n.announced().equals(promote.failedPrimary())).findFirst();
    failed.ifPresent(n -> metrics.detection(Duration.between(n.failingSince().orElse(n.lastStateAt()), now)));
    Recovery begun = Recovery.start(promote.shard(), term, promote.cause(), reason, promote.failedPrimary(),
        failed.map(NodeView::region), now);
    event(ClusterEvent.Kind.FAILOVER_STARTED, ClusterEvent.Severity.CRITICAL, begun, "failover of shard "
        + promote.shard() + " started: promoting " + promote.announced() + " (" + promote.mode().name() + ") in place of "
        + promote.failedPrimary() + " (" + promote.cause() + "), recovery " + begun.id());
    return memory.recovery(promote.shard(), Optional.of(begun));
  }

  /** The shard is served again: its recovery ends, into the history, with its duration. */
  FailoverMemory recovered(FailoverMemory memory, Action.Recovered recovered, long term, Instant now) {
    Optional<Recovery> running = memory.recovery(recovered.shard());
    if (running.isEmpty()) {
      return memory;
    }
    long ms = running.get().duration(now).toMillis();
    Recovery ended = running.get().ended(new Recovery.Outcome(Recovery.Outcome.SUCCEEDED, now, "recovery "
        + running.get().id() + " of shard " + recovered.shard() + " succeeded: " + recovered.announced()
        + " serves it as primary after " + ms + " ms (" + running.get().sent() + " command(s) sent)"));
    metrics.failover(ended.trigger(), true);
    metrics.duration(ended.duration(now));
    history.add(History.Entry.of(ended, term));
    event(ClusterEvent.Kind.FAILOVER_SUCCEEDED, ClusterEvent.Severity.WARNING, ended, "failover of shard "
        + recovered.shard() + " finished: " + recovered.announced() + " serves it as primary after " + ms + " ms");
    return memory.recovery(recovered.shard(), Optional.empty());
  }

  /** A promotion came back not executed: the attempt's failure is counted once, with an event. */
  FailoverMemory promotionFailed(FailoverMemory memory, Action.Promote promote, String outcome) {
    Optional<Recovery> running = memory.recovery(promote.shard());
    if (running.isEmpty() || running.get().attemptFailed()) {
      return memory;
    }
    metrics.failover(running.get().trigger(), false);
    event(ClusterEvent.Kind.FAILOVER_FAILED, ClusterEvent.Severity.CRITICAL, running.get(), "failover of shard "
        + promote.shard() + ": promotion of " + promote.announced() + " " + outcome);
    return memory.recovery(promote.shard(), Optional.of(running.get().attemptFailed(true)));
  }

  /** Records a command of the shard's recovery, if it has one running (it may have ended meanwhile). */
  FailoverMemory step(FailoverMemory memory, String shard, Command.Kind kind, String target, String result,
      String id, long term) {
    return memory.recovery(shard, memory.recovery(shard).map(r -> r.step(new Recovery.Step(clock.instant(), term,
        kind.name(), target, result, id))));
  }

  /**
   * The id of a command for the shard's recovery ({@link Recovery#nextCommandId}), counted as sent;
   * a random one when the shard has none.
   */
  Id commandId(FailoverMemory memory, String shard, Command.Kind kind, long term) {
    Optional<Recovery> r = memory.recovery(shard);
    if (r.isEmpty()) {
      return new Id(UUID.randomUUID().toString(), memory);
    }
    return new Id(r.get().nextCommandId(term, kind.name()), memory.recovery(shard, Optional.of(r.get().commandSent())));
  }

  private void event(ClusterEvent.Kind kind, ClusterEvent.Severity severity, Recovery recovery, String summary) {
    events.accept(new ClusterEvent(coordinatorId, kind, severity, recovery.region(),
        Optional.of(recovery.failedPrimary()), summary, clock.millis()));
  }
}
