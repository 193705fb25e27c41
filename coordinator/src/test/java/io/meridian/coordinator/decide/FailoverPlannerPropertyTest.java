package io.meridian.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.RedisSettings;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.Observations;
import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.ProbeFailure;
import io.meridian.messages.ReachabilityReport;
import io.meridian.messages.RedisState;
import io.meridian.runtime.config.RedisAuth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Given a generated three-shard cluster (primaries and 0 to 3 replicas anywhere, some replicas
 * tagged nofailover, some crashed) whose primaries then crash, hang, fall silent, are cut off from
 * other regions, or stay well, when the planner runs every 250 ms for 8 s with the memory it
 * returns (promotions are not carried out, so it also retries other candidates), then it never
 * promotes two nodes for one shard at a time, never a nofailover node, never a replica of another
 * shard, never away from a primary that answers everyone, and never without holding the writes of
 * a primary its agent still reaches.
 */
class FailoverPlannerPropertyTest {

  private static final List<String> REGIONS = List.of("r1", "r2", "r3");
  private static final List<String> SLOTS = List.of("0-5460", "5461-10922", "10923-16383");
  private static final long FAILS_AT_MS = 500;
  private static final int CYCLES = 32;

  enum Fault {
    NONE, CRASH, HANG, SILENT, CUT_OFF
  }

  record Replica(String region, long offset, boolean noFailover, boolean crashed) {
  }

  record Shard(String region, Fault fault, List<Replica> replicas) {
  }

  record Cluster(List<Shard> shards, List<String> observersFailing) {

    String primary(int shard) {
      return "127.0.0.1:" + (7000 + shard * 10);
    }

    String replica(int shard, int i) {
      return "127.0.0.1:" + (7001 + shard * 10 + i);
    }
  }

