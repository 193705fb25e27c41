package io.meridian.coordinator.scale;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A scaling job as the leader keeps it in the CP group: what it does, under which term it runs,
 * how far it got and how it ended. A new leader reads them when elected and resumes a job the
 * previous one left {@code running} (a job run again skips what is done).
 *
 * @param role     {@code auto}, {@code primary} or {@code replica} for an add-node; empty for a removal
 * @param state    {@code running}, {@code done}, {@code failed}, or {@code interrupted} (its leader
 *                 lost the lead; the next leader resumes it)
 * @param progress the newest {@link #MAX_LINES} lines
 */
public record JobRecord(String id, String operation, String node, Optional<String> role, long term,
    Instant startedAt, String state, Optional<String> result, Optional<String> error, Optional<Instant> finishedAt,
    List<Line> progress) {

  public static final int MAX_LINES = 200;
  public static final List<String> STATES = List.of("running", "done", "failed", "interrupted");

  /** One progress line. */
  public record Line(Instant at, String text) {
  }

  public JobRecord {
    progress = List.copyOf(progress.size() > MAX_LINES ? progress.subList(progress.size() - MAX_LINES, progress.size())
        : progress);
    if (!STATES.contains(state)) {
      throw new IllegalArgumentException("job state '" + state + "': expected one of " + STATES);
    }
  }
}
