package io.meridian.cli.demo;

import io.meridian.agent.admin.ClusterFormation;
import io.meridian.agent.admin.SlotRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the demo's nodes go: node j of region i (0-based) listens on {@code basePort + i*n + j};
 * which are primaries, their slots, and whom each replica follows. Pure. Until the placement
 * planner of the topology work lands, this is the demo's own simple, valid layout:
 * <ul>
 *   <li>performance: {@code max(1, n / regions)} primaries per region, the rest replicas of
 *       primaries in the other regions, round-robin, so every shard has copies outside its region;</li>
 *   <li>reliability: every node of the first region is a primary; node j of every other region
 *       replicates node j of the first.</li>
 * </ul>
 */
public record DemoLayout(Topology topology, List<String> regions, int nodesPerRegion, int basePort,
    Map<String, String> regionOf, ClusterFormation.Layout formation) {

  public static final int MIN_REGIONS = 3;
  public static final int MAX_REGIONS = 5;

  public static String regionName(int index) {
    return "region-" + (index + 1);
  }

  public static DemoLayout plan(Topology topology, int regionCount, int nodesPerRegion, int basePort) {
    if (regionCount < MIN_REGIONS || regionCount > MAX_REGIONS) {
      throw new IllegalArgumentException("--regions must be between " + MIN_REGIONS + " and " + MAX_REGIONS
          + ", got " + regionCount);
    }
    if (nodesPerRegion < 2 && topology == Topology.PERFORMANCE) {
      throw new IllegalArgumentException("the performance topology needs at least 2 nodes per region "
          + "(a primary and a replica of another region's primary), got " + nodesPerRegion);
    }
    if (nodesPerRegion < 1) {
      throw new IllegalArgumentException("--nodes-per-region must be at least 1, got " + nodesPerRegion);
    }
    int lastPort = basePort + regionCount * nodesPerRegion - 1;
    if (basePort < 1024 || lastPort + 10000 > 65535) {
      throw new IllegalArgumentException("--base-port " + basePort + " puts nodes on ports " + basePort + "-" + lastPort
          + " with cluster bus ports up to " + (lastPort + 10000) + "; choose a base port from 1024 to "
          + (65535 - 10000 - regionCount * nodesPerRegion + 1));
    }
    List<String> regions = new ArrayList<>();
    Map<String, String> regionOf = new LinkedHashMap<>();
    for (int i = 0; i < regionCount; i++) {
      regions.add(regionName(i));
      for (int j = 0; j < nodesPerRegion; j++) {
        regionOf.put(address(basePort, nodesPerRegion, i, j), regionName(i));
      }
    }
    int perRegion = topology == Topology.RELIABILITY ? nodesPerRegion : Math.max(1, nodesPerRegion / regionCount);
    List<String> primaries = new ArrayList<>();
    for (int i = 0; i < regionCount; i++) {
      for (int j = 0; j < perRegion && (topology == Topology.PERFORMANCE || i == 0); j++) {
        primaries.add(address(basePort, nodesPerRegion, i, j));
      }
    }
    List<SlotRange> ranges = SlotRange.split(primaries.size());
    Map<String, SlotRange> slots = new LinkedHashMap<>();
    for (int k = 0; k < primaries.size(); k++) {
      slots.put(primaries.get(k), ranges.get(k));
    }
    Map<String, String> replicaOf = new LinkedHashMap<>();
    for (int i = 0; i < regionCount; i++) {
      if (topology == Topology.RELIABILITY) {
        if (i > 0) {
          for (int j = 0; j < nodesPerRegion; j++) {
            replicaOf.put(address(basePort, nodesPerRegion, i, j), address(basePort, nodesPerRegion, 0, j));
          }
        }
        continue;
      }
      List<String> others = new ArrayList<>();
      for (int d = 1; d < regionCount; d++) {
        for (int q = 0; q < perRegion; q++) {
          others.add(address(basePort, nodesPerRegion, (i + d) % regionCount, q));
        }
      }
      for (int j = perRegion; j < nodesPerRegion; j++) {
        replicaOf.put(address(basePort, nodesPerRegion, i, j), others.get((j - perRegion) % others.size()));
      }
    }
    return new DemoLayout(topology, List.copyOf(regions), nodesPerRegion, basePort, Map.copyOf(regionOf),
        new ClusterFormation.Layout(slots, replicaOf));
  }

  static String address(int basePort, int nodesPerRegion, int region, int node) {
    return "127.0.0.1:" + (basePort + region * nodesPerRegion + node);
  }

  /** The nodes of one region in port order. */
  public List<String> nodesOf(String region) {
    int i = regions.indexOf(region);
    List<String> nodes = new ArrayList<>();
    for (int j = 0; j < nodesPerRegion; j++) {
      nodes.add(address(basePort, nodesPerRegion, i, j));
    }
    return nodes;
  }

  public int nodeCount() {
    return regions.size() * nodesPerRegion;
  }
}
