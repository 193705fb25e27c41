package io.meridian.coordinator.decide;

import io.meridian.messages.RedisState;
import java.util.List;

/**
 * A shard, named by the slot ranges its primary owns as Redis lists them ({@code 0-5460},
 * {@code 0-10,20}). Maps, the CP group, the API and the history keep its {@link #text()}; this is
 * the one place that builds and splits it.
 */
public record ShardId(List<String> ranges) {

  public ShardId {
    ranges = List.copyOf(ranges);
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("a shard has at least one slot range");
    }
  }

  /** The shard of a node that is (or was) a primary. */
  public static ShardId of(RedisState primary) {
    return new ShardId(primary.slots());
  }

  /** A shard from its {@link #text()}. */
  public static ShardId parse(String text) {
    return new ShardId(List.of(text.split(",")));
  }

  /** {@code 0-5460} or {@code 0-10,20}: the ranges joined by commas. */
  public String text() {
    return String.join(",", ranges);
  }

  /** The first slot of its first range, as text. */
  public String firstSlot() {
    return ranges.get(0).split("-", 2)[0];
  }

  @Override
  public String toString() {
    return text();
  }
}
