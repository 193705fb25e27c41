package io.meridian.coordinator.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.PlacementPlanner;
import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.coordinator.placement.PlanResult;
import io.meridian.coordinator.placement.Topology;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.RedisSettings;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import io.meridian.runtime.config.RedisAuth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated drifted layouts: a legal plan of a generated spec (3 to 5 regions of 1 to 5 nodes,
 * both topologies, one node in six tagged nofailover), then up to 8 random changes of the kind
 * failures and hands make: a replica follows another primary, a replica takes over its shard, a
 * replica comes back empty (a primary without slots). Replicas that were moved sync one planning
 * round later, so the planner sees copies that are not in sync yet.
 *
 * <p>Properties: every round's steps are independent and safe (a failover only to an in-sync,
 * promotable replica; never moving a shard's last in-sync copy outside its primary's region), and
 * the rounds converge to a layout that {@link PlacementRules} finds clean.
 */
class RebalancePlannerPropertyTest {

  static final List<String> REGIONS = List.of("us-east", "eu-west", "ap-south", "sa-east", "af-south");
  static final RebalancePlanner.Settings SETTINGS = new RebalancePlanner.Settings(1024);
  static final int MAX_ROUNDS = 60;

  record Drift(int kind, int a, int b) {
  }

  record Case(ClusterSpec spec, List<Drift> drift) {
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<ClusterSpec> specs = Combinators.combine(
        Arbitraries.integers().between(1, 5).list().ofMinSize(3).ofMaxSize(5),
        Arbitraries.of(TopologyKind.values()),
        Arbitraries.integers().between(1, 2),
        Arbitraries.frequency(Tuple.of(5, false), Tuple.of(1, true)).list().ofSize(25))
        .as(RebalancePlannerPropertyTest::spec)
        .filter(spec -> PlacementPlanner.plan(spec) instanceof PlanResult.Planned);
    Arbitrary<Drift> drift = Combinators.combine(Arbitraries.frequency(Tuple.of(4, 0), Tuple.of(3, 1), Tuple.of(1, 2)),
        Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 99)).as(Drift::new);
    return Combinators.combine(specs, drift.list().ofMinSize(0).ofMaxSize(8)).as(Case::new);
  }

  static ClusterSpec spec(List<Integer> sizes, TopologyKind kind, int replicas, List<Boolean> tags) {
    List<RegionSpec> regions = new ArrayList<>();
    int t = 0;
    for (int i = 0; i < sizes.size(); i++) {
      List<NodeSpec> nodes = new ArrayList<>();
      for (int j = 1; j <= sizes.get(i); j++) {
        nodes.add(new NodeSpec("10." + (i + 1) + ".0." + j + ":6379", Optional.empty(), Optional.empty(),
            tags.get(t++ % tags.size()), NodeSpec.DEFAULT_PRIORITY));
      }
      regions.add(new RegionSpec(REGIONS.get(i), nodes));
    }
    int rpp = kind == TopologyKind.RELIABILITY ? sizes.size() - 1 : replicas;
    return new ClusterSpec("test", kind, regions, rpp, RedisSettings.defaults(), RedisAuth.none());
  }

  @Property(tries = 400)
  void roundsAreSafeAndConvergeToACleanLayout(@ForAll("cases") Case c) {
    ClusterSpec spec = c.spec();
    Snapshot s = drifted(spec, c.drift());
    Set<String> syncing = new HashSet<>();
    int steps = 0;
    int rounds = 0;
    for (; rounds < MAX_ROUNDS; rounds++) {
      RebalancePlan plan = RebalancePlanner.plan(spec, s, SETTINGS, Set.of());
      if (plan.steps().isEmpty() && syncing.isEmpty()) {
        break;
      }
      assertIndependent(plan);
      Set<String> moved = new HashSet<>();
      for (Step step : plan.steps()) {
        assertSafe(spec, s, step);
      }
      for (Step step : plan.steps()) {
        s = Simulation.apply(s, step.move());
        moved.add(step.move().node());
        steps++;
      }
      s = Simulation.synced(s, syncing);
      syncing = moved;
    }
    Statistics.label("drift").collect(c.drift().size());
    Statistics.label("steps").collect(steps > 6 ? ">6" : Integer.toString(steps));
    assertThat(rounds).as("converged within %d rounds", MAX_ROUNDS).isLessThan(MAX_ROUNDS);
    List<io.meridian.coordinator.placement.Violation> left = PlacementRules.check(spec, s.topology());
    RebalancePlan last = RebalancePlanner.plan(spec, s, SETTINGS, Set.of());
    // A layout can be stuck only where fixing it would move a shard's last in-sync copy outside
    // its region with no spare node to bring a replacement first (two shards that must swap their
    // only outside copies): the planner then waits and says why.
    boolean stuckSafely = last.waiting().stream().anyMatch(w -> w.contains("last in-sync copy outside")
        || w.contains("can be spared"));
    Statistics.label("outcome").collect(left.isEmpty() ? "clean" : "stuck, explained");
    Statistics.label("outcome").coverage(checker -> checker.check("clean").percentage(p -> p >= 90.0));
    assertThat(left.isEmpty() || stuckSafely).as("violations left after %d steps in%n%s%nviolations: %s%nwaiting: %s",
        steps, describe(spec, s), left, last.waiting()).isTrue();
  }

  @Property(tries = 200)
  void aLegalLayoutNeedsNoStep(@ForAll("cases") Case c) {
    Snapshot s = drifted(c.spec(), List.of());
    RebalancePlan plan = RebalancePlanner.plan(c.spec(), s, SETTINGS, Set.of());
    assertThat(plan.steps()).isEmpty();
    assertThat(plan.clean()).isTrue();
  }

  @Property(tries = 200)
  void busyShardsAreNeverTouched(@ForAll("cases") Case c) {
    Snapshot s = drifted(c.spec(), c.drift());
    RebalancePlan all = RebalancePlanner.plan(c.spec(), s, SETTINGS, Set.of());
    Set<String> busy = new HashSet<>();
    all.steps().stream().findFirst().ifPresent(step -> busy.addAll(step.shards()));
    RebalancePlan rest = RebalancePlanner.plan(c.spec(), s, SETTINGS, busy);
    rest.steps().forEach(step -> assertThat(step.shards()).doesNotContainAnyElementsOf(busy));
  }

  static void assertIndependent(RebalancePlan plan) {
    Set<String> shards = new HashSet<>();
    Set<String> nodes = new HashSet<>();
    for (Step step : plan.steps()) {
      for (String shard : step.shards()) {
        assertThat(shards.add(shard)).as("two steps touch shard %s: %s", shard, plan.steps()).isTrue();
      }
      assertThat(nodes.add(step.move().node())).as("two steps move %s", step.move().node()).isTrue();
    }
  }

  /** Never the last in-sync out-of-region copy before its replacement; failovers only to in-sync promotable replicas. */
  static void assertSafe(ClusterSpec spec, Snapshot s, Step step) {
    Map<String, NodeRole> nodes = s.topology().nodes();
    if (step.move() instanceof Move.Replicate r && r.from().isPresent()) {
      String source = r.from().get();
      String home = spec.regionOf(source).orElseThrow();
      if (!spec.regionOf(r.node()).orElseThrow().equals(home)) {
        boolean another = nodes.values().stream().anyMatch(n -> !n.address().equals(r.node())
            && n.primaryOf().filter(source::equals).isPresent() && !spec.regionOf(n.address()).orElseThrow().equals(home)
            && s.facts().get(n.address()).linkUp() && s.facts().get(n.address()).healthy());
        assertThat(another).as("%s moves the last in-sync copy of %s outside %s", step, source, home).isTrue();
      }
    } else if (step.move() instanceof Move.Failover f) {
      assertThat(s.facts().get(f.node()).linkUp() && s.facts().get(f.node()).healthy()).as("%s: in sync", step).isTrue();
      assertThat(spec.node(f.node()).orElseThrow().noFailover()).as("%s: promotable", step).isFalse();
      assertThat(nodes.get(f.node()).primaryOf()).contains(f.primary());
    }
  }

  static String describe(ClusterSpec spec, Snapshot s) {
    StringBuilder out = new StringBuilder(spec.topology() + " rpp " + spec.replicasPerPrimary() + "\n");
    new java.util.TreeMap<>(s.topology().nodes()).forEach((a, n) -> out.append("  ").append(a).append(' ')
        .append(spec.regionOf(a).orElseThrow()).append(spec.node(a).orElseThrow().noFailover() ? " nofailover" : "")
        .append(n.isPrimary() ? " primary " + n.slots() : " -> " + n.primaryOf().get()).append('\n'));
    return out.toString();
  }

  /** The spec's legal plan, every node answering and in sync, then the drift applied. */
  static Snapshot drifted(ClusterSpec spec, List<Drift> drift) {
    Topology planned = ((PlanResult.Planned) PlacementPlanner.plan(spec)).plan().toTopology(spec);
    Map<String, NodeFacts> facts = new HashMap<>();
    planned.nodes().keySet().forEach(a -> facts.put(a, new NodeFacts(a, "agent", "id-" + a, true,
        planned.nodes().get(a).primaryOf().isPresent(), 0)));
    Snapshot s = new Snapshot(planned, facts);
    for (Drift d : drift) {
      List<String> primaries = s.topology().nodes().values().stream().filter(n -> n.isPrimary() && n.slots() > 0)
          .map(NodeRole::address).sorted().toList();
      List<String> replicas = s.topology().nodes().values().stream().filter(n -> !n.isPrimary())
          .map(NodeRole::address).sorted().toList();
      if (replicas.isEmpty()) {
        continue;
      }
      String replica = replicas.get(d.a() % replicas.size());
      String primary = s.topology().nodes().get(replica).primaryOf().orElseThrow();
      if (d.kind() == 0) {
        String to = primaries.get(d.b() % primaries.size());
        s = Simulation.apply(s, new Move.Replicate(replica, Optional.of(primary), to));
      } else if (d.kind() == 1 && s.topology().nodes().get(primary).slots() > 0) {
        s = Simulation.apply(s, new Move.Failover(replica, primary));
      } else {
        Map<String, NodeRole> nodes = new HashMap<>(s.topology().nodes());
        nodes.put(replica, new NodeRole(replica, nodes.get(replica).region(), Optional.empty(), 0));
        s = new Snapshot(new Topology(nodes, s.topology().slotOwners(), s.topology().settings()), s.facts());
      }
      s = Simulation.synced(s, s.topology().nodes().keySet());
    }
    return s;
  }
}
