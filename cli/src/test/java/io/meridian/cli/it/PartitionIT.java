package io.meridian.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cli.bench.CutRun;
import io.meridian.cli.bench.PartitionCluster;
import io.meridian.runtime.spec.TopologyKind;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * is gone afterwards (the bench's own teardown). Last, when only the Redis ports of a region are cut
 * (its agent and coordinator still on the bus), the leader has the old primary's agent hold its
 * writes before it promotes, and again nothing is acknowledged on the cut-off side after that.
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
      int[] cuts = {0};
      for (int region : List.of(other, leader, third)) {
        String what = region == leader ? "the leader's region" : "a region without the leader";
        int at = region;
        Path dir = state.resolve("cut-" + (++cuts[0]));
        CutRun.Result r = explained(() -> CutRun.cut(cluster, what, at, CUT, dir, System.out));
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
      // When only the Redis path of a region is cut (its agent and coordinator still on the bus), the
      // leader has the old primary's agent hold its writes, and promotes only after that answer.
      int cut = other;
      String oldPrimary = cluster.primaries(leader).stream().filter(p -> cluster.regionOf(p.address()) == cut)
          .findFirst().orElseThrow().address();
      int leads = cluster.leaderRegion(leader).orElseThrow();
      Instant since = Instant.now();
      CutRun.Result r = explained(() -> CutRun.cut(cluster, "a region's Redis cut, its bus not", cut, CUT, true,
          state.resolve("cut-redis-path"), System.out));
      results.add(r);
      assertThat(r.failedOver()).as("Redis path cut: the cut region's primary was replaced").isTrue();
      assertThat(r.figures().majorityResumedAt()).as("Redis path cut: the majority side wrote again").isPositive();
      assertThat(r.figures().splitBrainMs()).as("Redis path cut: no write acknowledged on the cut-off side after the "
          + "new primary's first").isZero();
      assertThat(r.figures().lostMajority()).as("Redis path cut: the majority lost nothing").isZero();
      assertThat(cluster.leaderRegion(leader)).as("the bus was not cut: the same leader").contains(leads);
      List<String> commands = commands(cluster, leads, since);
      int held = indexOf(commands, "HOLD_WRITES on " + oldPrimary);
      int promoted = indexOf(commands, "FAILOVER_");
      assertThat(held).as("the leader's commands %s: the old primary's writes held", commands).isNotNegative();
      assertThat(promoted).as("the leader's commands %s: a promotion after the hold", commands).isGreaterThan(held);
      assertThat(commands.get(held)).contains(": executed by");
      // When a cut heals, the cut-off side learns the majority's promotions by gossip a few seconds
      // before contact returns: no fence may take them for an operator's takeover on its side.
      try (var logs = java.nio.file.Files.list(state.resolve("cluster").resolve("logs"))) {
        List<Path> agents = logs.filter(f -> f.getFileName().toString().startsWith("agent-")).toList();
        assertThat(agents).hasSize(3);
        for (Path agent : agents) {
          assertThat(java.nio.file.Files.readString(agent)).as("%s", agent)
              .doesNotContain("isolated, but a shard moved on this side");
        }
      }
    }
    results.forEach(r -> System.out.printf("partition: %s (region-%d): majority gap %d ms, cut side lost %d of %d "
        + "acknowledged during the cut, split brain %d ms, CP back %d ms after the heal%n", r.scenario(), r.region(),
        r.figures().majorityGapMs(), r.figures().lostCutSide(), r.figures().cutSideAckedDuringCut(),
        r.figures().splitBrainMs(), r.cpBackMs()));
  }

  private interface CutCall {
    CutRun.Result run() throws Exception;
  }

  /**
   * A cut that could not run to its end (a wait given up, a command failed) fails the test with
   * its reason and what the cluster log said last, so that the reason is in the test report.
   */
  private CutRun.Result explained(CutCall cut) throws Exception {
    try {
      return cut.run();
    } catch (IllegalStateException | java.io.IOException e) {
      List<String> log = java.nio.file.Files.readAllLines(state.resolve("cluster.log"));
      throw new AssertionError("the cut did not run to its end: " + e.getMessage() + "\nthe cluster log's last lines:\n"
          + String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size())), e);
    }
  }

  private static int indexOf(List<String> commands, String prefix) {
    for (int i = 0; i < commands.size(); i++) {
      if (commands.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  /** The leader's commands since {@code since}, oldest first, as its history tells them. */
  private static List<String> commands(PartitionCluster cluster, int region, Instant since) {
    return cluster.history(region).orElseThrow().getJsonArray("entries").stream()
        .map(e -> (JsonObject) e).filter(e -> e.getString("kind").equals("command"))
        .filter(e -> !Instant.parse(e.getString("at")).isBefore(since))
        .map(e -> e.getString("text")).toList();
  }
}
