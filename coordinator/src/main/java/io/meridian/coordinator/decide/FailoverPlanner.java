package io.meridian.coordinator.decide;

import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.NodeView;
import io.meridian.coordinator.view.Observations;
import io.meridian.messages.RedisState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
   * @param antiFlapping   for this long after a failover, its replaced primary is neither failed back
   *                       to nor promoted again while another replica can serve the shard
   * @param failureTimeout how long observers in a majority of regions must fail to reach a primary
   * @param fenceMargin    without crash evidence, a primary whose agent fences writes is replaced
   *                       only after that agent's fence delay plus this margin, if that is longer
   *                       than the failure timeout (clock and scheduling slack)
   * @param regions        every region of the cluster, in order
   */
  public record Settings(Duration staleAfter, Duration verifyDeadline, Duration antiFlapping, Duration failureTimeout,
      Duration fenceMargin, List<String> regions) {
    public Settings {
      regions = List.copyOf(regions);
    }
  }

  /** Decisions of one cycle and the memory to carry into the next. */
  public record Outcome(List<Decision> decisions, FailoverMemory memory) {
  }

  private FailoverPlanner() {
  }

  public static Outcome plan(ClusterView view, Observations observations, Optional<ClusterSpec> spec,
      FailoverMemory memory, Instant now, Settings settings) {
    List<Decision> decisions = new ArrayList<>();
    FailoverMemory next = memory;
    ServingPrimaries servingPrimaries = ServingPrimaries.of(view, now, settings.staleAfter());
    // Promotions that took effect: the shard is served again.
    for (String shard : memory.attempts().keySet().stream().sorted().toList()) {
      List<String> slots = ShardId.parse(shard).ranges();
      Optional<NodeView> serving = servingPrimaries.serving(slots);
      if (serving.isPresent() && serving.get().address().equals(memory.attempts().get(shard).candidate())) {
        next = next.recovered(shard, now);
        decisions.add(new Decision(new Action.Recovered(shard, serving.get().address(), serving.get().announced()),
            "shard " + shard + " recovered: "
            + serving.get().announced() + " now serves it as primary"));
      }
    }
    next = checkReturns(view, servingPrimaries, next, now, settings, decisions).expire(now, settings.antiFlapping());
    String pause = next.paused() ? "PAUSE: " : "";
    List<Analysis> analyses = Analyzer.analyze(view, servingPrimaries, observations, settings.regions(), now,
        settings.staleAfter(), settings.failureTimeout(), settings.fenceMargin());
    releases(view, servingPrimaries, next, analyses, now, settings, decisions);
    int primaries = primaryCount(view);
    // A silent agent is no evidence against its primary; observers in a majority of regions failing
    // to reach it right now are. When a region goes, its primaries turn silent first and pass the
    // failure timeout one by one, a few hundred ms apart: counted as reachable meanwhile, they made
    // the first promotion a FORCE that no majority could grant (the next try came 5 s later).
    long reachable = primaries - analyses.stream().filter(a -> !(a instanceof Analysis.NoProblem))
        .filter(a -> !(a instanceof Analysis.AgentSilent s) || unreachableNow(s, observations, now, settings))
        .count();
    Action.Mode mode = reachable * 2 > primaries ? Action.Mode.FORCE : Action.Mode.TAKEOVER;
    String modeReason = mode.name() + " because " + reachable + " of " + primaries + " primaries are reachable";
    Optional<String> preferredRegion = preferredRegion(view, spec, analyses, now, settings.staleAfter());
    // One branch per kind of analysis (FailoverPlannerTest.everyKindOfAnalysisReachesItsBranch).
    for (Analysis a : analyses) {
      if (a instanceof Analysis.NoProblem) {
        continue;
      }
      if (a instanceof Analysis.IsolatedPrimary isolated) {
        decisions.add(isolated.held() || next.paused()
            ? new Decision(new Action.Wait(a.shard()), pause + a.description() + "; its writes are held"
                + (isolated.held() ? "" : " once maintenance mode is off") + ", no promotion before the failure "
                + "timeout of " + settings.failureTimeout().toMillis() + " ms")
            : new Decision(new Action.Hold(a.shard(), isolated.node(), isolated.announced(), isolated.agent()),
                a.description() + "; its agent holds its writes now, no promotion before the failure timeout of "
                + settings.failureTimeout().toMillis() + " ms"));
        continue;
      }
      if (a instanceof Analysis.UnreachablePrimary || a instanceof Analysis.AgentSilent) {
        decisions.add(new Decision(new Action.Alert(a.shard()), pause + a.description()));
        continue;
      }
      if (!(a instanceof Analysis.Failure dead)) {
        throw new IllegalStateException("the failover planner has no branch for analysis kind " + a.kind());
      }
      if (next.paused()) {
        decisions.add(new Decision(new Action.Wait(dead.shard()), pause + "no action: " + dead.description()
            + "; maintenance mode is on"));
        continue;
      }
      Optional<FailoverMemory.Attempt> attempt = next.attempt(dead.shard());
      if (attempt.isPresent() && !attempt.get().over()
          && Duration.between(attempt.get().startedAt(), now).compareTo(settings.verifyDeadline()) < 0) {
        FailoverMemory.Attempt running = attempt.get();
        // Primaries that die together are seen failing one by one: a FORCE ordered while a majority
        // still looked alive can never gather its votes once it is known to be gone.
        Optional<NodeView> escalate = running.mode() == Action.Mode.FORCE && mode == Action.Mode.TAKEOVER
            ? candidates(view, spec, dead.announced(), Set.of(), now, settings.staleAfter(), Optional.empty()).stream()
                .filter(c -> c.address().equals(running.candidate())).findFirst()
            : Optional.empty();
        if (escalate.isPresent()) {
          next = next.started(dead.shard(), dead.node(), dead.announced(), running.candidate(), mode, now, false);
          decisions.add(new Decision(promote(dead, escalate.get(), mode, true), "promote " + escalate.get().announced()
              + " (" + escalate.get().region() + ") for shard " + dead.shard() + " again, by TAKEOVER: the FORCE "
              + "ordered at " + running.startedAt() + " needs the votes of a majority of primaries, and only "
              + reachable + " of " + primaries + " are reachable now; " + dead.description()));
          continue;
        }
        decisions.add(new Decision(new Action.Wait(dead.shard()), "promotion of " + running.candidate()
            + " for shard " + dead.shard() + " in progress since " + running.startedAt()));
        continue;
      }
      Set<String> tried = attempt.map(FailoverMemory.Attempt::tried).orElse(Set.of());
      List<NodeView> candidates = candidates(view, spec, dead.announced(), tried, now, settings.staleAfter(),
          preferredRegion);
      // Every candidate had its chance and none took over (e.g. primaries refused their votes):
      // the shard must not stay down while one can still be promoted, so the best is tried again.
      boolean newPass = candidates.isEmpty() && !tried.isEmpty();
      if (newPass) {
        candidates = candidates(view, spec, dead.announced(), Set.of(), now, settings.staleAfter(), preferredRegion);
      }
      if (candidates.isEmpty()) {
        decisions.add(new Decision(new Action.Alert(dead.shard()), dead.description() + "; no replica can be promoted"
            + (tried.isEmpty() ? "" : " (already tried: " + String.join(", ", new LinkedHashSet<>(tried)) + ")")
            + ": every replica is down, stale, lagging its link, or tagged nofailover"));
        continue;
      }
      // Anti-flapping steers the choice and never refuses it: a shard without a primary stops the
      // whole cluster (full coverage), so a replica that failed itself within the window is taken
      // only when no other can serve.
      FailoverMemory flaps = next;
      List<NodeView> steady = candidates.stream()
          .filter(c -> flaps.recentFailure(c.address(), now, settings.antiFlapping()).isEmpty()).toList();
      NodeView chosen = steady.isEmpty() ? candidates.get(0) : steady.get(0);
      String flapNote = steady.isEmpty()
          ? " (it failed itself as a primary at " + next.recentFailure(chosen.address(), now, settings.antiFlapping())
              .orElseThrow().at() + ", within the anti-flapping window of " + settings.antiFlapping().toMinutes()
              + " min, but no other replica can take the shard, and a shard without a primary stops the cluster)"
          : steady.size() < candidates.size() ? " (skipping " + (candidates.size() - steady.size())
              + " replica(s) that failed as a primary within the anti-flapping window)" : "";
      next = next.started(dead.shard(), dead.node(), dead.announced(), chosen.address(), mode, now, newPass);
      decisions.add(new Decision(promote(dead, chosen, mode, false),
          "promote " + chosen.announced() + " (" + chosen.region() + ") for shard " + dead.shard() + ": "
              + dead.description() + "; it has the highest replication offset "
              + chosen.report().state().orElseThrow().replOffset() + " of " + candidates.size() + " candidate(s)"
              + flapNote
              + (newPass ? " (each was tried once without taking over; trying again from the best)" : "")
              + "; " + modeReason));
    }
    return new Outcome(List.copyOf(decisions), next);
  }

  private static Action.Promote promote(Analysis.Failure dead, NodeView chosen, Action.Mode mode, boolean escalated) {
    return new Action.Promote(dead.shard(), dead.announced(), chosen.address(), chosen.announced(),
        chosen.report().sender(), mode, chosen.report().state().orElseThrow().replOffset(), dead.kind(), escalated,
        dead.holdBy(), dead.node());
  }

  /** Observers in a majority of regions fail to reach the silent agent's primary, for however long. */
  private static boolean unreachableNow(Analysis.AgentSilent silent, Observations observations, Instant now,
      Settings settings) {
    return observations.failingRegions(silent.announced(), now, settings.staleAfter(), Duration.ZERO).size() * 2
        > settings.regions().size();
  }

  /**
   * Replaced primaries that answer again must follow their shard's new primary (Redis makes them
   * replicas when they learn the higher epoch). One that does is forgotten with a note; one that
   * answers for longer than the verify deadline without doing so raises an alert, every cycle,
   * until it does.
   */
  private static FailoverMemory checkReturns(ClusterView view, ServingPrimaries servingPrimaries, FailoverMemory memory,
      Instant now, Settings settings, List<Decision> decisions) {
    FailoverMemory next = memory;
    for (Map.Entry<String, FailoverMemory.Returning> e : new java.util.TreeMap<>(memory.returning()).entrySet()) {
      String node = e.getKey();
      FailoverMemory.Returning r = e.getValue();
      NodeView n = view.nodes().get(node);
      NodeStatus status = n == null ? NodeStatus.STALE : n.status(now, settings.staleAfter());
      if (n == null || n.report().state().isEmpty() || (status != NodeStatus.HEALTHY && status != NodeStatus.DEGRADED)) {
        next = next.returning(node, Optional.of(new FailoverMemory.Returning(r.shard(), r.replacedBy(), Optional.empty())));
        continue;
      }
      RedisState state = n.report().state().get();
      List<String> slots = ShardId.parse(r.shard()).ranges();
      Optional<NodeView> serving = servingPrimaries.serving(slots);
      boolean follows = state.role() == RedisState.Role.REPLICA && serving.isPresent()
          && state.primary().map(p -> p.equals(serving.get().announced())).orElse(false);
      if (follows) {
        next = next.returning(node, Optional.empty());
        decisions.add(new Decision(new Action.Wait(r.shard(), false), "old primary " + n.announced() + " of shard "
            + r.shard() + " is back as a replica of " + serving.get().announced()));
        continue;
      }
      if (serving.isPresent() && serving.get().address().equals(node)) {
        // Redis gave the slots back to the old primary (its config epoch won): its replacement
        // follows it now, and holding it would stop the shard's writes.
        next = next.returning(node, Optional.empty());
        decisions.add(new Decision(new Action.Alert(r.shard()), "old primary " + n.announced() + " of shard "
            + r.shard() + " serves the shard again: Redis kept its slots when it came back, over "
            + r.replacedBy() + " promoted in its place; writes acknowledged by " + r.replacedBy()
            + " since its promotion may be lost (check the new primary's config epoch in CLUSTER NODES)"));
        continue;
      }
      if (state.role() == RedisState.Role.PRIMARY && state.slotCount() > 0 && serving.isPresent()
          && !n.report().writesHeld() && !next.paused()) {
        decisions.add(new Decision(new Action.Hold(r.shard(), node, n.announced(), n.report().sender()), "old primary "
            + n.announced() + " of shard " + r.shard() + " answers its agent and still claims slots "
            + ShardId.of(state) + " that " + serving.get().announced() + " serves now: its agent "
            + n.report().sender() + " holds its writes until it follows " + serving.get().announced()));
      }
      Instant back = r.backSince().orElse(now);
      next = next.returning(node, Optional.of(new FailoverMemory.Returning(r.shard(), r.replacedBy(), Optional.of(back))));
      if (Duration.between(back, now).compareTo(settings.verifyDeadline()) >= 0) {
        String is = state.role() == RedisState.Role.PRIMARY
            ? "a primary owning " + (state.slotCount() == 0 ? "no slots" : "slots " + ShardId.of(state))
            : "a replica of " + state.primary().orElse("nothing");
        decisions.add(new Decision(new Action.Alert(r.shard()), "old primary " + n.announced() + " of shard "
            + r.shard() + " answers again but is " + is + ", not a replica of the shard's primary "
            + serving.map(NodeView::announced).orElse("(none serving)") + ", after " + settings.verifyDeadline().toSeconds()
            + " s; check it (CLUSTER NODES on it) and attach it with CLUSTER REPLICATE, or remove it"));
      }
    }
    return next;
  }

  /**
   * A primary whose writes its agent holds on a leader's order, that is its shard's only primary,
   * with no promotion of the shard under way and nothing wrong with it now: the trouble passed
   * before a replica took over (or the leader that ordered the hold is gone), so the hold would only
   * keep the shard from taking writes. Level-based: asked every cycle until its agent reports it free.
   */
  private static void releases(ClusterView view, ServingPrimaries serving, FailoverMemory memory,
      List<Analysis> analyses, Instant now, Settings settings, List<Decision> decisions) {
    if (memory.paused()) {
      return;
    }
    for (NodeView n : view.nodes().values().stream().sorted(Comparator.comparing(NodeView::address)).toList()) {
      NodeStatus status = n.status(now, settings.staleAfter());
      if (!n.report().writesHeld() || (status != NodeStatus.HEALTHY && status != NodeStatus.DEGRADED)) {
        continue;
      }
      RedisState state = n.report().state().orElseThrow();
      String shard = Analyzer.shardOf(state);
      if (state.role() != RedisState.Role.PRIMARY || state.slotCount() == 0 || memory.attempt(shard).isPresent()
          || memory.returning().containsKey(n.address()) || Analyzer.servedElsewhere(serving, n)
          || analyses.stream().anyMatch(a -> !(a instanceof Analysis.NoProblem) && a.shard().equals(shard))) {
        continue;
      }
      decisions.add(new Decision(new Action.Release(shard, n.address(), n.announced(), n.report().sender()),
          "primary " + n.announced() + " of shard " + shard + " has its writes held, but it is the shard's only "
          + "primary, no promotion is under way and observers reach it again: its agent " + n.report().sender()
          + " releases the hold"));
    }
  }

  /**
   * In {@code reliability} all primaries must live in one region: when several shards fail at
   * once (the first region is lost), every promotion goes to the surviving region that can take
   * the most of them, the earliest in the spec's order on a tie.
   */
  static Optional<String> preferredRegion(ClusterView view, Optional<ClusterSpec> spec, List<Analysis> analyses,
      Instant now, Duration staleAfter) {
    if (spec.isEmpty() || spec.get().topology() != io.meridian.runtime.spec.TopologyKind.RELIABILITY) {
      return Optional.empty();
    }
    String best = null;
    long bestCount = 0;
    for (String region : spec.get().regionNames()) {
      long count = analyses.stream().filter(a -> a instanceof Analysis.Failure).map(Analysis.Failure.class::cast)
          .filter(f -> candidates(view, spec, f.announced(), Set.of(), now, staleAfter, Optional.empty()).stream()
              .anyMatch(c -> c.region().equals(region)))
          .count();
      if (count > bestCount) {
        best = region;
        bestCount = count;
      }
    }
    return Optional.ofNullable(best);
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

  /** Healthy replicas of the failed primary, best first in the {@link CandidateOrder}. */
  static List<NodeView> candidates(ClusterView view, Optional<ClusterSpec> spec, String failedPrimary,
      Set<String> tried, Instant now, Duration staleAfter, Optional<String> preferredRegion) {
    return view.nodes().values().stream()
        .filter(n -> n.report().state().isPresent())
        .filter(n -> n.status(now, staleAfter) != NodeStatus.STALE)
        .filter(n -> n.report().state().get().role() == RedisState.Role.REPLICA)
        .filter(n -> n.report().state().get().primary().map(p -> p.equals(failedPrimary)).orElse(false))
        .filter(n -> !tried.contains(n.address()))
        .filter(n -> CandidateOrder.mayPromote(spec, n.announced()))
        .sorted(Comparator.comparing((NodeView n) -> CandidateOrder.of(n.announced(), n.region(),
            n.report().state().get().replOffset(), spec), CandidateOrder.best(preferredRegion)))
        .toList();
  }
}
