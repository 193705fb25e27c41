package io.meridian.cli.bench;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What one cut did to the clients, from their acknowledged writes (wall-clock µs, all processes on
 * this machine's clock). Pure.
 *
 * @param majorityGapMs  the majority side's longest time without an acknowledged write, from the cut
 *                       to the end of its writing (a shard whose writes never resumed counts to the end)
 * @param majorityResumedAt when the majority wrote again after that gap (µs), or -1 if it never did
 * @param splitBrainMs   how long after the majority's first write on the new primary the cut-off side
 *                       still got acknowledgements; 0 when it stopped before, or when no new primary
 *                       was made (then both sides wrote to the same one)
 * @param lostCutSide    writes the cut-off side got acknowledged that are gone after the heal
 * @param lostMajority   the same for the majority side
 */
public record CutFigures(long majorityAcked, long majorityGapMs, long majorityResumedAt, long cutSideAcked,
    long cutSideAckedDuringCut, long splitBrainMs, long lostCutSide, long lostMajority) {

  /** One acknowledged write. */
  public record Ack(long micros, String key) {
    static Ack parse(String line) {
      int space = line.indexOf(' ');
      if (space <= 0) {
        throw new IllegalArgumentException("not '<µs> <key>': " + line);
      }
      return new Ack(Long.parseLong(line.substring(0, space)), line.substring(space + 1));
    }
  }

  /**
   * @param cutAt   when the cut was made (µs)
   * @param endAt   when the majority writer stopped (µs)
   * @param present the keys found after the heal, among all acknowledged ones
   * @param failedOver whether a new primary took the shard: only then can both sides acknowledge apart
   */
  public static CutFigures of(List<Ack> majority, List<Ack> cutSide, long cutAt, long endAt, Set<String> present,
      boolean failedOver) {
    long gap = 0;
    long resumedAt = -1;
    long previous = cutAt;
    for (Ack a : majority) {
      if (a.micros() <= cutAt) {
        continue;
      }
      if (a.micros() - previous > gap) {
        gap = a.micros() - previous;
        resumedAt = a.micros();
      }
      previous = a.micros();
    }
    if (endAt - previous > gap) {
      gap = endAt - previous;
      resumedAt = -1;
    }
    long lastCutAck = cutSide.stream().mapToLong(Ack::micros).max().orElse(Long.MIN_VALUE);
    long splitBrain = resumedAt < 0 || !failedOver ? 0 : Math.max(0, lastCutAck - resumedAt) / 1000;
    return new CutFigures(majority.size(), gap / 1000, resumedAt, cutSide.size(),
        cutSide.stream().filter(a -> a.micros() > cutAt).count(), splitBrain, missing(cutSide, present),
        missing(majority, present));
  }

  private static long missing(Collection<Ack> acks, Set<String> present) {
    return acks.stream().filter(a -> !present.contains(a.key())).count();
  }
}
