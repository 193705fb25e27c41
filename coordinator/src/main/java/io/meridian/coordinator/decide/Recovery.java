package io.meridian.coordinator.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One recovery of a shard, from the first promotion ordered to the shard served again: what
 * triggered it, the evidence, and every command sent for it with its result. Kept in the
 * {@link FailoverMemory} while it runs, so that a new leader continues it (its duration and events
 * included); written to the shared history when it ends.
 *
 * @param id            {@code <shard's first slot>-t<term>-<start, epoch ms>}: the same on every
 *                      coordinator, and the prefix of every command id sent for it
 * @param term          the term it started in
 * @param trigger       the kind of analysis that started it ({@link Analysis#kind()})
 * @param evidence      the decision's reason, with the evidence it cites
 * @param region        the failed primary's region, when known
 * @param sent          commands sent for it so far, in any term (numbers the command ids)
 * @param attemptFailed the current candidate's failure is already counted
 * @param outcome       empty while it runs
 */
public record Recovery(String id, String shard, long term, String trigger, String evidence, String failedPrimary,
    Optional<String> region, Instant startedAt, List<Step> steps, int sent, boolean attemptFailed,
    Optional<Outcome> outcome) {

  /** The newest steps kept: a recovery that needs more than this many commands is already an incident. */
  public static final int MAX_STEPS = 16;

  /** A command sent for the recovery, with what came of it. */
  public record Step(Instant at, long term, String command, String target, String result, String commandId) {
  }

  /** How it ended, and when. */
  public record Outcome(String result, Instant at, String summary) {
    public static final String SUCCEEDED = "succeeded";
  }

  public Recovery {
    steps = List.copyOf(steps);
  }

  public static Recovery start(String shard, long term, String trigger, String evidence, String failedPrimary,
      Optional<String> region, Instant at) {
    return new Recovery(ShardId.parse(shard).firstSlot() + "-t" + term + "-" + at.toEpochMilli(), shard, term, trigger, evidence,
        failedPrimary, region, at, List.of(), 0, false, Optional.empty());
  }

  /**
   * The id of the next command sent for it: {@code <recovery id>/t<term>/<n>/<kind>}. Unique across
   * leaders (the term), and it ties the agent's log and the history's command entries to this record.
   */
  public String nextCommandId(long sendingTerm, String kind) {
    return id + "/t" + sendingTerm + "/" + (sent + 1) + "/" + kind.toLowerCase(Locale.ROOT);
  }

  /** A command was handed to the bus. */
  public Recovery commandSent() {
    return new Recovery(id, shard, term, trigger, evidence, failedPrimary, region, startedAt, steps, sent + 1,
        attemptFailed, outcome);
  }

  /** A command's result; the oldest steps go past {@link #MAX_STEPS}. */
  public Recovery step(Step step) {
    List<Step> next = new ArrayList<>(steps);
    next.add(step);
    while (next.size() > MAX_STEPS) {
      next.remove(0);
    }
    return new Recovery(id, shard, term, trigger, evidence, failedPrimary, region, startedAt, next, sent,
        attemptFailed, outcome);
  }

  public Recovery attemptFailed(boolean failed) {
    return new Recovery(id, shard, term, trigger, evidence, failedPrimary, region, startedAt, steps, sent, failed,
        outcome);
  }

  public Recovery ended(Outcome how) {
    return new Recovery(id, shard, term, trigger, evidence, failedPrimary, region, startedAt, steps, sent,
        attemptFailed, Optional.of(how));
  }

  /** From the start to its end (or to {@code now} while it runs). */
  public Duration duration(Instant now) {
    return Duration.between(startedAt, outcome.map(Outcome::at).orElse(now));
  }
}
