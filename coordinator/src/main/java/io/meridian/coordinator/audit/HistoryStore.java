package io.meridian.coordinator.audit;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The history every coordinator reads the same: bounded, in one order, and kept across leader
 * changes. Asynchronous: nothing here blocks the calling thread.
 */
public interface HistoryStore {

  /**
   * Stores the entries, numbering those that have no number yet. Idempotent for numbered ones, so
   * a batch whose write timed out can be sent again as returned by a failed call's
   * {@link Partial#numbered()}.
   *
   * @return the entries as stored (all numbered)
   */
  CompletionStage<List<History.Recorded>> append(List<History.Recorded> entries);

  /** The most recent entries (at most the store's capacity), in their shared order. */
  CompletionStage<List<History.Recorded>> recent();

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
