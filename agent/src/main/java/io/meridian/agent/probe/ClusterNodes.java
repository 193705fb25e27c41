package io.meridian.agent.probe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parts of a {@code CLUSTER NODES} reply a health report needs: the node's own line, and the
 * peers it sees in trouble.
 *
 * <p>Line format: {@code <id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent> <pong-recv>
 * <config-epoch> <link-state> <slot> <slot> ...}; slots are {@code n}, {@code a-b} or, while
 * migrating, {@code [n->-id]} / {@code [n-<-id]} (not owned yet, skipped).
 */
record ClusterNodes(String myId, List<String> myFlags, List<String> mySlots, long mySlotCount,
    Map<String, List<String>> peerTroubles) {

  private static final Set<String> TROUBLE = Set.of("fail?", "fail", "handshake", "noaddr");

  static ClusterNodes parse(String reply) {
    String myId = null;
    List<String> myFlags = List.of();
    List<String> mySlots = new ArrayList<>();
    long slotCount = 0;
    Map<String, List<String>> troubles = new LinkedHashMap<>();
    for (String line : reply.split("\r?\n")) {
      String[] parts = line.trim().split(" ");
      if (parts.length < 8) {
        continue;
      }
      List<String> flags = Arrays.asList(parts[2].split(","));
      if (flags.contains("myself")) {
        myId = parts[0];
        myFlags = List.copyOf(flags);
        for (int i = 8; i < parts.length; i++) {
          String slot = parts[i];
          if (slot.startsWith("[")) {
            continue;
          }
          mySlots.add(slot);
          slotCount += countSlots(slot);
        }
      } else if (flags.stream().anyMatch(TROUBLE::contains)) {
        troubles.put(parts[0], List.copyOf(flags));
      }
    }
    if (myId == null) {
      throw new IllegalArgumentException("CLUSTER NODES reply has no line flagged 'myself'");
    }
    return new ClusterNodes(myId, myFlags, List.copyOf(mySlots), slotCount, Map.copyOf(troubles));
  }

  private static long countSlots(String slot) {
    int dash = slot.indexOf('-');
    if (dash < 0) {
      return 1;
    }
    return Long.parseLong(slot.substring(dash + 1)) - Long.parseLong(slot.substring(0, dash)) + 1;
  }
}
