package io.meridian.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Recovery figures over rounds. A round with no recovery counts as slower than any that
 * recovered, so a median of "none" means at least half the rounds never recovered.
 */
record FailoverSummary(int rounds, int recovered, OptionalLong medianMs, OptionalLong p90Ms, OptionalLong maxMs,
    OptionalLong lostTotal, OptionalLong lostMax) {

  static FailoverSummary of(List<RoundResult> results) {
    List<Long> sorted = new ArrayList<>();
    long lostTotal = 0;
    long lostMax = 0;
    boolean lostKnown = false;
    for (RoundResult r : results) {
      sorted.add(r.recoveryMs().orElse(Long.MAX_VALUE));
      if (r.lost().isPresent()) {
        lostKnown = true;
        lostTotal += r.lost().getAsLong();
        lostMax = Math.max(lostMax, r.lost().getAsLong());
      }
    }
    sorted.sort(null);
    int recovered = (int) sorted.stream().filter(v -> v != Long.MAX_VALUE).count();
    return new FailoverSummary(results.size(), recovered, rank(sorted, 0.5), rank(sorted, 0.9),
        rank(sorted, 1.0), lostKnown ? OptionalLong.of(lostTotal) : OptionalLong.empty(),
        lostKnown ? OptionalLong.of(lostMax) : OptionalLong.empty());
  }

  /** Nearest-rank percentile; empty when it falls on a round that never recovered. */
  private static OptionalLong rank(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return OptionalLong.empty();
    }
    int index = Math.max(0, (int) Math.ceil(p * sorted.size()) - 1);
    long v = sorted.get(index);
    return v == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(v);
  }

  /** How many times slower {@code other}'s median is than this one's; empty if either is missing. */
  OptionalDoubleRatio ratioOf(FailoverSummary other) {
    if (medianMs.isEmpty() || medianMs.getAsLong() == 0) {
      return new OptionalDoubleRatio(Double.NaN, false);
    }
    if (other.medianMs.isEmpty()) {
      return new OptionalDoubleRatio(Double.POSITIVE_INFINITY, true);
    }
    return new OptionalDoubleRatio((double) other.medianMs.getAsLong() / medianMs.getAsLong(), true);
  }

  /** A ratio that may be infinite (the other never recovered) or unknown. */
  record OptionalDoubleRatio(double value, boolean known) {
    String text() {
      if (!known) {
        return "n/a";
      }
      return Double.isInfinite(value) ? "inf (no recovery)" : String.format("%.1fx", value);
    }
  }
}
