package io.meridian.coordinator.rebalance;

import io.meridian.coordinator.placement.NodeRole;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reconcile loop's decisions around the planner: which steps in flight completed or timed
 * out, and whether a planned step may start now (not paused, no failover in progress, the rate
 * limit, failback allowed). Pure: the same memory, snapshot, plan, gates and time give the same
 * outcome.
 */
public final class RebalanceCycle {

  /**
   * @param automaticFailback failbacks start on their own; otherwise only while an operator's approval lasts
   * @param actionInterval    at least this long between two starts
   * @param actionTimeout     a step not seen done after this long counts as failed
   */
  public record Settings(boolean automaticFailback, Duration actionInterval, Duration actionTimeout) {
  }

  /** A step started at {@code startedAt} and not seen done yet. */
  public record InFlight(Step step, Instant startedAt) {
  }

  /**
   * What the loop remembers between cycles. Immutable.
   *
   * @param failbackApprovedUntil an operator asked for failbacks (with {@code failback: manual}) until then
   * @param failbackHeld          shards an operator switched over: no failback of them until then
   */
  public record Memory(List<InFlight> inFlight, Optional<Instant> lastStart, Optional<Instant> failbackApprovedUntil,
      Map<String, Instant> failbackHeld) {
    public Memory {
      inFlight = List.copyOf(inFlight);
      failbackHeld = Map.copyOf(failbackHeld);
    }

    public static Memory empty() {
      return new Memory(List.of(), Optional.empty(), Optional.empty(), Map.of());
    }

    /**
     * An operator's switchover started: it is in flight like any step, and the rebalancer does not
     * move the shard's primary back before {@code holdUntil}.
     */
    public Memory switchedOver(Step step, Instant now, Instant holdUntil) {
      List<InFlight> all = new ArrayList<>(inFlight);
      all.add(new InFlight(step, now));
      Map<String, Instant> held = new HashMap<>(failbackHeld);
      step.shards().forEach(shard -> held.put(shard, holdUntil));
      return new Memory(all, lastStart, failbackApprovedUntil, held);
    }

    /** Shards an operator switched over whose primary must stay put at {@code now}. */
    public Set<String> pinned(Instant now) {
      Set<String> pinned = new HashSet<>();
      failbackHeld.forEach((shard, until) -> {
        if (now.isBefore(until)) {
          pinned.add(shard);
        }
      });
      return pinned;
    }

    boolean held(Step step, Instant now) {
      return step.shards().stream().anyMatch(shard -> Optional.ofNullable(failbackHeld.get(shard))
          .map(now::isBefore).orElse(false));
    }

    /** Shards with a step in flight: the planner leaves them alone. */
    public Set<String> busyShards() {
      Set<String> busy = new HashSet<>();
      inFlight.forEach(f -> busy.addAll(f.step().shards()));
      return busy;
    }

    /** The step is no longer in flight (its command was not executed). */
    public Memory without(Step step) {
      return new Memory(inFlight.stream().filter(f -> !f.step().equals(step)).toList(), lastStart,
          failbackApprovedUntil, failbackHeld);
    }

    public Memory approved(Instant until) {
      return new Memory(inFlight, lastStart, Optional.of(until), failbackHeld);
    }

    /** What an operator asked that a successor must keep (see {@link Holds}). */
    public Holds holds() {
      return new Holds(failbackApprovedUntil, failbackHeld);
    }

    /** This memory with the holds a previous leader left. */
    public Memory withHolds(Holds holds) {
      return new Memory(inFlight, lastStart, holds.failbackApprovedUntil(), holds.failbackHeld());
    }
  }

  /**
   * What an operator asked of the rebalancer that outlives a change of leader: failbacks approved
   * until a time ({@code meridian rebalance} with {@code failback: manual}), and shards switched
   * over whose primary stays put until a time. Steps in flight are not kept: a successor plans
   * afresh from what it sees.
   */
  public record Holds(Optional<Instant> failbackApprovedUntil, Map<String, Instant> failbackHeld) {
    public Holds {
      failbackHeld = Map.copyOf(failbackHeld);
    }

    public static Holds none() {
      return new Holds(Optional.empty(), Map.of());
    }

    /** Both holds together: the later end of each. */
    public Holds merge(Holds other) {
      Map<String, Instant> held = new HashMap<>(failbackHeld);
      other.failbackHeld().forEach((shard, until) -> held.merge(shard, until, (a, b) -> a.isAfter(b) ? a : b));
      Optional<Instant> approved = failbackApprovedUntil.isEmpty() ? other.failbackApprovedUntil()
          : other.failbackApprovedUntil().filter(o -> o.isAfter(failbackApprovedUntil.get())).or(() -> failbackApprovedUntil);
      return new Holds(approved, held);
    }

    /** Without what ended at or before {@code now}. */
    public Holds current(Instant now) {
      Map<String, Instant> held = new HashMap<>();
      failbackHeld.forEach((shard, until) -> {
        if (now.isBefore(until)) {
          held.put(shard, until);
        }
      });
      return new Holds(failbackApprovedUntil.filter(now::isBefore), held);
    }
  }

  /**
   * Why nothing starts, when a step was planned.
   *
   * @param flapping announced address of each primary replaced by a failover within the
   *                 anti-flapping window → when: no automatic failback to it
   */
  public record Gates(boolean paused, boolean failingOver, Map<String, Instant> flapping) {
    public Gates {
      flapping = Map.copyOf(flapping);
    }

