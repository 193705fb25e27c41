package io.meridian.agent.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A parsed {@code CLUSTER NODES} reply. Line format: {@code <id> <ip:port@cport[,hostname]>
 * <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot> ...}; slots are
 * {@code n} or {@code a-b}, or while migrating {@code [n->-id]} / {@code [n-<-id]} (not owned
 * yet: skipped).
 */
public record ClusterNodesReply(List<Entry> entries) {

  /**
   * One line.
   *
   * @param address  {@code ip:port} the node is known by (its announced address); empty ip while
   *                 a lone node does not know its own address yet
   * @param masterId the id of the primary it follows, or empty
   * @param slots    owned slot ranges as {@code from-to} (single slots as {@code n-n})
   * @param configEpoch the config epoch this node's table holds for it: of two primaries claiming
   *                 the same slots, Redis gives them to the higher one
   */
  public record Entry(String id, String address, List<String> flags, Optional<String> masterId, List<int[]> slots,
      long configEpoch) {

    public boolean myself() {
      return flags.contains("myself");
    }

    public boolean isPrimary() {
      return flags.contains("master");
    }

    public boolean isReplica() {
      return flags.contains("slave");
    }

    public int slotCount() {
      return slots.stream().mapToInt(r -> r[1] - r[0] + 1).sum();
    }

    /** Slot ranges as Redis writes them: {@code 0-5460}, {@code 5462}. */
    public List<String> slotText() {
      return slots.stream().map(r -> r[0] == r[1] ? Integer.toString(r[0]) : r[0] + "-" + r[1]).toList();
    }
  }

  public static ClusterNodesReply parse(String reply) {
    List<Entry> entries = new ArrayList<>();
    for (String line : reply.split("\r?\n")) {
      String[] parts = line.trim().split(" ");
      if (parts.length < 8) {
        continue;
      }
      String address = parts[1];
      int at = address.indexOf('@');
      if (at >= 0) {
        address = address.substring(0, at);
      }
      List<int[]> slots = new ArrayList<>();
      for (int i = 8; i < parts.length; i++) {
        String slot = parts[i];
        if (slot.startsWith("[")) {
          continue;
        }
        int dash = slot.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? slot : slot.substring(0, dash));
        int to = dash < 0 ? from : Integer.parseInt(slot.substring(dash + 1));
        slots.add(new int[] {from, to});
      }
      entries.add(new Entry(parts[0], address, List.copyOf(Arrays.asList(parts[2].split(","))),
          parts[3].equals("-") ? Optional.empty() : Optional.of(parts[3]), List.copyOf(slots),
          Long.parseLong(parts[6])));
    }
    return new ClusterNodesReply(List.copyOf(entries));
  }

  public Entry myself() {
    return entries.stream().filter(Entry::myself).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("CLUSTER NODES reply has no line flagged 'myself'"));
  }

  public Optional<Entry> byAddress(String address) {
    return entries.stream().filter(e -> e.address().equals(address)).findFirst();
  }

  public Optional<Entry> byId(String id) {
    return entries.stream().filter(e -> e.id().equals(id)).findFirst();
  }
}
