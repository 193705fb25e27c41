package io.meridian.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cli.bench.CutRun;
import io.meridian.cli.bench.PartitionCluster;
import io.meridian.coordinator.spec.TopologyKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given three regions, each in a network namespace of its own, under Meridian with write fencing
 * on (the default), when one region after another is cut off for real for 20 s (a region without
 * the leader, the leader's region, then the third) with a client writing on each side, then after
 * every cut: the majority side had a leader that was not in the cut region, its client wrote
 * again, nothing was acknowledged on the cut-off side after the new primary's first write, and
 * once the region joins again the CP group is back at three members. Every process and namespace
 * is gone afterwards (the bench's own teardown).
 */
class PartitionIT {

  private static final Duration CUT = Duration.ofSeconds(20);

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // a failure leaves the logs behind
  Path state;

  @Test
  void repeatedCutsOfDifferentRegionsTheLeadersIncludedHealWithoutSplitBrain() throws Exception {
    List<CutRun.Result> results = new ArrayList<>();
    try (java.io.PrintStream log = new java.io.PrintStream(state.resolve("cluster.log").toFile());
        PartitionCluster cluster = PartitionCluster.start(TopologyKind.PERFORMANCE, true, state.resolve("cluster"),
            log)) {
      List<String> original = cluster.primaries(0).stream().map(e -> e.address()).toList();
      int leader = cluster.leaderRegion(0).orElseThrow();
      int other = leader == 1 ? 2 : 1;
      int third = 3 - leader - other;
      int n = 0;
      for (int region : List.of(other, leader, third)) {
        String what = region == leader ? "the leader's region" : "a region without the leader";
        CutRun.Result r = CutRun.cut(cluster, what, region, CUT, state.resolve("cut-" + (++n)), System.out);
        results.add(r);
        int cut = region + 1;
        assertThat(r.failedOver()).as("%s: the cut region's primary was replaced", what).isTrue();
        assertThat(r.leaderDuringCut()).as("%s: a leader on the majority side during the cut", what)
            .hasValueSatisfying(l -> assertThat(l).isNotEqualTo(cut));
        assertThat(r.figures().majorityResumedAt()).as("%s: the majority side wrote again", what).isPositive();
        assertThat(r.figures().splitBrainMs())
            .as("%s: no write acknowledged on the cut-off side after the new primary's first", what).isZero();
        assertThat(r.figures().lostMajority()).as("%s: the majority lost nothing", what).isZero();
        assertThat(r.cpBackMs()).as("%s: the CP group back at 3 members after the heal", what).isNotNegative();
        cluster.restore(original);
      }
    }
    results.forEach(r -> System.out.printf("partition: %s (region-%d): majority gap %d ms, cut side lost %d of %d "
        + "acknowledged during the cut, split brain %d ms, CP back %d ms after the heal%n", r.scenario(), r.region(),
        r.figures().majorityGapMs(), r.figures().lostCutSide(), r.figures().cutSideAckedDuringCut(),
        r.figures().splitBrainMs(), r.cpBackMs()));
  }
}
