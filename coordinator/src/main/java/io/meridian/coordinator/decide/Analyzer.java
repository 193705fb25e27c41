package io.meridian.coordinator.decide;

import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.NodeView;
import io.meridian.coordinator.view.Observations;
import io.meridian.messages.ProbeFailure;
import io.meridian.messages.RedisState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Detection, kept apart from recovery: what is wrong with which shard, from the view alone. Pure. */
public final class Analyzer {

  private Analyzer() {
  }

  /** The shard name of a node that was a primary: its slot ranges, e.g. {@code 0-5461}. */
  public static String shardOf(RedisState state) {
    return ShardId.of(state).text();
  }

  /**
   * @param serving        the view's serving primaries, built once per decision
   * @param regions        every region of the cluster (a majority of them must agree)
   * @param failureTimeout how long observers must have failed to reach a primary before it counts as unreachable
   * @param fenceMargin    added to the fence delay its agent reports: the primary counts as unreachable
   *                       no sooner than that, so that it has stopped acknowledging writes first
   */
  public static List<Analysis> analyze(ClusterView view, ServingPrimaries serving, Observations observations,
      List<String> regions, Instant now, Duration staleAfter, Duration failureTimeout, Duration fenceMargin) {
    List<Analysis> found = new ArrayList<>();
    // Newest knowledge first: after a failover the old primary's last state still claims the shard.
    List<NodeView> nodes = view.nodes().values().stream()
        .sorted(Comparator.comparing(NodeView::lastStateAt).reversed().thenComparing(NodeView::address)).toList();
    Set<String> seen = new HashSet<>();
    // Regions some agent of which is heard: a region none of whose nodes is fresh is lost to us.
    Set<String> heard = new HashSet<>();
    view.nodes().values().forEach(n -> {
      if (n.status(now, staleAfter) != NodeStatus.STALE) {
        heard.add(n.region());
      }
    });
    for (NodeView n : nodes) {
      Optional<RedisState> last = n.lastState();
      if (last.isEmpty() || last.get().role() != RedisState.Role.PRIMARY || last.get().slotCount() == 0) {
        continue;
      }
      String shard = shardOf(last.get());
      if (!seen.add(shard)) {
        continue;
      }
      NodeStatus status = n.status(now, staleAfter);
      Optional<NodeView> servedBy = serving.serving(last.get().slots()).filter(o -> !o.address().equals(n.address()));
      if (servedBy.isPresent()) {
        found.add(new Analysis.NoProblem(shard, servedBy.get().address(), servedBy.get().announced()));
        continue;
      }
      if (status == NodeStatus.HEALTHY || status == NodeStatus.DEGRADED) {
        // Its agent reaches it and the leader hears its agent, but the others cannot reach it (a cut
        // between the primary and the rest that spares the bus): its clients may still write there,
        // so its agent holds those writes before a replica on the majority's side takes over. Only
        // failures that began while its agent was heard without a break count: right after a cut of
        // the whole region heals, its agent is heard again a second or two before observers reach the
        // node again, and that is no cut of the Redis path (a 2 s blip was failed over for it).
        Set<String> failing = observations.failingRegions(n.announced(), now, staleAfter, failureTimeout,
            n.heardSince());
        if (failing.size() * 2 > regions.size()) {
          found.add(new Analysis.UnreachableByMajority(shard, n.address(), n.announced(), "observers in "
              + failing.size() + " of " + regions.size() + " regions " + new java.util.TreeSet<>(failing)
              + " have failed to reach it for at least " + failureTimeout.toMillis() + " ms, while its agent "
              + n.report().sender() + " still reaches it: the agent holds its writes before the promotion",
              Optional.of(n.report().sender())));
          continue;
        }
        if (n.report().fenceAfterMs() > 0) {
          Set<String> early = observations.failingRegions(n.announced(), now, staleAfter,
              Duration.ofMillis(n.report().fenceAfterMs()), n.heardSince());
          if (early.size() * 2 > regions.size()) {
            found.add(new Analysis.IsolatedPrimary(shard, n.address(), n.announced(), n.report().sender(),
                n.report().writesHeld(), "observers in " + early.size() + " of " + regions.size() + " regions "
                + new java.util.TreeSet<>(early) + " have failed to reach it for at least " + n.report().fenceAfterMs()
                + " ms (its agent's fence delay), while its agent " + n.report().sender() + " still reaches it"));
            continue;
          }
        }
        found.add(new Analysis.NoProblem(shard, n.address(), n.announced()));
        continue;
      }
      // Evidence texts carry no running counters: a shard's reason is logged when it changes.
      String reported = " (seen by agent " + n.report().sender() + ")";
      boolean refused = status == NodeStatus.UNREACHABLE
          && n.report().failure().map(ProbeFailure::kind).orElse(null) == ProbeFailure.Kind.REFUSED;
      Duration wait = unreachableAfter(n, failureTimeout, fenceMargin);
      Set<String> failing = new java.util.TreeSet<>(observations.failingRegions(n.announced(), now, staleAfter, wait));
      if (status == NodeStatus.UNREACHABLE && n.failingSince().isPresent()
          && Duration.between(n.failingSince().get(), now).compareTo(wait) >= 0) {
        failing.add(n.region());
      }
      if (!refused && failing.size() * 2 > regions.size()) {
        String observed = "observers in " + failing.size() + " of " + regions.size() + " regions " + failing
            + " have failed to reach it for at least " + wait.toMillis() + " ms" + (wait.equals(failureTimeout) ? ""
            : " (its agent fences writes after " + n.report().fenceAfterMs() + " ms, plus a margin of "
            + fenceMargin.toMillis() + " ms and " + OBSERVED_EARLY.toMillis() + " ms for observers counting from its "
            + "last answer)");
        found.add(heard.contains(n.region())
            ? new Analysis.UnreachableByMajority(shard, n.address(), n.announced(), observed)
            : new Analysis.RegionLost(shard, n.address(), n.announced(), n.region(), "no agent of " + n.region()
                + " has reported for over " + staleAfter.toMillis() + " ms, and " + observed));
      } else if (status == NodeStatus.STALE) {
        found.add(new Analysis.AgentSilent(shard, n.address(), n.announced(),
            "no report for over " + staleAfter.toMillis() + " ms"));
      } else if (refused) {
        found.add(new Analysis.DeadPrimary(shard, n.address(), n.announced(),
            "its agent saw " + n.report().failure().get().detail() + " on its own host" + reported));
      } else {
        found.add(new Analysis.UnreachablePrimary(shard, n.address(), n.announced(),
            n.report().failure().map(ProbeFailure::detail).orElse("no answer") + reported));
      }
    }
    found.sort(Comparator.comparing(Analysis::shard));
    return found;
  }

