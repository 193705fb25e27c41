package io.meridian.messages;

/** An inclusive range of hash slots, {@code from-to}. */
public record SlotRange(int from, int to) {

  public static final int SLOTS = 16384;

  public SlotRange {
    if (from < 0 || to >= SLOTS || from > to) {
      throw new IllegalArgumentException("invalid slot range " + from + "-" + to);
    }
  }

  /** {@code count} contiguous ranges covering all 16384 slots, sizes differing by at most one. */
  public static java.util.List<SlotRange> split(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("need at least one range");
    }
    java.util.List<SlotRange> ranges = new java.util.ArrayList<>();
    int start = 0;
    for (int i = 0; i < count; i++) {
      int size = SLOTS / count + (i < SLOTS % count ? 1 : 0);
      ranges.add(new SlotRange(start, start + size - 1));
      start += size;
    }
    return java.util.List.copyOf(ranges);
  }

  public int size() {
    return to - from + 1;
  }

  @Override
  public String toString() {
    return from + "-" + to;
  }
}
