package io.meridian.coordinator.view;

import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.Topology;
import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.RedisState;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A coordinator's view as a {@link Topology}, for the placement rules and the client endpoints.
 * Only nodes with a fresh report in which they answered count: a stale or unreachable node is
 * absent, so the rules report it missing. Nodes are named by the address they announce. Pure.
 */
public final class ObservedTopology {

  private ObservedTopology() {
  }

  /**
   * @param regionOf the region of an announced address (from the spec), or empty to take the
   *                 region the agent reported
   */
  public static Topology of(ClusterView view, Instant now, Duration staleAfter,
      Function<String, Optional<String>> regionOf) {
    Map<String, NodeRole> nodes = new LinkedHashMap<>();
    Map<String, Map<String, String>> settings = new LinkedHashMap<>();
    String[] owners = new String[Topology.SLOTS];
    for (NodeView n : view.nodes().values()) {
      NodeStatus status = n.status(now, staleAfter);
      if (status == NodeStatus.STALE || status == NodeStatus.UNREACHABLE) {
        continue;
      }
      NodeHealthReport report = n.report();
      RedisState s = report.state().orElseThrow();
      String address = s.announced().orElse(report.node());
      String region = regionOf.apply(address).or(() -> regionOf.apply(report.node())).orElse(report.region());
      Optional<String> primary = s.role() == RedisState.Role.REPLICA ? s.primary() : Optional.empty();
      nodes.put(address, new NodeRole(address, region, primary, (int) s.slotCount()));
      if (!s.settings().isEmpty()) {
        settings.put(address, s.settings());
      }
      for (String text : s.slots()) {
        io.meridian.messages.SlotRange range = io.meridian.messages.SlotRange.parse(text);
        Arrays.fill(owners, range.from(), range.to() + 1, address);
      }
    }
    return new Topology(nodes, Arrays.asList(owners), settings);
  }
}
