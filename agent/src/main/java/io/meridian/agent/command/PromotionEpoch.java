package io.meridian.agent.command;

import io.meridian.agent.redis.ClusterNodesReply;
import java.util.Optional;

/**
 * Whether a node that just took over from {@code formerPrimaryId} owns its slots with a config
 * epoch newer than the old primary's. Redis 7.0 keeps a replica's last election for twice the
 * election timeout (4 x cluster-node-timeout) after it won it: a {@code CLUSTER FAILOVER} of the
 * same node within that time counts the old votes again and takes over with the old, lower epoch
 * (seen: FORCE at epoch 14 over a primary at 16, 8 s after the node's previous election). The
 * cut-off old primary then takes the slots back when the cut heals, and every write the new one
 * acknowledged is gone. Pure.
 */
final class PromotionEpoch {

  private PromotionEpoch() {
  }

  /**
   * Empty when the epoch is right; otherwise why the node must bump it ({@code CLUSTER BUMPEPOCH},
   * which the leader's order to promote it makes safe, as {@code TAKEOVER} does by itself).
   */
  static Optional<String> behind(ClusterNodesReply nodes, String formerPrimaryId) {
    ClusterNodesReply.Entry me = nodes.myself();
    Optional<ClusterNodesReply.Entry> former = nodes.byId(formerPrimaryId);
    if (!me.isPrimary() || former.isEmpty() || me.configEpoch() > former.get().configEpoch()) {
      return Optional.empty();
    }
    return Optional.of("config epoch " + me.configEpoch() + " is not above " + former.get().configEpoch() + " of "
        + former.get().address() + ", the primary it replaced (Redis reused an earlier election's votes)");
  }
}
