package io.meridian.coordinator.state;

import java.util.Optional;

/**
 * Where the leader keeps a piece of its state so that its successor continues from it (the
 * failover memory, the rebalancer's operator holds). Fenced by term: once a leader has claimed
 * it, no leader of an earlier term can overwrite it. Blocking: call from a worker, never from an
 * event loop.
 */
public interface TermRegister<T> {

  /**
   * Claims the state for {@code term} and returns what the previous leader left: empty when none
   * was saved (or it was unreadable, which is logged).
   *
   * @throws IllegalStateException when a leader of a later term has claimed it already
   */
  Optional<T> claim(long term);

  /** Saves the state; false (nothing written) when a leader of a later term has claimed it. */
  boolean save(T value, long term);
}
