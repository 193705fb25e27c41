package io.meridian.cli.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The partition bench's table, its targets (met or missed, with the figures) and its JSON. Pure. */
final class PartitionReport {

  /** The targets. */
  static final long MAJORITY_GAP_MS = 5000;
  static final long CP_BACK_MS = 30_000;
  static final double LOSS_RATIO = 0.25;

  private PartitionReport() {
  }

  static String table(List<CutRun.Result> results) {
    StringBuilder t = new StringBuilder(String.format("%-52s %-8s %6s %8s %10s %11s %16s %13s %13s %8s%n",
        "scenario", "system", "cut", "failover", "majority", "split", "lost cut-side", "lost", "leader", "CP back"));
    t.append(String.format("%-52s %-8s %6s %8s %10s %11s %16s %13s %13s %8s%n", "", "", "region", "", "gap",
        "brain", "(of acked in cut)", "majority", "during→after", "after"));
    for (CutRun.Result r : results) {
      CutFigures f = r.figures();
      t.append(String.format("%-52s %-8s %6s %8s %9.1fs %9dms %16s %13d %13s %8s%n", r.scenario(), r.system(),
          "r" + r.region(), r.failedOver() ? "yes" : "no", f.majorityGapMs() / 1000.0, f.splitBrainMs(),
          f.lostCutSide() + " (" + f.cutSideAckedDuringCut() + ")", f.lostMajority(),
          region(r.leaderDuringCut()) + "→" + region(r.leaderAfter()),
          r.cpBackMs() < 0 ? (r.system().equals("meridian") ? "NOT" : "-") : String.format("%.1fs", r.cpBackMs() / 1000.0)));
    }
    return t.toString();
  }

  private static String region(Optional<Integer> r) {
    return r.map(i -> "r" + i).orElse("-");
  }

  /** One line per target: MET or MISSED, with the figures it rests on. */
  static String targets(List<CutRun.Result> results) {
    List<String> lines = new ArrayList<>();
    List<CutRun.Result> meridian = results.stream().filter(r -> r.system().equals("meridian")).toList();
    List<CutRun.Result> cuts = meridian.stream().filter(r -> r.cutMs() > PartitionBench.BLIP.toMillis()).toList();
    if (!cuts.isEmpty()) {
      long worstGap = cuts.stream().mapToLong(r -> r.figures().majorityGapMs()).max().orElse(0);
      lines.add(line(worstGap <= MAJORITY_GAP_MS, "majority side writes again within 5 s of every cut: longest gap "
          + worstGap + " ms"));
      long splitBrain = cuts.stream().mapToLong(r -> r.figures().splitBrainMs()).max().orElse(0);
      lines.add(line(splitBrain == 0, "split brain 0 (no write acknowledged on the cut-off side after the new "
          + "primary's first): worst " + splitBrain + " ms"));
      long cpWorst = cuts.stream().mapToLong(r -> r.cpBackMs() < 0 ? Long.MAX_VALUE : r.cpBackMs()).max().orElse(0);
      lines.add(line(cpWorst <= CP_BACK_MS, "CP group back to its size within 30 s of every heal: worst "
          + (cpWorst == Long.MAX_VALUE ? "not within 60 s" : cpWorst + " ms")));
    }
    for (CutRun.Result m : meridian) {
      results.stream().filter(r -> r.system().equals("native") && sameScenario(r, m)).findFirst().ifPresent(n -> {
        if (m.cutMs() <= PartitionBench.BLIP.toMillis()) {
          return;
        }
        long mine = m.figures().lostCutSide();
        long theirs = n.figures().lostCutSide();
        if (!n.failedOver()) {
          // Nothing to compare: native kept the cut-off primary (it held the majority of primaries,
          // or the region held none), and so its side lost nothing while the majority waited.
          lines.add("n/a     " + m.scenario() + ": native did not fail over (majority side without writes for "
              + n.figures().majorityGapMs() + " ms); Meridian's cut-off side lost " + mine);
          return;
        }
        lines.add(line(mine <= LOSS_RATIO * theirs, m.scenario() + ": cut-off side lost " + mine + " vs native's "
            + theirs + " (target at most 0.25x)"));
      });
    }
    meridian.stream().filter(r -> r.cutMs() <= PartitionBench.BLIP.toMillis()).forEach(b -> lines.add(line(
        !b.failedOver() && b.figures().lostCutSide() == 0 && b.figures().lostMajority() == 0,
        "2 s blip: no failover and 0 lost: failover " + (b.failedOver() ? "yes" : "no") + ", lost "
            + b.figures().lostCutSide() + " + " + b.figures().lostMajority())));
    return lines.isEmpty() ? "no Meridian cut measured: no targets to check\n" : String.join("\n", lines) + "\n";
  }

  /** The same scenario and region under the other system (the leader's region differs by nature). */
  private static boolean sameScenario(CutRun.Result a, CutRun.Result b) {
    String x = a.scenario().replace(" (none: region-1)", "");
    String y = b.scenario().replace(" (none: region-1)", "");
    return x.equals(y);
  }

  private static String line(boolean met, String text) {
    return (met ? "MET     " : "MISSED  ") + text;
  }

  static JsonObject json(CutRun.Result r) {
    CutFigures f = r.figures();
    return new JsonObject().put("scenario", r.scenario()).put("system", r.system()).put("region", r.region())
        .put("cutMs", r.cutMs()).put("failedOver", r.failedOver())
        .put("leaderDuringCut", r.leaderDuringCut().orElse(null)).put("leaderAfter", r.leaderAfter().orElse(null))
        .put("cpBackMs", r.cpBackMs()).put("majorityAcked", f.majorityAcked()).put("majorityGapMs", f.majorityGapMs())
        .put("cutSideAcked", f.cutSideAcked()).put("cutSideAckedDuringCut", f.cutSideAckedDuringCut())
        .put("splitBrainMs", f.splitBrainMs()).put("lostCutSide", f.lostCutSide()).put("lostMajority", f.lostMajority());
  }
}