  /**
   * Observers count a node as failing since it last answered, up to one probe round (500 ms)
   * before the failure itself: the fence delay is counted from that earlier instant too.
   */
  static final Duration OBSERVED_EARLY = Duration.ofMillis(500);

  /**
   * How long observers must fail to reach {@code n} before it is replaced: the failure timeout, or
   * its agent's fence delay (from its last report) plus the margin if that is longer. Fence before
   * promote: an isolated primary has stopped acknowledging writes when its replica takes over.
   */
  static Duration unreachableAfter(NodeView n, Duration failureTimeout, Duration fenceMargin) {
    long fenceAfter = n.report().fenceAfterMs();
    if (fenceAfter == 0) {
      return failureTimeout;
    }
    Duration fenced = Duration.ofMillis(fenceAfter).plus(fenceMargin).plus(OBSERVED_EARLY);
    return fenced.compareTo(failureTimeout) > 0 ? fenced : failureTimeout;
  }

  /** True when a fresh, answering node other than {@code n} reports owning {@code n}'s slots now. */
  static boolean servedElsewhere(ServingPrimaries serving, NodeView n) {
    List<String> slots = n.lastState().orElseThrow().slots();
    return serving.serving(slots).filter(other -> !other.address().equals(n.address())).isPresent();
  }

  /**
   * The fresh, answering primary that reports owning these slot ranges, if any. For one question;
   * a decision that asks many builds {@link ServingPrimaries} once.
   */
  public static Optional<NodeView> servingNode(ClusterView view, List<String> slots, Instant now, Duration staleAfter) {
    return ServingPrimaries.of(view, now, staleAfter).serving(slots);
  }
}
