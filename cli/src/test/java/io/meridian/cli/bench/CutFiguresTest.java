package io.meridian.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Given the writers' acknowledgements around a cut, the figures are what a client went through. */
class CutFiguresTest {

  static CutFigures.Ack ack(long ms, String key) {
    return new CutFigures.Ack(ms * 1000, key);
  }

  @Test
  void theMajoritysGapRunsFromTheCutToItsFirstWriteOnTheNewPrimaryAndLateCutSideAcksAreSplitBrain() {
    List<CutFigures.Ack> majority = List.of(ack(900, "m1"), ack(990, "m2"), ack(4500, "m3"), ack(4510, "m4"));
    List<CutFigures.Ack> cutSide = List.of(ack(995, "c1"), ack(2000, "c2"), ack(4700, "c3"));
    Set<String> present = Set.of("m1", "m2", "m3", "m4", "c1");
    CutFigures f = CutFigures.of(majority, cutSide, 1_000_000, 6_000_000, present, true);
    assertThat(CutFigures.of(majority, cutSide, 1_000_000, 6_000_000, present, false).splitBrainMs())
        .as("no new primary (a blip): both sides wrote to the same one").isZero();
    assertThat(f.majorityGapMs()).isEqualTo(3500);
    assertThat(f.majorityResumedAt()).isEqualTo(4_500_000);
    assertThat(f.splitBrainMs()).as("c3 acknowledged 200 ms after the new primary's first").isEqualTo(200);
    assertThat(f.cutSideAckedDuringCut()).isEqualTo(2);
    assertThat(f.lostCutSide()).isEqualTo(2);
    assertThat(f.lostMajority()).isZero();
  }

  @Test
  void aFencedCutSideThatStopsBeforeThePromotionIsNoSplitBrainAndAMajorityThatNeverResumesCountsToTheEnd() {
    List<CutFigures.Ack> cutSide = List.of(ack(1200, "c1"));
    CutFigures fenced = CutFigures.of(List.of(ack(999, "m1"), ack(3100, "m2")), cutSide, 1_000_000, 5_000_000,
        Set.of("m1", "m2"), true);
    assertThat(fenced.splitBrainMs()).isZero();
    assertThat(fenced.majorityGapMs()).isEqualTo(2100);
    CutFigures stuck = CutFigures.of(List.of(ack(999, "m1")), cutSide, 1_000_000, 5_000_000, Set.of("m1", "c1"),
        true);
    assertThat(stuck.majorityGapMs()).isEqualTo(4000);
    assertThat(stuck.majorityResumedAt()).isEqualTo(-1);
    assertThat(stuck.splitBrainMs()).isZero();
  }

  @Test
  void aWriterLineIsMicrosThenKey() {
    assertThat(CutFigures.Ack.parse("1764000000123456 pb:{t1}:cut:7")).isEqualTo(
        new CutFigures.Ack(1764000000123456L, "pb:{t1}:cut:7"));
    assertThatThrownBy(() -> CutFigures.Ack.parse("garbage")).hasMessageContaining("not '<µs> <key>'");
  }
}
