package io.meridian.coordinator.state;

import io.meridian.coordinator.decide.FailoverMemory;
import java.util.Optional;

/**
 * Where the leader keeps the failover memory so that its successor continues from it: recent
 * failovers (anti-flapping), promotions in progress and the candidates they tried, and replaced
 * primaries expected back. Fenced by term: once a leader has claimed the memory, no leader of an
 * earlier term can overwrite it. Blocking: call from a worker, never from an event loop.
 */
public interface LeaderStateStore {

  /**
   * Claims the memory for {@code term} and returns what the previous leader left: empty when none
   * was saved (or it was unreadable, which is logged).
   *
   * @throws IllegalStateException when a leader of a later term has claimed it already
   */
  Optional<FailoverMemory> claim(long term);

  /** Saves the memory; false (nothing written) when a leader of a later term has claimed it. */
  boolean save(FailoverMemory memory, long term);
}
