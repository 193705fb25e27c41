package io.meridian.coordinator.metrics;

import io.meridian.coordinator.decide.Analyzer;
import io.meridian.coordinator.decide.ServingPrimaries;
import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.coordinator.placement.Violation;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.NodeView;
import io.meridian.coordinator.view.Observations;
import io.meridian.messages.RedisState;
import io.meridian.monitoring.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster-wide series a coordinator derives from its view: which regions it hears from, nodes
 * by region and status, each shard's primary and its replicas by location, and placement rule
 * violations. Every coordinator exports them (followers analyse too), so they can be compared.
 * Pure: the view, the observations and the time come in as values.
 */
public final class ClusterSeries {

  public static final Map<String, String> HELP = Map.of(
      "meridian_region_reachable", "1 while this coordinator hears from the region (a fresh agent report or coordinator reachability report)",
      "meridian_region_nodes", "Nodes of each region by status, as this coordinator observes them",
      "meridian_shards", "Shards (primaries owning slots) known to this coordinator",
      "meridian_shard_primary_up", "1 while a fresh, answering primary serves the shard's slots",
      "meridian_shard_replicas", "Answering replicas with their link up, per shard, in the primary's region or outside it",
      "meridian_shards_without_remote_replica", "Shards whose primary has no answering, linked replica outside its own region",
      "meridian_placement_violations", "Violations of the spec's placement rules in this coordinator's view, by rule",
      "meridian_node_agent_silent", "1 while a node's agent is silent (its reports are stale) but coordinators still reach the node");

  /** What one computation found, besides the samples: the regions heard from (for region-lost events). */
  public record Result(List<Sample> samples, Set<String> reachableRegions) {
    public Result {
      samples = List.copyOf(samples);
      reachableRegions = Set.copyOf(reachableRegions);
    }
  }

  private ClusterSeries() {
  }

  /**
   * @param violations the placement check of this view, or empty without a spec (then no
   *                   {@code meridian_placement_violations} series)
   */
  public static Result of(ClusterView view, Observations observations, List<String> regions, Instant now,
      Duration staleAfter, Optional<List<Violation>> violations) {
    List<Sample> out = new ArrayList<>();
    Set<String> heard = new TreeSet<>();
    for (NodeView n : view.nodes().values()) {
      if (n.status(now, staleAfter) != NodeStatus.STALE) {
        heard.add(n.region());
      }
    }
    observations.observers().values().stream()
        .filter(o -> Duration.between(o.receivedAt(), now).compareTo(staleAfter) <= 0)
        .forEach(o -> heard.add(o.region()));
    for (String region : regions) {
      out.add(Sample.flag("meridian_region_reachable", heard.contains(region), "target_region", region));
      Map<NodeStatus, Long> counts = new TreeMap<>();
      for (NodeStatus s : NodeStatus.values()) {
        counts.put(s, 0L);
      }
      view.region(region).forEach(n -> counts.merge(n.status(now, staleAfter), 1L, Long::sum));
      counts.forEach((status, count) -> out.add(Sample.of("meridian_region_nodes", count, "target_region", region,
          "status", status.name().toLowerCase(Locale.ROOT))));
    }
    shards(view, now, staleAfter, out);
    silentAgents(view, observations, now, staleAfter, out);
    violations.ifPresent(found -> {
      for (String rule : PlacementRules.RULES) {
        out.add(Sample.of("meridian_placement_violations", found.stream().filter(v -> v.rule().equals(rule)).count(),
            "rule", rule));
      }
    });
    return new Result(out, heard);
  }

  /**
   * A stale node whose fresh coordinator observers all still reach it: the agent is gone, not the
   * node (no failover happens for it, but nobody watches that node closely any more).
   */
  private static void silentAgents(ClusterView view, Observations observations, Instant now, Duration staleAfter,
      List<Sample> out) {
    boolean observed = observations.observers().values().stream()
        .anyMatch(o -> Duration.between(o.receivedAt(), now).compareTo(staleAfter) <= 0);
    for (NodeView n : view.nodes().values()) {
      boolean silent = n.status(now, staleAfter) == NodeStatus.STALE && observed
          && observations.failingRegions(n.announced(), now, staleAfter, Duration.ZERO).isEmpty();
      out.add(Sample.flag("meridian_node_agent_silent", silent, "node", n.address(), "target_region", n.region()));
    }
  }

  /**
   * Shards as the failover analysis names them: the slot ranges their primary last reported. One
   * pass over the nodes (this runs every second on every coordinator, with thousands of nodes).
   */
  private static void shards(ClusterView view, Instant now, Duration staleAfter, List<Sample> out) {
    Map<String, List<String>> shards = new TreeMap<>();
    Map<String, List<NodeView>> healthyReplicasByPrimary = new HashMap<>();
    for (NodeView n : view.nodes().values()) {
      n.lastState().filter(s -> s.role() == RedisState.Role.PRIMARY && s.slotCount() > 0)
          .ifPresent(s -> shards.putIfAbsent(Analyzer.shardOf(s), s.slots()));
      n.report().state().filter(s -> s.role() == RedisState.Role.REPLICA).flatMap(RedisState::primary)
          .filter(p -> n.status(now, staleAfter) == NodeStatus.HEALTHY)
          .ifPresent(p -> healthyReplicasByPrimary.computeIfAbsent(p, k -> new ArrayList<>()).add(n));
    }
    ServingPrimaries serving = ServingPrimaries.of(view, now, staleAfter);
    long withoutRemote = 0;
    for (Map.Entry<String, List<String>> shard : shards.entrySet()) {
      Optional<NodeView> primary = serving.serving(shard.getValue());
      out.add(Sample.flag("meridian_shard_primary_up", primary.isPresent(), "shard", shard.getKey()));
      long same = 0;
      long other = 0;
      if (primary.isPresent()) {
        for (NodeView r : healthyReplicasByPrimary.getOrDefault(primary.get().announced(), List.of())) {
          if (r.region().equals(primary.get().region())) {
            same++;
          } else {
            other++;
          }
        }
      }
      out.add(Sample.of("meridian_shard_replicas", same, "shard", shard.getKey(), "location", "same_region"));
      out.add(Sample.of("meridian_shard_replicas", other, "shard", shard.getKey(), "location", "other_region"));
      if (other == 0) {
        withoutRemote++;
      }
    }
    out.add(Sample.of("meridian_shards", shards.size()));
    out.add(Sample.of("meridian_shards_without_remote_replica", withoutRemote));
  }
}
