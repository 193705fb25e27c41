package io.meridian.coordinator.leadership;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Decides, from successive reads of the CP group, how this coordinator gets back into it. Pure:
 * time comes in as a value; one instance per coordinator, called from one thread at a time.
 *
 * <ul>
 *   <li>Removed (it still has a CP identity that the group no longer lists) on two reads in a row:
 *       replace the leadership member, since that identity never returns. One read could be a
 *       transient answer.
 *   <li>Outside (no CP identity) while the group has a free seat: promote.
 *   <li>Not a member {@link #DEFAULT_BOUND} after the group first answered without it (and a seat is
 *       free): give up, so that the process exits and its supervisor starts it afresh. Only answered
 *       reads give up: a coordinator that is cut off again waits for contact.
 * </ul>
 * A coordinator beyond {@code leadership.cpMembers} finds no free seat and stays outside for good.
 */
final class CpRejoin {

  /** How long a reachable coordinator may stay outside the CP group before it gives up. */
  static final Duration DEFAULT_BOUND = Duration.ofMinutes(2);

  /** Where one read of the CP group placed this coordinator. */
  enum Standing {
    /** The group did not answer (no CP majority in reach, or discovery not completed). */
    UNANSWERED,
    /** Listed, with its current identity. */
    MEMBER,
    /** It has a CP identity that the group no longer lists. */
    REMOVED,
    /** It has no CP identity (restarted, or a replaced member). */
    OUTSIDE
  }

  /** One read: where it stands, and how many CP members the group lists (when it answered). */
  record Reading(Standing standing, int listed) {
    static Reading unanswered() {
      return new Reading(Standing.UNANSWERED, 0);
    }
  }

  enum Step { NONE, PROMOTE, REPLACE, GIVE_UP }

  /** What to do, and why, for the log. */
  record Decision(Step step, String reason) {
  }

  private final int configured;
  private final Duration bound;
  private int removedReads;
  /** When the group first answered without this coordinator in it, since it was last a member. */
  private OptionalLong outsideSince = OptionalLong.empty();

  CpRejoin(int configured, Duration bound) {
    this.configured = configured;
    this.bound = bound;
  }

  Decision next(Reading reading, long nowNanos) {
    Standing standing = reading.standing();
    if (standing == Standing.UNANSWERED) {
      removedReads = 0;
      return new Decision(Step.NONE, "the CP group did not answer: out of reach of its majority, or still forming");
    }
    if (standing == Standing.MEMBER) {
      removedReads = 0;
      outsideSince = OptionalLong.empty();
      return new Decision(Step.NONE, "a member of the CP group (" + reading.listed() + " of " + configured + ")");
    }
    boolean seatFree = reading.listed() < configured;
    if (standing == Standing.OUTSIDE && !seatFree) {
      // Not stuck: waiting for a seat (a spare coordinator waits for good), so the bound starts later.
      removedReads = 0;
      outsideSince = OptionalLong.empty();
      return new Decision(Step.NONE, "not a CP member and the group is full (" + reading.listed() + " of "
          + configured + "): a departed member's identity is still counted until its auto-removal");
    }
    if (outsideSince.isEmpty()) {
      outsideSince = OptionalLong.of(nowNanos);
    }
    long outsideSeconds = (nowNanos - outsideSince.getAsLong()) / 1_000_000_000L;
    if (seatFree && nowNanos - outsideSince.getAsLong() >= bound.toNanos()) {
      return new Decision(Step.GIVE_UP, "this coordinator has not got back into the CP group " + outsideSeconds
          + " s after the group first answered without it (it lists " + reading.listed() + " of " + configured
          + " members; the bound is " + bound.toSeconds() + " s)");
    }
    if (standing == Standing.REMOVED) {
      if (++removedReads < 2) {
        return new Decision(Step.NONE, "the CP group (" + reading.listed() + " of " + configured
            + " members) does not list this coordinator's CP identity; reading once more before acting");
      }
      removedReads = 0;
      return new Decision(Step.REPLACE, "the CP group (" + reading.listed() + " of " + configured
          + " members) removed this coordinator's CP identity, as Hazelcast does with a member missing longer than "
          + "the auto-removal (cut off or frozen), and a removed identity never returns");
    }
    removedReads = 0;
    return new Decision(Step.PROMOTE, "not a CP member, and the group has " + reading.listed() + " of "
        + configured + " members");
  }
}