  @Provide
  Arbitrary<Cluster> clusters() {
    Arbitrary<String> region = Arbitraries.of(REGIONS);
    Arbitrary<Replica> replica = Combinators.combine(region, Arbitraries.longs().between(0, 1000),
        Arbitraries.frequency(Tuple.of(1, true), Tuple.of(3, false)),
        Arbitraries.frequency(Tuple.of(1, true), Tuple.of(6, false))).as(Replica::new);
    Arbitrary<Fault> fault = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Fault.NONE)),
        Tuple.of(4, Arbitraries.of(Fault.CRASH, Fault.HANG, Fault.SILENT, Fault.CUT_OFF)));
    Arbitrary<Shard> shard = Combinators.combine(region, fault,
        replica.list().ofMinSize(0).ofMaxSize(3)).as(Shard::new);
    return Combinators.combine(shard.list().ofSize(3), Arbitraries.subsetOf(REGIONS).map(List::copyOf))
        .as(Cluster::new);
  }

  @Property(tries = 500)
  void promotionsAreSafe(@ForAll("clusters") Cluster cluster) {
    ClusterSpec spec = spec(cluster);
    FailoverMemory memory = FailoverMemory.empty();
    Map<String, Action.Promote> lastPromotion = new HashMap<>();
    Map<String, Instant> lastPromotionAt = new HashMap<>();
    java.util.Set<Fault> promotedAway = new java.util.TreeSet<>();
    ClusterView view = ClusterView.empty();
    for (int k = 1; k <= CYCLES; k++) {
      long nowMs = k * 250L;
      Instant now = FailoverPlannerTest.T0.plusMillis(nowMs);
      view = reported(view, cluster, k, now);
      FailoverPlanner.Outcome o = FailoverPlanner.plan(view, observations(cluster, nowMs, now),
          Optional.of(spec), memory, now, FailoverPlannerTest.SETTINGS);
      memory = o.memory();
      List<Action.Promote> promotions = FailoverPlannerTest.actions(o, Action.Promote.class);
      assertThat(promotions.stream().map(Action.Promote::shard).distinct().count())
          .as("one promotion per shard in a cycle: %s", promotions).isEqualTo(promotions.size());
      for (Action.Promote p : promotions) {
        int s = SLOTS.indexOf(p.shard());
        assertThat(s).as("promoted for a shard that exists: %s", p).isNotNegative();
        Shard shard = cluster.shards().get(s);
        promotedAway.add(shard.fault());
        assertThat(shard.fault()).as("promoted away from a primary that answers everyone: %s", p)
            .isNotEqualTo(Fault.NONE);
        assertThat(p.failedPrimary()).isEqualTo(cluster.primary(s));
        int i = replicaIndex(cluster, s, p.node());
        assertThat(i).as("%s is a replica of shard %s", p.node(), p.shard()).isNotNegative();
        assertThat(shard.replicas().get(i).noFailover()).as("%s is tagged nofailover", p.node()).isFalse();
        assertThat(shard.replicas().get(i).crashed()).as("%s is down", p.node()).isFalse();
        if (shard.fault() == Fault.CUT_OFF) {
          assertThat(p.holdFirst()).as("a primary its agent still reaches is held first: %s", p)
              .contains("agent-" + shard.region() + "-" + s);
        }
        Action.Promote before = lastPromotion.put(p.shard(), p);
        if (before != null && !before.node().equals(p.node())) {
          assertThat(lastPromotionAt.get(p.shard()).plus(FailoverPlannerTest.SETTINGS.verifyDeadline()))
              .as("another candidate only after the first had its verify deadline: %s then %s", before, p)
              .isBeforeOrEqualTo(now);
        }
        lastPromotionAt.put(p.shard(), now);
      }
    }
    // Every kind of trouble the planner acts on is exercised, not only crashes.
    for (Fault f : List.of(Fault.CRASH, Fault.HANG, Fault.SILENT, Fault.CUT_OFF)) {
      Statistics.label("promoted away from " + f).collect(promotedAway.contains(f));
      Statistics.label("promoted away from " + f).coverage(c -> c.check(true).percentage(p -> p > 4));
    }
  }

  private static int replicaIndex(Cluster cluster, int shard, String node) {
    for (int i = 0; i < cluster.shards().get(shard).replicas().size(); i++) {
      if (cluster.replica(shard, i).equals(node)) {
        return i;
      }
    }
    return -1;
  }

  private static ClusterSpec spec(Cluster cluster) {
    Map<String, List<NodeSpec>> byRegion = new HashMap<>();
    REGIONS.forEach(r -> byRegion.put(r, new ArrayList<>()));
    for (int s = 0; s < 3; s++) {
      Shard shard = cluster.shards().get(s);
      byRegion.get(shard.region()).add(NodeSpec.of(cluster.primary(s)));
      for (int i = 0; i < shard.replicas().size(); i++) {
        Replica r = shard.replicas().get(i);
        byRegion.get(r.region()).add(new NodeSpec(cluster.replica(s, i), Optional.empty(), Optional.empty(),
            r.noFailover(), NodeSpec.DEFAULT_PRIORITY));
      }
    }
    return new ClusterSpec("c", TopologyKind.PERFORMANCE,
        REGIONS.stream().map(r -> new RegionSpec(r, byRegion.get(r))).toList(), 1, RedisSettings.defaults(),
        RedisAuth.none());
  }

  /** {@code view} with cycle {@code k}'s reports: every node reported again, except a primary that fell silent. */
  private static ClusterView reported(ClusterView view, Cluster cluster, int k, Instant now) {
    boolean failed = k * 250L >= FAILS_AT_MS;
    for (int s = 0; s < 3; s++) {
      Shard shard = cluster.shards().get(s);
      String primary = cluster.primary(s);
      String agent = "agent-" + shard.region() + "-" + s;
      if (!failed || shard.fault() == Fault.NONE || shard.fault() == Fault.CUT_OFF) {
        view = view.apply(report(agent, shard.region(), primary, k, Optional.empty(),
            Optional.of(FailoverPlannerTest.primary(primary, SLOTS.get(s)))), now);
      } else if (shard.fault() != Fault.SILENT) {
        ProbeFailure.Kind kind = shard.fault() == Fault.CRASH ? ProbeFailure.Kind.REFUSED : ProbeFailure.Kind.TIMEOUT;
        view = view.apply(report(agent, shard.region(), primary, k,
            Optional.of(new ProbeFailure(kind, kind + " from " + primary)), Optional.empty()), now);
      }
      for (int i = 0; i < shard.replicas().size(); i++) {
        Replica r = shard.replicas().get(i);
        String address = cluster.replica(s, i);
        String replicaAgent = "agent-" + r.region() + "-" + s + "-" + i;
        view = view.apply(r.crashed() && failed
            ? report(replicaAgent, r.region(), address, k, Optional.of(new ProbeFailure(ProbeFailure.Kind.REFUSED,
                "refused by " + address)), Optional.empty())
            : report(replicaAgent, r.region(), address, k, Optional.empty(),
                Optional.of(FailoverPlannerTest.replica(address, primary, r.offset()))), now);
      }
    }
    return view;
  }

  private static NodeHealthReport report(String agent, String region, String node, int seq,
      Optional<ProbeFailure> failure, Optional<RedisState> state) {
    return new NodeHealthReport(agent, "c", region, node, seq, seq * 250L, 100, failure, state,
        NodeHealthReport.DEFAULT_FENCE_AFTER_MS, false);
  }

  /**
   * The coordinators of the regions in {@code observersFailing} fail to reach every primary that is
   * not well from the moment it failed (a hung, silent or cut-off primary; a crashed one too).
   */
  private static Observations observations(Cluster cluster, long nowMs, Instant now) {
    Observations o = Observations.empty();
    if (nowMs < FAILS_AT_MS) {
      return o;
    }
    List<String> probed = new ArrayList<>();
    Map<String, Long> failing = new HashMap<>();
    for (int s = 0; s < 3; s++) {
      probed.add(cluster.primary(s));
      if (cluster.shards().get(s).fault() != Fault.NONE) {
        failing.put(cluster.primary(s), FAILS_AT_MS);
      }
    }
    for (String region : cluster.observersFailing()) {
      o = o.apply(new ReachabilityReport("coordinator-" + region, region, nowMs, probed, failing), now);
    }
    return o;
  }
}
