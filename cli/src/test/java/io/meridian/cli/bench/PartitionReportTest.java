package io.meridian.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The targets are judged on the figures, and a comparison with native only where native failed over. */
class PartitionReportTest {

  static CutRun.Result cut(String system, boolean failedOver, long gapMs, long splitMs, long lost, long cpBackMs) {
    return new CutRun.Result("a region", system, 2, 20_000, failedOver, Optional.of(1), Optional.of(1), cpBackMs,
        new CutFigures(1000, gapMs, 1, 300, lost, splitMs, lost, 0));
  }

  @Test
  void targetsAreMetOrMissedOnTheirFigures() {
    String met = PartitionReport.targets(List.of(cut("meridian", true, 4200, 0, 80, 12_000),
        cut("native", true, 8400, 0, 600, -1)));
    assertThat(met).contains("MET     majority side writes again within 5 s of every cut: longest gap 4200 ms")
        .contains("MET     split brain 0").contains("MET     CP group back to its size within 30 s of every heal: worst "
            + "12000 ms").contains("MET     a region: cut-off side lost 80 vs native's 600");
    String missed = PartitionReport.targets(List.of(cut("meridian", true, 6000, 150, 200, -1),
        cut("native", true, 8400, 0, 600, -1)));
    assertThat(missed).contains("MISSED  majority side writes again within 5 s of every cut: longest gap 6000 ms")
        .contains("MISSED  split brain 0").contains("worst not within 60 s")
        .contains("MISSED  a region: cut-off side lost 200 vs native's 600");
  }

  @Test
  void noLossComparisonWhereNativeKeptTheCutOffPrimary() {
    String text = PartitionReport.targets(List.of(cut("meridian", true, 4000, 0, 80, 9000),
        cut("native", false, 21_000, 0, 0, -1)));
    assertThat(text).contains("n/a     a region: native did not fail over (majority side without writes for 21000 ms)")
        .doesNotContain("vs native's");
  }
}
