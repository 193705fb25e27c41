package io.meridian.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.agent.admin.Bootstrap;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.command.Promotion;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.process.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given three real primaries with a replica each, when the leader has a replica take over twice
 * within Redis's election timeout (a rebalancing failover, then a FORCE once its primary stops
 * answering), then the second takeover still owns the slots with a config epoch above the old
 * primary's, so that when the old primary answers again it follows the new one instead of taking
 * the slots (and every write acknowledged meanwhile) back.
 */
class PromotionIT {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;
  private final List<RedisServerProcess> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.stop(Duration.ofSeconds(5)));
    servers.forEach(s -> assertThat(s.isAlive()).isFalse());
  }

  @Test
  void aForcedTakeoverSoonAfterTheReplicasLastElectionOwnsTheSlotsWithTheNewestEpoch() throws Exception {
    List<String> nodes = BootstrapIT.start(dir, servers, 6, Map.of());
    new Bootstrap(RedisAuth.none(), Duration.ofSeconds(40), false, line -> { }).run(BootstrapIT.sixNodes(nodes));
    String primary = nodes.get(0);
    String replica = nodes.get(3);
    try (NodeAdmin p = new NodeAdmin(primary, RedisAuth.none(), Duration.ofSeconds(5));
        NodeAdmin r = new NodeAdmin(replica, RedisAuth.none(), Duration.ofSeconds(5))) {
      awaitFollows(r, p);
      Awaitility.await("every node to see cluster_state:ok").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100)).until(() -> nodes.stream().allMatch(PromotionIT::clusterOk));
      // The replica wins an election (a rebalancing step), then hands the shard back.
      assertThat(Promotion.coordinated(r)).startsWith("primary after ");
      awaitFollows(p, r);
      assertThat(Promotion.coordinated(p)).startsWith("primary after ");
      awaitFollows(r, p);
      long oldEpoch = ClusterNodesReply.parse(p.clusterNodes()).myself().configEpoch();

      // Seconds later the primary stops answering and the leader forces the replica up.
      servers.get(0).freeze();
      String result = Promotion.forced(r);
      System.out.printf("FORCE on %s: %s%n", replica, result);
      ClusterNodesReply after = ClusterNodesReply.parse(r.clusterNodes());
      assertThat(after.myself().isPrimary()).as(result).isTrue();
      assertThat(after.myself().configEpoch()).as("the new primary's epoch against the old one's (%d): %s", oldEpoch,
          result).isGreaterThan(oldEpoch);
      // This Redis counts the earlier election's votes again: the bump is what made the epoch right.
      assertThat(result).contains("CLUSTER BUMPEPOCH answered BUMPED");

      servers.get(0).thaw();
      awaitFollows(p, r);
      assertThat(ClusterNodesReply.parse(r.clusterNodes()).myself().slotText()).containsExactly("0-5461");
    }
  }

  private static boolean clusterOk(String node) {
    try (NodeAdmin admin = new NodeAdmin(node, RedisAuth.none(), Duration.ofSeconds(5))) {
      return admin.clusterInfo().contains("cluster_state:ok")
          && !admin.info("replication").contains("master_link_status:down");
    }
  }

  /** Until {@code follower} is a replica of {@code primary}, as both see it, with its link up. */
  private static void awaitFollows(NodeAdmin follower, NodeAdmin primary) {
    Awaitility.await(follower.node() + " to follow " + primary.node()).atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100)).until(() -> {
          ClusterNodesReply.Entry me = ClusterNodesReply.parse(follower.clusterNodes()).myself();
          ClusterNodesReply theirs = ClusterNodesReply.parse(primary.clusterNodes());
          Optional<String> seenAs = theirs.byId(me.id()).flatMap(ClusterNodesReply.Entry::masterId);
          return me.isReplica() && me.masterId().equals(Optional.of(theirs.myself().id()))
              && seenAs.equals(Optional.of(theirs.myself().id())) && theirs.myself().slotCount() > 0
              && follower.info("replication").contains("master_link_status:up");
        });
  }
}
