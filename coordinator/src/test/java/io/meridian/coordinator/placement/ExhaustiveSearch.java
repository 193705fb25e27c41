package io.meridian.coordinator.placement;

import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.TopologyKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * An exhaustive search for legal layouts, written from the rules and nothing of the planner, to
 * check the planner's refusals and its choice of shard count on small specs.
 *
 * <p>A layout makes every node either a primary or a replica of one primary, with the slots
 * split evenly over the primaries (so every primary owns slots). It is legal when, restating
 * {@link PlacementRules} for such layouts:
 * <ul>
 *   <li>no primary is tagged nofailover;
 *   <li>performance: every region holds a primary, primary counts per region differ by at most
 *       one, and every primary has at least {@code replicasPerPrimary} replicas, one of them
 *       outside its region;
 *   <li>reliability: every primary is in the first region and every other region holds a replica
 *       of every primary.
 * </ul>
 * The property {@code theSearchStatesTheSameRulesAsPlacementRules} checks this restatement
 * against {@code PlacementRules.check} on random layouts.
 */
final class ExhaustiveSearch {

  private ExhaustiveSearch() {
  }

  /** The most shards of any legal layout, or empty if none is legal. Tries every layout. */
  static OptionalInt mostShards(ClusterSpec spec) {
    List<NodeSpec> nodes = spec.nodes();
    int n = nodes.size();
    int best = -1;
    for (int mask = 1; mask < (1 << n); mask++) {
      List<Integer> primaries = new ArrayList<>();
      List<Integer> replicas = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ((mask & (1 << i)) != 0 ? primaries : replicas).add(i);
      }
      if (primaries.size() <= best || !primariesMayBe(spec, primaries)) {
        continue; // cannot beat what is found, or no choice of replicas can make it legal
      }
      if (spec.topology() == TopologyKind.PERFORMANCE && replicas.size() < primaries.size() * spec.replicasPerPrimary()) {
        continue; // each primary needs replicasPerPrimary replicas of its own
      }
      // Every way for the replicas to follow primaries: an odometer over primaries.size()^replicas.
      int[] follows = new int[replicas.size()];
      while (true) {
        if (legal(spec, primaries, replicas, follows)) {
          best = primaries.size();
          break;
        }
        int digit = 0;
        while (digit < follows.length && ++follows[digit] == primaries.size()) {
          follows[digit++] = 0;
        }
        if (digit == follows.length) {
          break;
        }
      }
    }
    return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
  }

  /** The rules that concern primaries alone: if these fail, no assignment of replicas helps. */
  static boolean primariesMayBe(ClusterSpec spec, List<Integer> primaries) {
    List<NodeSpec> nodes = spec.nodes();
    int[] perRegion = new int[spec.regions().size()];
    for (int p : primaries) {
      if (nodes.get(p).noFailover()) {
        return false;
      }
      perRegion[regionIndex(spec, p)]++;
    }
    if (spec.topology() == TopologyKind.RELIABILITY) {
      return perRegion[0] == primaries.size();
    }
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int count : perRegion) {
      min = Math.min(min, count);
      max = Math.max(max, count);
    }
    return min >= 1 && max - min <= 1;
  }

  /** Replica {@code replicas[i]} follows primary {@code primaries[follows[i]]}. */
  static boolean legal(ClusterSpec spec, List<Integer> primaries, List<Integer> replicas, int[] follows) {
    if (!primariesMayBe(spec, primaries)) {
      return false;
    }
    int regions = spec.regions().size();
    int[] replicaCount = new int[primaries.size()];
    boolean[][] copyIn = new boolean[primaries.size()][regions];
    for (int i = 0; i < replicas.size(); i++) {
      replicaCount[follows[i]]++;
      copyIn[follows[i]][regionIndex(spec, replicas.get(i))] = true;
    }
    for (int p = 0; p < primaries.size(); p++) {
      int home = regionIndex(spec, primaries.get(p));
      if (spec.topology() == TopologyKind.PERFORMANCE) {
        boolean outside = false;
        for (int region = 0; region < regions; region++) {
          outside |= region != home && copyIn[p][region];
        }
        if (replicaCount[p] < spec.replicasPerPrimary() || !outside) {
          return false;
        }
      } else {
        for (int region = 1; region < regions; region++) {
          if (!copyIn[p][region]) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** The same layout as a plan, to hand to {@link PlacementRules#check}. */
  static PlacementPlan toPlan(ClusterSpec spec, List<Integer> primaries, List<Integer> replicas, int[] follows) {
    List<NodeSpec> nodes = spec.nodes();
    Map<String, String> replicaOf = new HashMap<>();
    for (int i = 0; i < replicas.size(); i++) {
      replicaOf.put(nodes.get(replicas.get(i)).announced(), nodes.get(primaries.get(follows[i])).announced());
    }
    return PlacementPlan.of(primaries.stream().map(p -> nodes.get(p).announced()).toList(), replicaOf);
  }

  private static int regionIndex(ClusterSpec spec, int node) {
    int seen = 0;
    for (int region = 0; region < spec.regions().size(); region++) {
      seen += spec.regions().get(region).nodes().size();
      if (node < seen) {
        return region;
      }
    }
    throw new IllegalArgumentException("no node " + node);
  }
}
