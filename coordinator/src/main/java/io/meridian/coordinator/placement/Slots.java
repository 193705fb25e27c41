package io.meridian.coordinator.placement;

import java.util.ArrayList;
import java.util.List;

/**
 * A contiguous, inclusive range of hash slots, as {@code CLUSTER ADDSLOTSRANGE} takes it.
 *
 * @param from first slot (0..16383)
 * @param to   last slot, inclusive ({@code from..16383})
 */
public record Slots(int from, int to) {

  public Slots {
    if (from < 0 || to >= Topology.SLOTS || from > to) {
      throw new IllegalArgumentException("not a slot range: " + from + "-" + to);
    }
  }

  public int size() {
    return to - from + 1;
  }

  /**
   * All 16384 slots split into {@code shards} contiguous ranges in order, the first
   * {@code 16384 mod shards} one slot larger: sizes differ by at most one.
   */
  public static List<Slots> split(int shards) {
    if (shards < 1 || shards > Topology.SLOTS) {
      throw new IllegalArgumentException("cannot split " + Topology.SLOTS + " slots into " + shards + " shards");
    }
    List<Slots> ranges = new ArrayList<>(shards);
    int base = Topology.SLOTS / shards;
    int larger = Topology.SLOTS % shards;
    int from = 0;
    for (int i = 0; i < shards; i++) {
      int size = base + (i < larger ? 1 : 0);
      ranges.add(new Slots(from, from + size - 1));
      from += size;
    }
    return List.copyOf(ranges);
  }

  /**
   * Sorted slot numbers as an operator reads them: {@code "0-99, 5000"}. Long lists are cut
   * after {@code maxRanges} ranges with a count of the rest, so a message stays one line.
   */
  public static String summarize(List<Integer> sortedSlots, int maxRanges) {
    List<String> ranges = new ArrayList<>();
    int i = 0;
    int total = 0;
    while (i < sortedSlots.size()) {
      int start = sortedSlots.get(i);
      int end = start;
      while (i + 1 < sortedSlots.size() && sortedSlots.get(i + 1) == end + 1) {
        i++;
        end++;
      }
      i++;
      total++;
      if (ranges.size() < maxRanges) {
        ranges.add(start == end ? Integer.toString(start) : start + "-" + end);
      }
    }
    String text = String.join(", ", ranges);
    return total > maxRanges ? text + " and " + (total - maxRanges) + " more ranges" : text;
  }

  @Override
  public String toString() {
    return from == to ? Integer.toString(from) : from + "-" + to;
  }
}
