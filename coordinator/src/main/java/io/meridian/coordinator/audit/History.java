package io.meridian.coordinator.audit;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The leader's record of what it decided and did, newest last, bounded. One context only.
 */
public final class History {

  /**
   * One step: a decision with its evidence, or the result of an action.
   *
   * @param id    the command id (idempotency id) when the step concerns a command
   */
  public record Entry(Instant at, long term, String shard, String kind, String text, Optional<String> id) {
  }

  private final int capacity;
  private final Deque<Entry> entries = new ArrayDeque<>();

  public History(int capacity) {
    this.capacity = capacity;
  }

  public void add(Entry entry) {
    entries.addLast(entry);
    while (entries.size() > capacity) {
      entries.removeFirst();
    }
  }

  public List<Entry> entries() {
    return new ArrayList<>(entries);
  }
}
