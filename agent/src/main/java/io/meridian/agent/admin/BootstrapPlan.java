package io.meridian.agent.admin;

import io.meridian.messages.SlotRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What bootstrap builds. Nodes are named by their announced address; {@link Member} says where
 * to reach each one. {@code settings} go to every node with {@code CONFIG SET}.
 */
public record BootstrapPlan(List<Member> members, Map<String, SlotRange> primaries, Map<String, String> replicaOf,
    Map<String, String> settings) {

  /**
   * @param address         where bootstrap connects ({@code host:port})
   * @param announced       the address the cluster knows the node by
   * @param announceBusPort explicit {@code cluster-announce-bus-port}, if any
   */
  public record Member(String address, String announced, Optional<Integer> announceBusPort) {

    public Member {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(announced, "announced");
      Objects.requireNonNull(announceBusPort, "announceBusPort");
    }

    public static Member plain(String address) {
      return new Member(address, address, Optional.empty());
    }

    boolean announcesOtherAddress() {
      return !address.equals(announced) || announceBusPort.isPresent();
    }
  }

  public BootstrapPlan {
    members = List.copyOf(members);
    primaries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(primaries));
    replicaOf = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(replicaOf));
    settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /** A plan with every node reached at the address it announces. */
  public static BootstrapPlan plain(Map<String, SlotRange> primaries, Map<String, String> replicaOf,
      Map<String, String> settings) {
    List<Member> members = new ArrayList<>();
    primaries.keySet().forEach(a -> members.add(Member.plain(a)));
    replicaOf.keySet().forEach(a -> members.add(Member.plain(a)));
    return new BootstrapPlan(members, primaries, replicaOf, settings);
  }

  public List<String> announcedAddresses() {
    return members.stream().map(Member::announced).toList();
  }
}