    public Gates(boolean paused, boolean failingOver) {
      this(paused, failingOver, Map.of());
    }

    /** A failback to a primary that failed within the window would be Meridian's own back-and-forth. */
    Optional<Instant> flaps(Step step) {
      return step.kind() == Step.Kind.FAILBACK ? Optional.ofNullable(flapping.get(step.move().node())) : Optional.empty();
    }
  }

  /**
   * @param start    the step to start now, if any (at most one per cycle)
   * @param events   completions and time-outs of steps in flight, one sentence each
   * @param holdBack why the planned steps do not start now (empty when one starts or none is planned)
   * @param spacing  true when what holds them back is only the spacing between steps
   *                 ({@code actionInterval}): routine, not worth a log line each cycle
   */
  public record Outcome(Optional<Step> start, List<String> events, Optional<String> holdBack, boolean spacing,
      Memory memory) {
    public Outcome {
      events = List.copyOf(events);
    }
  }

  /** Something that happened to a step in flight, for the history. */
  public record Event(String shard, String text) {
  }

  /** The steps in flight that completed (seen in the snapshot) or timed out leave the memory. */
  public record Settled(Memory memory, List<Event> events) {
    public Settled {
      events = List.copyOf(events);
    }
  }

  private RebalanceCycle() {
  }

  public static Settled settle(Memory memory, Snapshot snapshot, Instant now, Settings settings) {
    List<InFlight> still = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    for (InFlight f : memory.inFlight()) {
      Duration age = Duration.between(f.startedAt(), now);
      if (done(f.step().move(), snapshot)) {
        events.add(new Event(f.step().shard(), "done in " + age.toMillis() + " ms: " + describe(f.step().move())));
      } else if (age.compareTo(settings.actionTimeout()) > 0) {
        events.add(new Event(f.step().shard(), "not seen done after " + settings.actionTimeout().toSeconds()
            + " s, giving up on it: " + describe(f.step().move())));
      } else {
        still.add(f);
      }
    }
    return new Settled(new Memory(still, memory.lastStart(), memory.failbackApprovedUntil(), memory.failbackHeld()),
        events);
  }

  public static Outcome next(RebalancePlan plan, Memory memory, Gates gates, Instant now, Settings settings) {
    if (plan.steps().isEmpty()) {
      return new Outcome(Optional.empty(), List.of(), Optional.empty(), false, memory);
    }
    String first = plan.steps().get(0).reason();
    if (gates.paused()) {
      return hold(memory, "PAUSE: no rebalancing while maintenance mode is on; would " + first);
    }
    if (gates.failingOver()) {
      return hold(memory, "no rebalancing while a failover is in progress; then " + first);
    }
    if (memory.lastStart().isPresent()
        && Duration.between(memory.lastStart().get(), now).compareTo(settings.actionInterval()) < 0) {
      return new Outcome(Optional.empty(), List.of(), Optional.of("rate limit: the last step started less than "
          + settings.actionInterval().toMillis() + " ms ago"), true, memory);
    }
    boolean failbackAllowed = settings.automaticFailback()
        || memory.failbackApprovedUntil().map(until -> now.isBefore(until)).orElse(false);
    Optional<Step> step = plan.steps().stream()
        .filter(s -> s.kind() == Step.Kind.REPLICA
            || failbackAllowed && !memory.held(s, now) && gates.flaps(s).isEmpty()).findFirst();
    if (step.isEmpty()) {
      Step held = plan.steps().get(0);
      // Without the step's reason, whose live lag figures would make the hold look new every second.
      Optional<Instant> flapped = gates.flaps(held);
      return hold(memory, memory.held(held, now)
          ? "shard " + held.shard() + " was switched over by an operator: not moving its primary back until "
              + memory.failbackHeld().get(held.shard()) + "; then " + first
          : flapped.isPresent()
          ? "anti-flapping: " + held.move().node() + " was replaced as the primary of shard " + held.shard() + " at "
              + flapped.get() + ", within leadership.antiFlapping: no automatic failback to it before the window ends "
              + "('meridian acknowledge --shard " + held.shard() + "' allows it now)"
          : "failback is manual (rebalance.failback: manual): waiting for an operator's 'meridian rebalance' to "
              + first);
    }
    List<InFlight> inFlight = new ArrayList<>(memory.inFlight());
    inFlight.add(new InFlight(step.get(), now));
    return new Outcome(step, List.of(), Optional.empty(), false,
        new Memory(inFlight, Optional.of(now), memory.failbackApprovedUntil(), memory.failbackHeld()));
  }

  private static Outcome hold(Memory memory, String reason) {
    return new Outcome(Optional.empty(), List.of(), Optional.of(reason), false, memory);
  }

  /** The move shows in the snapshot: the node follows its new primary, or the replica owns the shard's slots. */
  static boolean done(Move move, Snapshot snapshot) {
    NodeRole role = snapshot.topology().nodes().get(move.node());
    if (role == null) {
      return false;
    }
    if (move instanceof Move.Replicate r) {
      return role.primaryOf().filter(r.to()::equals).isPresent();
    }
    return role.isPrimary() && role.slots() > 0;
  }

  /** One line for the history: what the move does, in Redis's words. */
  public static String describe(Move move) {
    if (move instanceof Move.Replicate r) {
      return "CLUSTER REPLICATE on " + r.node() + " to follow " + r.to();
    }
    Move.Failover f = (Move.Failover) move;
    return "CLUSTER FAILOVER on " + f.node() + " to take over from " + f.primary();
  }
}
