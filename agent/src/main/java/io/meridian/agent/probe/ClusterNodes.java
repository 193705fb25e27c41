package io.meridian.agent.probe;

import io.meridian.agent.redis.ClusterNodesReply;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The parts of a {@code CLUSTER NODES} reply a health report needs: the node's own line and the peers it sees in trouble. */
record ClusterNodes(String myId, String myAddress, List<String> myFlags, List<String> mySlots, long mySlotCount,
    Map<String, List<String>> peerTroubles) {

  static final Set<String> TROUBLE = Set.of("fail?", "fail", "handshake", "noaddr");

  static ClusterNodes parse(String reply) {
    ClusterNodesReply nodes = ClusterNodesReply.parse(reply);
    ClusterNodesReply.Entry me = nodes.myself();
    Map<String, List<String>> troubles = new LinkedHashMap<>();
    for (ClusterNodesReply.Entry e : nodes.entries()) {
      if (!e.myself() && e.flags().stream().anyMatch(TROUBLE::contains)) {
        troubles.put(e.id(), e.flags());
      }
    }
    return new ClusterNodes(me.id(), me.address(), me.flags(), me.slotText(), me.slotCount(), Map.copyOf(troubles));
  }
}
