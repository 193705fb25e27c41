package io.meridian.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class PairedCostTest {

  @Test
  void eachRoundIsItsOwnBaselineSoDriftBetweenRoundsCancels() {
    // The machine slows down by half over the rounds; the agent costs 0.5 % in every one of them.
    List<double[]> rounds = List.of(new double[] {100_000, 99_500}, new double[] {80_000, 79_600},
        new double[] {50_000, 49_750});
    PairedCost cost = PairedCost.of(rounds, false, 1);
    assertThat(cost.median()).isCloseTo(0.5, Offset.offset(1e-9));
    assertThat(cost.low()).isCloseTo(0.5, Offset.offset(1e-9));
    assertThat(cost.high()).isCloseTo(0.5, Offset.offset(1e-9));
    assertThat(cost.against(1.0)).isEqualTo(PairedCost.Verdict.MET);
  }

  @Test
  void noisyRoundsThatStraddleTheTargetCannotTell() {
    List<double[]> rounds = List.of(new double[] {100, 97}, new double[] {100, 102}, new double[] {100, 99.5},
        new double[] {100, 101}, new double[] {100, 98});
    PairedCost cost = PairedCost.of(rounds, false, 7);
    assertThat(cost.median()).isCloseTo(0.5, Offset.offset(1e-9));
    assertThat(cost.low()).isLessThan(0.5);
    assertThat(cost.high()).isGreaterThan(1.0);
    assertThat(cost.against(1.0)).isEqualTo(PairedCost.Verdict.UNRESOLVED);
    assertThat(PairedCost.of(rounds, false, 7)).isEqualTo(cost);
  }

  @Test
  void aClearCostAboveTheTargetIsMissedAndACostMeasureCountsUpwards() {
    List<double[]> cpu = List.of(new double[] {8.0, 8.4}, new double[] {8.2, 8.6}, new double[] {7.9, 8.3});
    PairedCost cost = PairedCost.of(cpu, true, 3);
    assertThat(cost.median()).isCloseTo((8.4 / 8.0 - 1) * 100, Offset.offset(1e-9));
    assertThat(cost.against(1.0)).isEqualTo(PairedCost.Verdict.MISSED);
    assertThatThrownBy(() -> PairedCost.of(List.of(), false, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void costsAlreadyInPercentOfACoreAreTakenAsTheyAre() {
    // The idle node's CPU with the probes minus without, per round: about 0.1 % of a core.
    PairedCost probes = PairedCost.ofCosts(new double[] {0.12, 0.08, 0.10, 0.11, 0.09}, 1);
    assertThat(probes.median()).isCloseTo(0.10, Offset.offset(1e-9));
    assertThat(probes.low()).isGreaterThanOrEqualTo(0.08);
    assertThat(probes.high()).isLessThanOrEqualTo(0.12);
    assertThat(probes.against(1.0)).isEqualTo(PairedCost.Verdict.MET);
    assertThatThrownBy(() -> PairedCost.ofCosts(new double[0], 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
