package io.meridian.agent.command;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.agent.redis.InfoText;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two ways the leader has a replica take over in a running cluster, each waiting until the
 * node is primary and then making sure it owns the slots with a newer config epoch than the
 * primary it replaced ({@link PromotionEpoch}). Runs on a worker thread.
 */
public final class Promotion {

  private static final Logger LOG = LoggerFactory.getLogger(Promotion.class);
  private static final long FAILOVER_WAIT_MS = 10_000;
  private static final long FORCE_WAIT_MS = 2_000;
  /**
   * A FORCE election that Redis runs is over within a round trip to the primaries (44 ms in a
   * partition bench run); this leaves room for a slow link between regions.
   */
  private static final long FORCE_ELECTION_MS = 500;
  /** Redis 7.0's window after a replica's election in which it will not run a fair one: 4 node timeouts. */
  private static final int ELECTION_WINDOW_TIMEOUTS = 4;
  private static final long REDIS_DEFAULT_NODE_TIMEOUT_MS = 15_000;

  /** Node → when (System.nanoTime) it last became primary through this agent. */
  private final Map<String, Long> wonAt = new ConcurrentHashMap<>();

  /**
   * What a promotion did, for the leader's history, and how long the node took to be primary when
   * this agent saw it become primary (empty when it was already, or is not yet).
   */
  public record Result(String detail, Optional<Long> primaryAfterMs) {

    static Result of(String detail) {
      return new Result(detail, Optional.empty());
    }
  }

  /**
   * Plain {@code CLUSTER FAILOVER}: the primary stops writes, the replica catches up and takes
   * over. Redis answers at once and fails over meanwhile, so this waits (up to
   * {@value #FAILOVER_WAIT_MS} ms) until the node says it is primary, and reports how long that took:
   * an upper bound of the time writes were paused.
   */
  public Result coordinated(NodeAdmin admin) {
    Optional<String> former = ClusterNodesReply.parse(admin.clusterNodes()).myself().masterId();
    long start = System.nanoTime();
    admin.call("CLUSTER", "FAILOVER");
    if (!awaitPrimary(admin, start, FAILOVER_WAIT_MS)) {
      throw new IllegalStateException("CLUSTER FAILOVER was accepted, but " + admin.node() + " was not primary after "
          + FAILOVER_WAIT_MS + " ms");
    }
    wonAt.put(admin.node(), System.nanoTime());
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return new Result("primary after " + took + " ms" + former.map(id -> newestEpoch(admin, id)).orElse(""),
        Optional.of(took));
  }

  /**
   * {@code CLUSTER FAILOVER FORCE}: the replica takes over with the votes of a majority of primaries,
   * without its own primary. When this agent made the node primary within the last 4 node timeouts,
   * it takes over without votes ({@code TAKEOVER}) at once, for the reasons below. An election takes
   * milliseconds; when the node is not primary after
   * {@value #FORCE_ELECTION_MS} ms, Redis is holding the election back without saying so, and this
   * takes over without votes ({@code TAKEOVER}). Redis 7.0 does that to a replica whose previous
   * election is between 2 and 4 node timeouts old ("Failover attempt expired" in its log: a shard
   * failed over twice within 20 s, at the default 5 s, waited up to 20 s), and primaries refuse
   * their votes for a shard they voted on within 2 node timeouts. The leader ordered this promotion
   * with a majority of regions behind it, after the old primary's fence: the votes add nothing it
   * has not checked. Waits up to {@value #FORCE_WAIT_MS} ms more; if it is not primary by then, the
   * leader, which checks every promotion, tries another candidate. Once primary, its epoch must be
   * newer than its old primary's ({@link PromotionEpoch}).
   */
  public Result forced(NodeAdmin admin) {
    ClusterNodesReply.Entry me = ClusterNodesReply.parse(admin.clusterNodes()).myself();
    Optional<String> former = me.masterId();
    if (former.isEmpty()) {
      return alreadyPrimary(admin, me);
    }
    long start = System.nanoTime();
    Optional<String> recent = recentElection(admin, start);
    if (recent.isPresent()) {
      String took = admin.call("CLUSTER", "FAILOVER", "TAKEOVER");
      LOG.atWarn().addKeyValue("node", admin.node()).log("{} became primary through this agent {}, within Redis's "
          + "window after an election: a FORCE would reuse that election's votes or wait for the window to end, so "
          + "TAKEOVER at once (answered {})", admin.node(), recent.get(), took);
      return finish(admin, former.get(), start, "TAKEOVER at once, not FORCE: it became primary through this agent "
          + recent.get() + ", within Redis's window after an election: " + took);
    }
    String ok = admin.call("CLUSTER", "FAILOVER", "FORCE");
    String how = ok;
    if (!awaitPrimary(admin, start, FORCE_ELECTION_MS)) {
      String took = admin.call("CLUSTER", "FAILOVER", "TAKEOVER");
      how = ok + "; no election within " + FORCE_ELECTION_MS + " ms (Redis holds it back after a recent election "
          + "or vote for this shard), so TAKEOVER: " + took;
      LOG.atWarn().addKeyValue("node", admin.node()).log("{} did not start its FORCE election within {} ms: Redis "
          + "holds one back within 4 node timeouts of the replica's previous election, or the primaries' votes within "
          + "2 of their last vote for the shard; took over without votes (TAKEOVER answered {})", admin.node(),
          FORCE_ELECTION_MS, took);
      return finish(admin, former.get(), start, how);
    }
    return done(admin, former.get(), start, how);
  }

