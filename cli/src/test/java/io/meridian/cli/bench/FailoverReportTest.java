package io.meridian.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Given measured rounds, the report's figures and verdicts are what the rounds say. */
class FailoverReportTest {

  private static RoundResult round(Scenario s, String system, int n, Long recoveryMs, long lost) {
    return new RoundResult(s, system, n, recoveryMs == null ? OptionalLong.empty() : OptionalLong.of(recoveryMs), 1000,
        recoveryMs == null ? OptionalLong.empty() : OptionalLong.of(lost));
  }

  @Test
  void medianP90AndMaxUseNearestRankAndLostWritesAreSummed() {
    List<RoundResult> rounds = new ArrayList<>();
    long[] ms = {900, 500, 700, 1200, 600, 800, 650, 750, 1900, 550};
    for (int i = 0; i < ms.length; i++) {
      rounds.add(round(Scenario.CRASH, "meridian", i + 1, ms[i], i == 3 ? 2 : 0));
    }
    FailoverSummary s = FailoverSummary.of(rounds);
    assertThat(s.recovered()).isEqualTo(10);
    assertThat(s.medianMs()).hasValue(700);
    assertThat(s.p90Ms()).hasValue(1200);
    assertThat(s.maxMs()).hasValue(1900);
    assertThat(s.lostTotal()).hasValue(2);
    assertThat(s.lostMax()).hasValue(2);
  }

  @Test
  void roundsThatNeverRecoveredCountAsSlowerThanAnyAndLeaveLossesUnknown() {
    FailoverSummary s = FailoverSummary.of(List.of(round(Scenario.MAJORITY, "native-5000ms", 1, null, 0),
        round(Scenario.MAJORITY, "native-5000ms", 2, null, 0), round(Scenario.MAJORITY, "native-5000ms", 3, 9000L, 0)));
    assertThat(s.recovered()).isEqualTo(1);
    assertThat(s.medianMs()).isEmpty();
    assertThat(s.maxMs()).isEmpty();
    assertThat(s.lostTotal()).hasValue(0);
  }

  @Test
  void targetsAreJudgedOnTheFiguresAndTheTableShowsTheRatio() {
    List<RoundResult> rounds = List.of(
        round(Scenario.CRASH, "meridian", 1, 800L, 0), round(Scenario.CRASH, "native-5000ms", 1, 8000L, 1),
        round(Scenario.MAJORITY, "meridian", 1, 3500L, 0), round(Scenario.MAJORITY, "native-5000ms", 1, null, 0));
    FailoverReport report = new FailoverReport(rounds, 30_000);
    assertThat(report.targets()).extracting(FailoverReport.Target::name, FailoverReport.Target::met).containsExactly(
        org.assertj.core.groups.Tuple.tuple("crash: Meridian median <= 1000 ms", true),
        org.assertj.core.groups.Tuple.tuple("crash: Meridian max <= 2000 ms", true),
        org.assertj.core.groups.Tuple.tuple("crash: >= 5x faster than native at 5000 ms", true),
        org.assertj.core.groups.Tuple.tuple("majority: Meridian recovers within 5000 ms", true),
        org.assertj.core.groups.Tuple.tuple("majority: native-5000ms does not recover", true),
        org.assertj.core.groups.Tuple.tuple("crash: Meridian loses no more acknowledged writes than native-5000ms", true));
    assertThat(report.table()).contains("native-5000ms median / meridian median: 10.0x")
        .contains("native-5000ms median / meridian median: inf (no recovery)").contains("none<30s");
    assertThat(report.json(new io.vertx.core.json.JsonObject()).getJsonArray("summaries")).hasSize(4);
  }

  @Test
  void aSlowMeridianMissesItsTargets() {
    FailoverReport report = new FailoverReport(List.of(round(Scenario.CRASH, "meridian", 1, 2500L, 3),
        round(Scenario.CRASH, "native-5000ms", 1, 7000L, 0)), 30_000);
    assertThat(report.targets()).filteredOn(t -> !t.met()).extracting(FailoverReport.Target::name).containsExactly(
        "crash: Meridian median <= 1000 ms", "crash: Meridian max <= 2000 ms",
        "crash: >= 5x faster than native at 5000 ms",
        "crash: Meridian loses no more acknowledged writes than native-5000ms");
    assertThat(report.targetsText()).contains("[MISSED] crash: Meridian median <= 1000 ms: 2500 ms");
  }
}
