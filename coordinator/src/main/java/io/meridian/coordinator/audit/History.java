package io.meridian.coordinator.audit;

import io.meridian.coordinator.decide.Recovery;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What this coordinator decided and did, newest last, bounded: its own view, and the queue of
 * entries not yet written to the shared history in the CP group ({@link SharedHistory}). One
 * context only.
 */
public final class History {

  /**
   * One step: a decision with its evidence, the result of an action, or a recovery that ended.
   *
   * @param id       the command id (idempotency id) when the step concerns a command
   * @param recovery the whole record, on an entry of kind {@code recovery}
   */
  public record Entry(Instant at, long term, String shard, String kind, String text, Optional<String> id,
      Optional<Recovery> recovery) {

    public Entry(Instant at, long term, String shard, String kind, String text, Optional<String> id) {
      this(at, term, shard, kind, text, id, Optional.empty());
    }

    /** The entry that records an ended recovery. */
    public static Entry of(Recovery ended, long term) {
      Recovery.Outcome how = ended.outcome().orElseThrow(() -> new IllegalArgumentException("recovery "
          + ended.id() + " has not ended"));
      return new Entry(how.at(), term, ended.shard(), "recovery", how.summary(), Optional.empty(),
          Optional.of(ended));
    }
  }

  /**
   * An entry as every coordinator reads it.
   *
   * @param seq its place in the shared history (allocated by the CP group, so one order for every
   *            coordinator); empty until it is stored there
   * @param by  the coordinator that recorded it
   */
  public record Recorded(OptionalLong seq, String by, Entry entry) {

    public Recorded numbered(long number) {
      return new Recorded(OptionalLong.of(number), by, entry);
    }
  }

  /** Every kind of entry this version records (the API's filter accepts these). */
  public static final java.util.Set<String> KINDS = java.util.Set.of("decision", "command", "leadership", "operator",
      "rebalance", "scaling", "recovery");

  private final String by;
  private final int capacity;
  private final Deque<Entry> entries = new ArrayDeque<>();
  private final Deque<Recorded> unshared = new ArrayDeque<>();

  /** @param by this coordinator's id, which every entry it records carries */
  public History(String by, int capacity) {
    this.by = by;
    this.capacity = capacity;
  }

  public void add(Entry entry) {
    entries.addLast(entry);
    while (entries.size() > capacity) {
      entries.removeFirst();
    }
    unshared.addLast(new Recorded(OptionalLong.empty(), by, entry));
    trimUnshared();
  }

  /** This coordinator's own entries, oldest first. */
  public List<Entry> entries() {
    return new ArrayList<>(entries);
  }

  /** This coordinator's id, as its entries carry it. */
  public String by() {
    return by;
  }

  /** Takes the entries not yet shared, oldest first; hand back with {@link #unshared(List)} what could not be. */
  public List<Recorded> takeUnshared() {
    List<Recorded> taken = new ArrayList<>(unshared);
    unshared.clear();
    return taken;
  }

  /** Entries that could not be shared yet, ahead of anything recorded since; the oldest go past the bound. */
  public void unshared(List<Recorded> back) {
    for (int i = back.size() - 1; i >= 0; i--) {
      unshared.addFirst(back.get(i));
    }
    trimUnshared();
  }

  /** Entries waiting to be shared, oldest first (not taken). */
  public List<Recorded> pending() {
    return new ArrayList<>(unshared);
  }

  private void trimUnshared() {
    while (unshared.size() > capacity) {
      unshared.removeFirst();
    }
  }
}
