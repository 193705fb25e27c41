package io.meridian.cli.bench;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What an agent costs, from rounds that each ran once without it and once with it, back to back:
 * each round's own cost (so that drift of the machine between rounds cancels), their median, and
 * a bootstrap 95 % interval of that median, which says whether the rounds could tell the cost from
 * the machine's noise at all. Pure.
 *
 * @param median the median of the rounds' costs, in percent (negative: faster with the agent)
 * @param low    lower end of the 95 % interval, in percent
 * @param high   upper end of the 95 % interval, in percent
 */
public record PairedCost(double median, double low, double high) {

  /** Whether the rounds show the cost below a target, above it, or cannot tell. */
  public enum Verdict { MET, MISSED, UNRESOLVED }

  private static final int RESAMPLES = 2000;

  /**
   * @param pairs {@code {without, with}} per round; for a throughput the cost is {@code 1 - with/without}
   * @param lowerIsBetter true when the measure is a cost itself (CPU per request): then {@code with/without - 1}
   * @param seed  for the resampling, so that the same rounds always give the same interval
   */
  public static PairedCost of(List<double[]> pairs, boolean lowerIsBetter, long seed) {
    return ofCosts(pairs.stream()
        .mapToDouble(p -> (lowerIsBetter ? p[1] / p[0] - 1 : 1 - p[1] / p[0]) * 100).toArray(), seed);
  }

  /** From each round's own cost, already in percent (e.g. of a CPU core); same median and interval. */
  public static PairedCost ofCosts(double[] costs, long seed) {
    if (costs.length == 0) {
      throw new IllegalArgumentException("no rounds");
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] medians = new double[RESAMPLES];
    double[] sample = new double[costs.length];
    for (int r = 0; r < RESAMPLES; r++) {
      for (int i = 0; i < sample.length; i++) {
        sample[i] = costs[random.nextInt(costs.length)];
      }
      medians[r] = median(sample);
    }
    Arrays.sort(medians);
    return new PairedCost(median(costs), medians[(int) (RESAMPLES * 0.025)], medians[(int) (RESAMPLES * 0.975) - 1]);
  }

  /** MET when the whole interval is below {@code targetPercent}, MISSED when it is all at or above it. */
  public Verdict against(double targetPercent) {
    if (high < targetPercent) {
      return Verdict.MET;
    }
    return low >= targetPercent ? Verdict.MISSED : Verdict.UNRESOLVED;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