  /**
   * {@code CLUSTER FAILOVER TAKEOVER}: the replica takes the slots without any votes, with a new
   * epoch of its own. The leader orders it when a majority of primaries is gone, or to escalate a
   * FORCE: that FORCE may have made the node primary meanwhile (this agent's fallback), and the
   * node already serving is the outcome asked for, not an error.
   */
  public Result takeover(NodeAdmin admin) {
    ClusterNodesReply.Entry me = ClusterNodesReply.parse(admin.clusterNodes()).myself();
    if (me.masterId().isEmpty()) {
      return alreadyPrimary(admin, me);
    }
    long start = System.nanoTime();
    return finish(admin, me.masterId().get(), start, admin.call("CLUSTER", "FAILOVER", "TAKEOVER"));
  }

  /** A promotion of a node that is a primary already: done if it serves slots, else an error. */
  private static Result alreadyPrimary(NodeAdmin admin, ClusterNodesReply.Entry me) {
    if (me.slotCount() == 0) {
      throw new IllegalStateException(admin.node() + " is a primary without slots: there is no shard for it to take "
          + "over");
    }
    return Result.of("OK (already a primary, serving " + String.join(",", me.slotText()) + ")");
  }

  /** After a TAKEOVER: waits up to {@value #FORCE_WAIT_MS} ms for the node to be primary. */
  private Result finish(NodeAdmin admin, String former, long start, String how) {
    if (!awaitPrimary(admin, System.nanoTime(), FORCE_WAIT_MS)) {
      return Result.of(how + "; not primary yet " + FORCE_WAIT_MS + " ms later");
    }
    return done(admin, former, start, how);
  }

  private Result done(NodeAdmin admin, String former, long start, String how) {
    wonAt.put(admin.node(), System.nanoTime());
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return new Result(how + "; primary after " + took + " ms" + newestEpoch(admin, former), Optional.of(took));
  }

  /** "N ms ago" when this agent made the node primary within Redis's window after an election. */
  private Optional<String> recentElection(NodeAdmin admin, long now) {
    Long at = wonAt.get(admin.node());
    if (at == null) {
      return Optional.empty();
    }
    long agoMs = TimeUnit.NANOSECONDS.toMillis(now - at);
    long timeoutMs = REDIS_DEFAULT_NODE_TIMEOUT_MS;
    try {
      List<String> reply = admin.list("CONFIG", "GET", "cluster-node-timeout");
      if (reply.size() == 2) {
        timeoutMs = Long.parseLong(reply.get(1));
      }
    } catch (RuntimeException e) {
      // CONFIG renamed or refused: Redis's default is the longest window this could be
      LOG.debug("cannot read cluster-node-timeout of {} ({}); assuming {} ms", admin.node(), e.toString(), timeoutMs);
    }
    return agoMs < ELECTION_WINDOW_TIMEOUTS * timeoutMs ? Optional.of(agoMs + " ms ago") : Optional.empty();
  }

  private static boolean awaitPrimary(NodeAdmin admin, long start, long waitMs) {
    return io.meridian.runtime.poll.StatusPoll.until(start + TimeUnit.MILLISECONDS.toNanos(waitMs),
        java.time.Duration.ofMillis(10),
        () -> InfoText.parse(admin.info("replication")).get("role").filter("master"::equals).isPresent());
  }

  /** Bumps the new primary's config epoch when it is not above its old primary's; says so. */
  private static String newestEpoch(NodeAdmin admin, String formerPrimaryId) {
    Optional<String> behind = PromotionEpoch.behind(ClusterNodesReply.parse(admin.clusterNodes()), formerPrimaryId);
    if (behind.isEmpty()) {
      return "";
    }
    String bumped = admin.call("CLUSTER", "BUMPEPOCH");
    LOG.atWarn().addKeyValue("node", admin.node()).log("{} took over, but its {}: CLUSTER BUMPEPOCH answered {}",
        admin.node(), behind.get(), bumped);
    return "; its " + behind.get() + ": CLUSTER BUMPEPOCH answered " + bumped;
  }
}
