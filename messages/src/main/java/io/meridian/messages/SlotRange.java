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

  /** A range as Redis writes it: {@code 0-5460}, or {@code 5462} for a single slot. */
  public static SlotRange parse(String text) {
    int dash = text.indexOf('-');
    int from = Integer.parseInt(dash < 0 ? text : text.substring(0, dash));
    return new SlotRange(from, dash < 0 ? from : Integer.parseInt(text.substring(dash + 1)));
  }

  /** Sorted slot numbers as the ranges they form, in order. */
  public static java.util.List<SlotRange> of(java.util.List<Integer> sortedSlots) {
    java.util.List<SlotRange> ranges = new java.util.ArrayList<>();
    int i = 0;
    while (i < sortedSlots.size()) {
      int start = sortedSlots.get(i);
      int end = start;
      while (i + 1 < sortedSlots.size() && sortedSlots.get(i + 1) == end + 1) {
        i++;
        end++;
      }
      i++;
      ranges.add(new SlotRange(start, end));
    }
    return java.util.List.copyOf(ranges);
  }

  /**
   * Sorted slot numbers as an operator reads them: {@code "0-99, 5000"}. Long lists are cut
   * after {@code maxRanges} ranges with a count of the rest, so a message stays one line.
   */
  public static String summarize(java.util.List<Integer> sortedSlots, int maxRanges) {
    java.util.List<SlotRange> all = of(sortedSlots);
    String text = String.join(", ", all.stream().limit(maxRanges).map(SlotRange::toString).toList());
    return all.size() > maxRanges ? text + " and " + (all.size() - maxRanges) + " more ranges" : text;
  }

  /** Sorted slot numbers as a command argument: {@code 0-99,5000}. */
  public static String encode(java.util.List<Integer> sortedSlots) {
    return String.join(",", of(sortedSlots).stream().map(SlotRange::toString).toList());
  }

  /**
   * A command argument written by {@link #encode} back to ascending slot numbers.
   *
   * @throws IllegalArgumentException naming what is wrong: empty, not a number, out of range,
   *                                  or not ascending without repeats
   */
  public static java.util.List<Integer> decode(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("no slots given");
    }
    java.util.List<Integer> slots = new java.util.ArrayList<>();
    for (String part : text.split(",")) {
      SlotRange range;
      try {
        range = parse(part.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + part + "' is not a slot or a range of slots");
      }
      for (int slot = range.from(); slot <= range.to(); slot++) {
        if (!slots.isEmpty() && slots.get(slots.size() - 1) >= slot) {
          throw new IllegalArgumentException("slots must be ascending without repeats, got '" + text + "'");
        }
        slots.add(slot);
      }
    }
    return java.util.List.copyOf(slots);
  }

  /** As Redis writes it: {@code 0-5460}, or {@code 5462} for a single slot. */
  @Override
  public String toString() {
    return from == to ? Integer.toString(from) : from + "-" + to;
  }
}
