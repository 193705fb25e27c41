package io.meridian.agent.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.agent.redis.ClusterNodesReply;
import org.junit.jupiter.api.Test;

/** Given the new primary's CLUSTER NODES right after it took over, is its epoch above the old primary's? */
class PromotionEpochTest {

  private static final String OLD = "96e691811642daba55480d5b0361e26750ae6a35";

  private static ClusterNodesReply nodes(String myFlags, long myEpoch, long oldEpoch) {
    return ClusterNodesReply.parse(String.join("\n",
        "ec7562d0155b069a1e4155008c5f60e225382034 10.213.164.11:7000@17000 " + myFlags + " - 0 0 " + myEpoch
            + " connected 0-5461",
        OLD + " 10.213.164.12:7004@17004 master,fail - 0 0 " + oldEpoch + " connected",
        "097938220f97652c454736cbcd661c54bfc22b0d 10.213.164.13:7006@17006 master - 0 0 6 connected 10923-16383"));
  }

  @Test
  void aTakeoverWithAStaleElectionsEpochIsBehind() {
    // Seen: FORCE 8 s after the node's previous election won with its epoch 14, over a primary at 16.
    assertThat(PromotionEpoch.behind(nodes("myself,master", 14, 16), OLD)).contains("config epoch 14 is not above 16 "
        + "of 10.213.164.12:7004, the primary it replaced (Redis reused an earlier election's votes)");
    assertThat(PromotionEpoch.behind(nodes("myself,master", 16, 16), OLD)).isPresent();
  }

  @Test
  void aFreshElectionsEpochIsAboveTheOldPrimarysAndNeedsNothing() {
    assertThat(PromotionEpoch.behind(nodes("myself,master", 17, 16), OLD)).isEmpty();
  }

  @Test
  void aNodeStillAReplicaOrAnUnknownFormerPrimaryIsLeftAlone() {
    assertThat(PromotionEpoch.behind(nodes("myself,slave", 14, 16), OLD)).isEmpty();
    assertThat(PromotionEpoch.behind(nodes("myself,master", 14, 16), "no-such-node")).isEmpty();
  }
}
