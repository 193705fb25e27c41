package io.meridian.coordinator.decide;

import io.meridian.coordinator.spec.ClusterSpec;
import io.meridian.coordinator.spec.NodeSpec;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.NodeView;
import io.meridian.messages.RedisState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The failover decision core: analyses → decisions, plus the memory for the next cycle. Pure:
 * no clock, no I/O. Same view, spec, memory and time give the same decisions.
 */
public final class FailoverPlanner {

  /**
   * @param verifyDeadline how long a promotion may take to show up (the candidate reporting the
   *                       shard's slots as primary) before the next candidate is tried
   * @param antiFlapping   no second automatic failover of a shard within this window
   */
  public record Settings(Duration staleAfter, Duration verifyDeadline, Duration antiFlapping) {
  }

  /** Decisions of one cycle and the memory to carry into the next. */
  public record Outcome(List<Decision> decisions, FailoverMemory memory) {
  }

  private FailoverPlanner() {
  }

  public static Outcome plan(ClusterView view, Optional<ClusterSpec> spec, FailoverMemory memory, Instant now,
      Settings settings) {
    List<Decision> decisions = new ArrayList<>();
    FailoverMemory next = memory;
    // Promotions that took effect: the shard is served again.
    for (String shard : memory.attempts().keySet().stream().sorted().toList()) {
      List<String> slots = List.of(shard.split(","));
      Optional<NodeView> serving = Analyzer.servingNode(view, slots, now, settings.staleAfter());
      if (serving.isPresent() && serving.get().address().equals(memory.attempts().get(shard).candidate())) {
        next = next.recovered(shard, now);
        decisions.add(new Decision(new Action.Wait(shard), "shard " + shard + " recovered: "
            + serving.get().announced() + " now serves it as primary"));
      }
    }
    String pause = next.paused() ? "PAUSE: " : "";
    List<Analysis> analyses = Analyzer.analyze(view, now, settings.staleAfter());
    int primaries = primaryCount(view);
    // A silent agent is no evidence against its primary: only crash or timeout evidence counts.
    long reachable = primaries - analyses.stream()
        .filter(a -> a instanceof Analysis.DeadPrimary || a instanceof Analysis.UnreachablePrimary).count();
    for (Analysis a : analyses) {
      if (!a.actionable()) {
        decisions.add(new Decision(new Action.Alert(a.shard()), pause + a.description()));
        continue;
      }
      Analysis.DeadPrimary dead = (Analysis.DeadPrimary) a;
      if (next.paused()) {
        decisions.add(new Decision(new Action.Wait(dead.shard()), pause + "no action: " + dead.description()
            + "; maintenance mode is on"));
        continue;
      }
      Optional<Instant> last = Optional.ofNullable(next.lastFailover().get(dead.shard()));
      if (last.isPresent() && Duration.between(last.get(), now).compareTo(settings.antiFlapping()) < 0) {
        decisions.add(new Decision(new Action.Blocked(dead.shard(), last.get()), "blocked: " + dead.description()
            + "; the shard already failed over at " + last.get() + ", within the anti-flapping window of "
            + settings.antiFlapping().toMinutes() + " min; acknowledge to allow another"));
        continue;
      }
      Optional<FailoverMemory.Attempt> attempt = next.attempt(dead.shard());
      if (attempt.isPresent()
          && Duration.between(attempt.get().startedAt(), now).compareTo(settings.verifyDeadline()) < 0) {
        decisions.add(new Decision(new Action.Wait(dead.shard()), "promotion of " + attempt.get().candidate()
            + " for shard " + dead.shard() + " in progress since " + attempt.get().startedAt()));
        continue;
      }
      Set<String> tried = attempt.map(FailoverMemory.Attempt::tried).orElse(Set.of());
      List<NodeView> candidates = candidates(view, spec, dead, tried, now, settings.staleAfter());
      if (candidates.isEmpty()) {
        decisions.add(new Decision(new Action.Alert(dead.shard()), dead.description() + "; no replica can be promoted"
            + (tried.isEmpty() ? "" : " (already tried: " + String.join(", ", new LinkedHashSet<>(tried)) + ")")
            + ": every replica is down, stale, lagging its link, or tagged nofailover"));
        continue;
      }
      NodeView chosen = candidates.get(0);
      RedisState state = chosen.report().state().orElseThrow();
      Action.Mode mode = reachable * 2 > primaries ? Action.Mode.FORCE : Action.Mode.TAKEOVER;
      next = next.started(dead.shard(), chosen.address(), now);
      decisions.add(new Decision(new Action.Promote(dead.shard(), dead.announced(), chosen.address(), chosen.announced(),
          chosen.report().sender(), mode, state.replOffset()),
          "promote " + chosen.announced() + " (" + chosen.region() + ") for shard " + dead.shard() + ": "
              + dead.description() + "; it has the highest replication offset " + state.replOffset() + " of "
              + candidates.size() + " candidate(s); " + mode.name() + " because " + reachable + " of " + primaries
              + " primaries are reachable"));
    }
    return new Outcome(List.copyOf(decisions), next);
  }

  /** Distinct shards that had a primary, as the view last knew them. */
  static int primaryCount(ClusterView view) {
    Set<String> shards = new LinkedHashSet<>();
    for (NodeView n : view.nodes().values()) {
      n.lastState().filter(s -> s.role() == RedisState.Role.PRIMARY && s.slotCount() > 0)
          .ifPresent(s -> shards.add(Analyzer.shardOf(s)));
    }
    return shards.size();
  }

  /** Healthy replicas of the dead primary, best first: highest offset, then priority, then address. */
  static List<NodeView> candidates(ClusterView view, Optional<ClusterSpec> spec, Analysis.DeadPrimary dead,
      Set<String> tried, Instant now, Duration staleAfter) {
    return view.nodes().values().stream()
        .filter(n -> n.report().state().isPresent())
        .filter(n -> n.status(now, staleAfter) != NodeStatus.STALE)
        .filter(n -> n.report().state().get().role() == RedisState.Role.REPLICA)
        .filter(n -> n.report().state().get().primary().map(p -> p.equals(dead.announced())).orElse(false))
        .filter(n -> !tried.contains(n.address()))
        .filter(n -> spec.flatMap(s -> s.node(n.announced())).map(ns -> !ns.noFailover()).orElse(true))
        .sorted(Comparator.comparingLong((NodeView n) -> -n.report().state().get().replOffset())
            .thenComparing(n -> -spec.flatMap(s -> s.node(n.announced())).map(NodeSpec::priority)
                .orElse(NodeSpec.DEFAULT_PRIORITY))
            .thenComparing(NodeView::address))
        .toList();
  }
}
