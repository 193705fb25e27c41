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
 * within Redis's election window (a rebalancing failover, then a FORCE once its primary stops
 * answering), then the second takeover is quick and still owns the slots with a config epoch above
 * the old primary's, so that when the old primary answers again it follows the new one instead of
 * taking the slots (and every write acknowledged meanwhile) back.
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

  /**
   * The earlier election was not this agent's (an operator's, or before the agent restarted): the
   * FORCE wins at once with that election's votes and its older epoch, and the agent bumps it.
   */
  @Test
  void aForceSoonAfterAnotherElectionOwnsTheSlotsWithTheNewestEpoch() throws Exception {
    List<String> nodes = formed(Map.of());
    try (NodeAdmin p = admin(nodes.get(0)); NodeAdmin r = admin(nodes.get(3))) {
      electedAndHandedBack(new Promotion(), nodes, p, r);
      String result = forcedWhileFrozen(new Promotion(), p, r);
      // This Redis counts the earlier election's votes again: the bump is what made the epoch right.
      assertThat(result).contains("CLUSTER BUMPEPOCH answered BUMPED");
    }
  }

  /**
   * The earlier election was not this agent's and is 11 s old (past 2 node timeouts of 5 s, before
   * 4): Redis 7.0 would hold the FORCE's election back until the 4 node timeouts (20 s) are over
   * ("Failover attempt expired"), so the agent takes over without votes after half a second.
   */
  @Test
  void aForceThatRedisHoldsBackAfterARecentElectionTakesOverWithoutVotes() throws Exception {
    List<String> nodes = formed(Map.of("cluster-replica-no-failover", "yes"));
    try (NodeAdmin p = admin(nodes.get(0)); NodeAdmin r = admin(nodes.get(3))) {
      long elected = electedAndHandedBack(new Promotion(), nodes, p, r);
      long past = elected + Duration.ofSeconds(11).toNanos();
      assertThat(System.nanoTime()).as("the hand-back took longer than the 10 s this scenario needs it within")
          .isLessThan(past);
      Awaitility.await("the replica's election to be 11 s old").atMost(Duration.ofSeconds(12))
          .pollInterval(Duration.ofMillis(20)).until(() -> System.nanoTime() >= past);
      assertThat(forcedWhileFrozen(new Promotion(), p, r)).contains("so TAKEOVER");
    }
  }

  /**
   * The earlier election was this agent's: it takes over without votes at once; a TAKEOVER the
   * leader sends after that finds the work done.
   */
  @Test
  void aForceSoonAfterThisAgentsOwnElectionTakesOverAtOnce() throws Exception {
    List<String> nodes = formed(Map.of("cluster-replica-no-failover", "yes"));
    try (NodeAdmin p = admin(nodes.get(0)); NodeAdmin r = admin(nodes.get(3))) {
      Promotion agent = new Promotion();
      electedAndHandedBack(agent, nodes, p, r);
      assertThat(forcedWhileFrozen(agent, p, r)).contains("TAKEOVER at once");
      // The leader's own escalation to TAKEOVER, arriving after the node took over: done, not an error.
      assertThat(agent.takeover(r)).isEqualTo(new Promotion.Result("OK (already a primary, serving 0-5461)",
          java.util.Optional.empty()));
    }
  }

  /**
   * Freezes the primary, has {@code agent} force the replica up, and checks that it took the slots
   * with a newer epoch and that the old primary follows it once thawed; returns the agent's answer.
   */
  private String forcedWhileFrozen(Promotion agent, NodeAdmin p, NodeAdmin r) {
    long oldEpoch = ClusterNodesReply.parse(p.clusterNodes()).myself().configEpoch();
    servers.get(0).freeze();
    long ordered = System.nanoTime();
    Promotion.Result promoted = agent.forced(r);
    String result = promoted.detail();
    assertThat(promoted.primaryAfterMs()).as(result).isPresent();
    assertThat(result).contains("primary after " + promoted.primaryAfterMs().get() + " ms");
    System.out.printf("FORCE on %s: %s (%d ms)%n", r.node(), result,
        Duration.ofNanos(System.nanoTime() - ordered).toMillis());
    ClusterNodesReply after = ClusterNodesReply.parse(r.clusterNodes());
    assertThat(after.myself().isPrimary()).as(result).isTrue();
    assertThat(after.myself().configEpoch()).as("the new primary's epoch against the old one's (%d): %s", oldEpoch,
        result).isGreaterThan(oldEpoch);
    servers.get(0).thaw();
    awaitFollows(p, r);
    assertThat(ClusterNodesReply.parse(r.clusterNodes()).myself().slotText()).containsExactly("0-5461");
    return result;
  }

  private static NodeAdmin admin(String node) {
    return new NodeAdmin(node, RedisAuth.none(), Duration.ofSeconds(5));
  }

  /** Three primaries with a replica each, formed, every node at cluster_state:ok with its link up. */
  private List<String> formed(Map<String, String> settings) throws Exception {
    return BootstrapIT.formedSixNodes(dir, servers, settings);
  }

  /**
   * The replica wins an election (a rebalancing step), then hands the shard back; returns when it
   * had won.
   */
  private static long electedAndHandedBack(Promotion agent, List<String> nodes, NodeAdmin p, NodeAdmin r) {
    awaitFollows(r, p);
    Promotion.Result handedOver = agent.coordinated(r);
    assertThat(handedOver.detail()).startsWith("primary after " + handedOver.primaryAfterMs().orElseThrow() + " ms");
    long elected = System.nanoTime();
    awaitFollows(p, r);
    // The other primaries refuse their votes to a node they still see as a primary.
    Awaitility.await("every node to see " + p.node() + " as a replica").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50)).until(() -> nodes.stream().allMatch(n -> seenAsReplica(n, p)));
    assertThat(agent.coordinated(p).detail()).startsWith("primary after ");
    awaitFollows(r, p);
    return elected;
  }

  private static boolean seenAsReplica(String node, NodeAdmin replica) {
    String id = ClusterNodesReply.parse(replica.clusterNodes()).myself().id();
    try (NodeAdmin admin = new NodeAdmin(node, RedisAuth.none(), Duration.ofSeconds(5))) {
      return ClusterNodesReply.parse(admin.clusterNodes()).byId(id).map(ClusterNodesReply.Entry::isReplica)
          .orElse(false);
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
