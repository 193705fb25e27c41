package io.meridian.agent.fence;

import io.meridian.agent.probe.ShardOwners;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Whether this agent's side is isolated, and so whether the primaries on its host must stop
 * acknowledging writes that the majority side will replace. Pure: time comes in as a value.
 *
 * <p>Isolated = no announcement from a leader that hears a majority of regions for {@code after}
 * AND, over the same span, contact (any coordinator's reachability report) with fewer than a
 * majority of the cluster's regions. Either signal alone is not enough: a leader change or one
 * slow region must not stop writes. A leader cut off with this side says it hears a minority
 * (its announcements are then no contact), so its lease does not delay the fence.
 *
 * <p>While the number of regions is unknown (not configured, no leader heard yet, fewer than three
 * regions' coordinators ever heard), only a leader's announcement counts as contact: a minority can
 * never mistake itself for a majority.
 */
public final class WriteFence {

  /** What the agent should do with its local primaries. */
  public enum Verdict {
    /** Isolated: pause writes. */
    FENCE,
    /** In contact: writes flow. */
    LIFT,
    /** Isolated, but an operator took over on this side (a shard moved to a node up here): writes flow. */
    TAKEN_OVER
  }

  /** How long an agent that was never in contact yet waits before it fences: the bus needs a moment. */
  static final Duration STARTUP_GRACE = Duration.ofSeconds(10);

  private WriteFence() {
  }

  /**
   * @param lastLeader  when the last leader announcement arrived, if ever
   * @param heardFrom   region → when a coordinator of that region was last heard
   * @param regions     the number of regions in the cluster
   * @param after       how long isolation must last before writes are paused
   * @param startedAt   when the agent started (an agent that never heard anyone counts from there)
   * @param everInContact whether the agent was in contact at least once since it started
   */
  public static Verdict decide(Instant now, Optional<Instant> lastLeader, Map<String, Instant> heardFrom, int regions,
      Duration after, Instant startedAt, boolean everInContact) {
    Instant since = now.minus(after);
    if (startedAt.isAfter(since)) {
      return Verdict.LIFT;
    }
    // Until it was in contact once, the bus may still be routing this agent's subscriptions
    // (measured: agents of a healthy, just started cluster heard only their own region for seconds
    // and fenced): a grace, not a verdict. An agent started inside a cut fences once it is over.
    if (!everInContact && startedAt.isAfter(now.minus(STARTUP_GRACE))) {
      return Verdict.LIFT;
    }
    return inContact(now, lastLeader, heardFrom, regions, after) ? Verdict.LIFT : Verdict.FENCE;
  }

  /**
   * Whether a quorate leader's announcement, or coordinators of a majority of regions, were heard
   * within {@code window}; {@code regions} below 3 means unknown (see the class comment).
   */
  public static boolean inContact(Instant now, Optional<Instant> lastLeader, Map<String, Instant> heardFrom,
      int regions, Duration window) {
    Instant since = now.minus(window);
    boolean leaderHeard = lastLeader.map(t -> !t.isBefore(since)).orElse(false);
    long regionsHeard = heardFrom.values().stream().filter(t -> !t.isBefore(since)).count();
    return leaderHeard || regions >= 3 && regionsHeard * 2 > regions;
  }

  /**
   * The last contact a leader's announcements give: a leader of another region counts from its last
   * (quorate) announcement; a leader of this agent's own region only as long as a coordinator of
   * another region was heard too. Cut off together with its region, a leader keeps announcing that
   * it hears a majority until it notices (up to a second and an announcement later), which delayed
   * the fence there by about a second (bench partition: 157 writes lost, against 83 elsewhere).
   */
  public static Optional<Instant> leaderContact(Optional<Instant> lastLeader, String leaderRegion, String ownRegion,
      Map<String, Instant> heardFrom) {
    if (lastLeader.isEmpty() || !leaderRegion.equals(ownRegion)) {
      return lastLeader;
    }
    Optional<Instant> otherRegion = heardFrom.entrySet().stream().filter(e -> !e.getKey().equals(ownRegion))
        .map(Map.Entry::getValue).max(Instant::compareTo);
    return otherRegion.map(other -> other.isBefore(lastLeader.get()) ? other : lastLeader.get());
  }

  /**
   * The cluster's number of regions as this agent knows it: configured, else the most of what the
   * leader announced and how many regions' coordinators were ever heard; below 3 is unknown.
   */
  public static int regions(int configured, int announced, int everHeard) {
    return configured > 0 ? configured : Math.max(announced, everHeard);
  }

  /**
   * The evidence that an operator took over on this side since contact was lost: a node's view
   * shows a shard now owned by a node that is up here and did not own it at the last contact.
   * Meridian never acts without a majority and its nodes run with {@code
   * cluster-replica-no-failover}, so on a cut-off side only an operator ({@code meridian failover
   * --region … --force}, a {@code CLUSTER FAILOVER TAKEOVER}) moves a shard. Pausing writes then
   * would undo the operator's decision, so the fence stands down until contact returns. A shard
   * that moved to a node on the other side (seen before the cut) is no evidence: that node is down
   * from here. Nor is a shard that moved to a node this side saw in trouble since contact was lost:
   * that node is on the other side, and its promotion is the majority's, learnt when the cut heals
   * (gossip tells it seconds before the leader's announcements restore contact).
   *
   * @param atContact each node's view at the last contact (or its first, if it never had one)
   * @param now       each node's view now
   * @param otherSide the nodes any view here showed in trouble since contact was lost
   */
  public static Optional<String> takeover(Map<String, ShardOwners> atContact, Map<String, ShardOwners> now,
      Set<String> otherSide) {
    return new TreeMap<>(now).entrySet().stream()
        .filter(e -> atContact.containsKey(e.getKey()))
        .flatMap(e -> e.getValue().takenOverSince(atContact.get(e.getKey()), otherSide)
            .map(what -> e.getKey() + " sees " + what).stream())
        .findFirst();
  }

  /** FENCE becomes TAKEN_OVER when there is evidence of a takeover on this side. */
  public static Verdict overrule(Verdict verdict, Optional<String> takeover) {
    return verdict == Verdict.FENCE && takeover.isPresent() ? Verdict.TAKEN_OVER : verdict;
  }

  /** A sentence for the log, with the evidence. */
  public static String reason(Verdict verdict, Optional<Instant> lastLeader, Set<String> regionsHeard, int regions,
      Duration after, Optional<String> takeover) {
    if (verdict == Verdict.TAKEN_OVER) {
      return "isolated, but a shard moved on this side since contact was lost (" + takeover.orElse("?") + "): an "
          + "operator took over here (meridian failover --force); writes are not paused here until contact returns";
    }
    if (verdict == Verdict.FENCE) {
      return "isolated: no announcement from a leader that hears a majority of regions, and contact with only "
          + regionsHeard.size() + " of " + (regions >= 3 ? Integer.toString(regions) : "(not yet known)") + " regions "
          + regionsHeard + " for " + after.toMillis() + " ms; pausing writes on local primaries so that clients stop "
          + "getting acknowledgements the majority side will replace"
          + (regions >= 3 ? "" : " (if this cluster runs without a leader on purpose, set fencing.enabled: false)");
    }
    return "contact restored (leader heard: " + lastLeader.isPresent() + ", regions heard: " + regionsHeard
        + "); lifting the write pause";
  }
}
