package io.meridian.agent.command;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.agent.redis.InfoText;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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

  private Promotion() {
  }

  /**
   * Plain {@code CLUSTER FAILOVER}: the primary stops writes, the replica catches up and takes
   * over. Redis answers at once and fails over meanwhile, so this waits (up to
   * {@value #FAILOVER_WAIT_MS} ms) until the node says it is primary, and reports how long that took:
   * an upper bound of the time writes were paused.
   */
  public static String coordinated(NodeAdmin admin) {
    Optional<String> former = ClusterNodesReply.parse(admin.clusterNodes()).myself().masterId();
    long start = System.nanoTime();
    admin.call("CLUSTER", "FAILOVER");
    if (!awaitPrimary(admin, start, FAILOVER_WAIT_MS)) {
      throw new IllegalStateException("CLUSTER FAILOVER was accepted, but " + admin.node() + " was not primary after "
          + FAILOVER_WAIT_MS + " ms");
    }
    return "primary after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms"
        + former.map(id -> newestEpoch(admin, id)).orElse("");
  }

  /**
   * {@code CLUSTER FAILOVER FORCE}: the replica takes over with the votes of a majority of primaries,
   * without its own primary. Waits up to {@value #FORCE_WAIT_MS} ms for the node to be primary (an
   * election takes milliseconds); if it is not by then, Redis goes on with the election and the
   * leader, which checks every promotion, escalates. Once primary, its epoch must be newer than its
   * old primary's ({@link PromotionEpoch}).
   */
  public static String forced(NodeAdmin admin) {
    Optional<String> former = ClusterNodesReply.parse(admin.clusterNodes()).myself().masterId();
    long start = System.nanoTime();
    String ok = admin.call("CLUSTER", "FAILOVER", "FORCE");
    if (former.isEmpty()) {
      return ok + " (already a primary)";
    }
    if (!awaitPrimary(admin, start, FORCE_WAIT_MS)) {
      return ok + "; not primary yet after " + FORCE_WAIT_MS + " ms (Redis goes on with the election)";
    }
    return ok + "; primary after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms"
        + newestEpoch(admin, former.get());
  }

  private static boolean awaitPrimary(NodeAdmin admin, long start, long waitMs) {
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(waitMs);
    while (System.nanoTime() < deadline) {
      if (InfoText.parse(admin.info("replication")).get("role").filter("master"::equals).isPresent()) {
        return true;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    return false;
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
