package io.meridian.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.admin.Resharding;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.process.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a real cluster of three primaries with a replica each, when a slot move names a target
 * that is not where the source's own cluster says that node is (a forged MIGRATE_SLOTS), then it
 * is refused before any connection to the named address is opened (connecting would send the Redis
 * credentials there), and nothing moves; a move to a real member still works.
 */
class ReshardingGuardIT {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;
  private final List<RedisServerProcess> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.stop(Duration.ofSeconds(5)));
  }

  @Test
  void aMoveToAnAddressOutsideTheClusterIsRefusedBeforeConnectingAndAMemberStillTakesSlots() throws Exception {
    List<String> nodes = BootstrapIT.formedSixNodes(dir, servers, Map.of());
    String source = nodes.get(0);
    String member = nodes.get(1);
    String memberId;
    try (NodeAdmin admin = new NodeAdmin(member, RedisAuth.none(), Duration.ofSeconds(5))) {
      memberId = admin.myId();
    }
    int slot = ClusterNodesReply.parse(clusterNodes(source)).myself().slots().get(0)[0];
    Resharding resharding = new Resharding(RedisAuth.none(), Duration.ofSeconds(10), 100, line -> { });

    try (AgentUnderTest.Stranger stranger = new AgentUnderTest.Stranger()) {
      Resharding.Node thief = new Resharding.Node(stranger.address(), stranger.address());
      // An id the cluster does not know, at the listener's address...
      assertThatThrownBy(() -> resharding.moveOwned(new Resharding.Node(source, source), thief, "f".repeat(40),
          List.of(slot))).isInstanceOf(Resharding.NotAMember.class)
          .hasMessageContaining("refused before connecting to " + thief.address())
          .hasMessageContaining("is not a member of " + source + "'s cluster");
      // ...and a real member's id with the listener's address: both refused.
      assertThatThrownBy(() -> resharding.moveOwned(new Resharding.Node(source, source), thief, memberId,
          List.of(slot))).isInstanceOf(Resharding.NotAMember.class)
          .hasMessageContaining("is at " + member + ", not at " + thief.address());
      // A connection made during either call would be accepted within moments: none comes.
      Awaitility.await("no connection to the address outside the cluster").during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(2)).until(() -> stranger.connections() == 0);
    }
    assertThat(ClusterNodesReply.parse(clusterNodes(source)).myself().slots().get(0)[0]).as("nothing moved")
        .isEqualTo(slot);

    Resharding.Moved moved = resharding.moveOwned(new Resharding.Node(source, source),
        new Resharding.Node(member, member), memberId, List.of(slot));
    assertThat(moved.slots()).isEqualTo(1);
  }

  private static String clusterNodes(String node) {
    try (NodeAdmin admin = new NodeAdmin(node, RedisAuth.none(), Duration.ofSeconds(5))) {
      return admin.clusterNodes();
    }
  }

}
