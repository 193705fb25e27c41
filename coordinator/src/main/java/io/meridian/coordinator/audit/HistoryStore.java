package io.meridian.coordinator.audit;

import java.util.List;

/**
 * The history every coordinator reads the same: bounded, in one order, and kept across leader
 * changes. Blocking (without a CP majority a call waits until Hazelcast gives up): call from a
 * worker of its own, never from an event loop.
 */
public interface HistoryStore {

  /**
   * Stores the entries, numbering those that have no number yet. Idempotent for numbered ones, so
   * a batch whose write failed after numbering can be sent again as {@link Partial#numbered()}.
   *
   * @return the entries as stored (all numbered)
   * @throws Partial when the write failed after the entries were numbered
   * @throws RuntimeException when it failed before
   */
  List<History.Recorded> append(List<History.Recorded> entries);

  /** The most recent entries (at most the store's capacity), in their shared order. */
  List<History.Recorded> recent();

  /** A write that failed after its entries were numbered: send these again, not the originals. */
  final class Partial extends RuntimeException {

    private final transient List<History.Recorded> numbered;

    public Partial(List<History.Recorded> numbered, Throwable cause) {
      super(cause.getMessage(), cause);
      this.numbered = List.copyOf(numbered);
    }

    public List<History.Recorded> numbered() {
      return numbered;
    }
  }
}
