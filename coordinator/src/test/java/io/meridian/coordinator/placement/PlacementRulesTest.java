package io.meridian.coordinator.placement;

import io.meridian.messages.SlotRange;

import static io.meridian.coordinator.placement.Specs.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.config.RedisTls;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each rule on a hand-written topology that breaks that rule and no other, with the exact
 * message an operator would read. Nodes: region 1 us-east 10.1.0.x, region 2 eu-west 10.2.0.x,
 * region 3 ap-south 10.3.0.x.
 */
class PlacementRulesTest {

  static final String A1 = address(1, 1), A2 = address(1, 2), A3 = address(1, 3), A4 = address(1, 4);
  static final String B1 = address(2, 1), B2 = address(2, 2), B3 = address(2, 3);
  static final String C1 = address(3, 1), C2 = address(3, 2), C3 = address(3, 3);

  /** Three primaries, one per region, each followed from the next region: legal for performance r=1. */
  static Build ring(ClusterSpec spec) {
    return new Build(spec).primary(A1, 0, 5461).primary(B1, 5462, 10922).primary(C1, 10923, 16383)
        .replica(B2, A1).replica(C2, B1).replica(A2, C1);
  }

  @Test
  void aLegalPerformanceTopologyHasNoViolation() {
    ClusterSpec spec = Specs.performance(1, 2, 2, 2);
    assertThat(PlacementRules.check(spec, ring(spec).topology())).isEmpty();
  }

  @Test
  void aLegalReliabilityTopologyHasNoViolation() {
    ClusterSpec spec = Specs.reliability(2, 2, 2);
    Topology live = new Build(spec).primary(A1, 0, 8191).primary(A2, 8192, 16383)
        .replica(B1, A1).replica(C1, A1).replica(B2, A2).replica(C2, A2).topology();
    assertThat(PlacementRules.check(spec, live)).isEmpty();
  }

  @Test
  void aSpecNodeThatIsNotInTheClusterIsMissing() {
    ClusterSpec spec = Specs.performance(1, 3, 2, 2);
    assertThat(PlacementRules.check(spec, ring(spec).topology())).containsExactly(new Violation("node-missing", A3,
        "node 10.1.0.3:6379 of region us-east is in the spec but not in the cluster (unreachable, or never joined):"
            + " start it, or join it with CLUSTER MEET"));
  }

  @Test
  void aClusterNodeThatIsNotInTheSpecIsUnknown() {
    ClusterSpec spec = Specs.performance(1, 2, 2, 2);
    Topology live = ring(spec).replica("10.9.0.1:6379", A1).topology();
    assertThat(PlacementRules.check(spec, live)).containsExactly(new Violation("node-unknown", "10.9.0.1:6379",
        "node 10.9.0.1:6379 (replica of 10.1.0.1:6379, region elsewhere) is in the cluster but not in the spec: add it"
            + " to a region of the spec, or move its slots away and remove it with CLUSTER FORGET"));
  }

  @Test
  void unassignedSlotsAreSummarisedAsRanges() {
    ClusterSpec spec = Specs.performance(1, 2, 2, 2);
    Build live = ring(spec).unassign(0, 99).unassign(5000, 5000);
    assertThat(PlacementRules.check(spec, live.topology())).containsExactly(new Violation("slot-coverage", "slots",
        "slots 0-99, 5000 are not assigned (101 of 16384): keys there cannot be served until they are; assign them to"
            + " a primary with CLUSTER ADDSLOTSRANGE"));
  }

  @Test
  void slotsOwnedByAReplicaOrAnAbsentNodeAreNotCovered() {
    ClusterSpec spec = Specs.performance(1, 2, 2, 2);
    Build live = ring(spec).own(B2, 0, 9).own("10.9.9.9:6379", 20, 20);
    assertThat(PlacementRules.check(spec, live.topology())).containsExactly(
        new Violation("slot-coverage", B2, "slots 0-9 (10 slots) are owned by 10.2.0.2:6379, which is a replica of"
            + " 10.1.0.1:6379: assign them to a live primary (CLUSTER SETSLOT ... NODE)"),
        new Violation("slot-coverage", "10.9.9.9:6379", "slot 20 is owned by 10.9.9.9:6379, which is not in the"
            + " cluster: promote one of its replicas (CLUSTER FAILOVER TAKEOVER) or assign them to a live primary"));
  }

  @Test
  void aPrimaryWithoutAnyReplicaHasNoCopyOutsideItsRegion() {
    // replicasPerPrimary 0, so only this rule sees the missing copy (with r >= 1,
    // replicas-per-primary would report the same primary too).
    ClusterSpec spec = Specs.performance(0, 2, 2, 2);
    Topology live = new Build(spec).primary(A1, 0, 5461).primary(B1, 5462, 10922).primary(C1, 10923, 16383)
        .replica(B2, A1).replica(C2, B1).replica(A2, B1).topology();
    assertThat(PlacementRules.check(spec, live)).containsExactly(new Violation("replica-outside-region", C1,
        "primary 10.3.0.1:6379 (ap-south) owns 5461 slots and has no replica, so losing it or ap-south loses them:"
            + " add a replica in another region (CLUSTER REPLICATE 10.3.0.1:6379 on a spare node there)"));
  }

  @Test
  void aShardWhoseReplicasAllSitInThePrimarysRegionIsReportedOnceAsRegionHoldsAllCopies() {
    ClusterSpec spec = Specs.performance(1, 2, 2, 3);
    Topology live = new Build(spec).primary(A1, 0, 5461).primary(B1, 5462, 10922).primary(C1, 10923, 16383)
        .replica(B2, A1).replica(A2, A1).replica(C2, B1).replica(C3, C1).topology();
    assertThat(PlacementRules.check(spec, live)).containsExactly(new Violation("region-holds-all-copies", C1,
        "primary 10.3.0.1:6379 and all its replicas (10.3.0.3:6379) are in ap-south, so losing ap-south loses its"
            + " 5461 slots: move a replica to another region (CLUSTER REPLICATE 10.3.0.1:6379 on a node there)"));
  }

  @Test
  void aPrimaryWithFewerReplicasThanTheSpecAsksFor() {
    ClusterSpec spec = Specs.performance(2, 3, 3, 2);
    Topology live = new Build(spec).primary(A1, 0, 5461).primary(B1, 5462, 10922).primary(C1, 10923, 16383)
        .replica(B2, A1).replica(C2, A1).replica(A2, B1).replica(B3, B1).replica(A3, C1).topology();
    assertThat(PlacementRules.check(spec, live)).containsExactly(new Violation("replicas-per-primary", C1,
        "primary 10.3.0.1:6379 (ap-south) has 1 replica, the spec asks for 2: add 1 (CLUSTER REPLICATE 10.3.0.1:6379 on"
            + " spare nodes, in regions without a copy of it where possible)"));
  }

  @Test
  void aRegionWithoutAPrimaryBreaksTheSpread() {
    ClusterSpec spec = Specs.performance(1, 2, 2, 2);
    Topology live = new Build(spec).primary(A1, 0, 8191).primary(B1, 8192, 16383)
        .replica(B2, A1).replica(C1, B1).replica(A2, B1).replica(C2, A1).topology();
    assertThat(PlacementRules.check(spec, live)).containsExactly(new Violation("primary-spread", "ap-south",
        "region ap-south holds no primary (primaries per region: us-east 1, eu-west 1, ap-south 0): fail a shard over to"
            + " a replica in ap-south (CLUSTER FAILOVER on it), or add nodes there"));
  }

  @Test
  void primaryCountsPerRegionDifferingByTwoBreakTheSpread() {
    ClusterSpec spec = Specs.performance(1, 4, 3, 3);
    Topology live = new Build(spec).primary(A1, 0, 3276).primary(A2, 3277, 6553).primary(A3, 6554, 9830)
        .primary(B1, 9831, 13107).primary(C1, 13108, 16383)
        .replica(B2, A1).replica(B3, A2).replica(C2, A3).replica(C3, B1).replica(A4, C1).topology();
    assertThat(PlacementRules.check(spec, live)).containsExactly(new Violation("primary-spread", "us-east",
        "primaries per region differ by more than one (us-east 3, eu-west 1, ap-south 1): fail a shard of us-east over"
            + " to a replica in eu-west (CLUSTER FAILOVER on that replica)"));
  }

  @Test
  void reliabilityKeepsEveryPrimaryInTheFirstRegion() {
    ClusterSpec spec = Specs.reliability(2, 2, 2);
    Topology live = new Build(spec).primary(B1, 0, 8191).primary(A2, 8192, 16383)
        .replica(A1, B1).replica(C1, B1).replica(B2, A2).replica(C2, A2).topology();
    assertThat(PlacementRules.check(spec, live)).containsExactly(new Violation("reliability-primary-region", B1,
        "primary 10.2.0.1:6379 owns 8192 slots in eu-west, but the reliability topology keeps every primary in us-east:"
            + " fail it over to its replica 10.1.0.1:6379 in us-east (CLUSTER FAILOVER there)"));
  }

  @Test
  void reliabilityWantsACopyOfEveryPrimaryInEveryOtherRegion() {
    ClusterSpec spec = Specs.reliability(3, 2, 2);
    Topology live = new Build(spec).primary(A1, 0, 8191).primary(A2, 8192, 16383)
        .replica(B1, A1).replica(C1, A1).replica(C2, A1).replica(B2, A2).replica(A3, A2).topology();
    assertThat(PlacementRules.check(spec, live)).containsExactly(new Violation("reliability-copy-per-region",
        "ap-south", "region ap-south holds no copy of 1 of the 2 primaries (10.1.0.2:6379), so it alone would not hold"
            + " the full data set: add a replica of each there (CLUSTER REPLICATE)"));
  }

  @Test
  void aNofailoverNodeMustNotBeAPrimary() {
    List<RegionSpec> regions = new ArrayList<>(Specs.regions(2, 2, 2));
    regions.set(0, new RegionSpec("us-east", List.of(Specs.node(1, 1, true, 100), Specs.node(1, 2))));
    ClusterSpec spec = Specs.spec(TopologyKind.PERFORMANCE, 1, regions);
    assertThat(PlacementRules.check(spec, ring(spec).topology())).containsExactly(new Violation("primary-nofailover",
        A1, "primary 10.1.0.1:6379 (us-east) owns 5462 slots but the spec tags it nofailover: fail it over to one of its"
            + " replicas (CLUSTER FAILOVER on the replica) so it serves only as a replica"));
  }

  @Test
  void settingsThatDifferFromTheSpecAreListedPerNode() {
    ClusterSpec spec = Specs.performance(1, 2, 2, 2);
    Map<String, String> drifted = new LinkedHashMap<>(spec.ownedConfig());
    drifted.put("cluster-node-timeout", "15000");
    drifted.put("cluster-replica-no-failover", "no");
    drifted.remove("min-replicas-max-lag");
    Topology live = ring(spec).settings(B2, drifted).noSettings(C2).topology();
    assertThat(PlacementRules.check(spec, live)).containsExactly(new Violation("node-settings", B2,
        "node 10.2.0.2:6379 has cluster-node-timeout 15000 (spec: 5000), cluster-replica-no-failover no (spec: yes),"
            + " min-replicas-max-lag unread (spec: 2): set them with CONFIG SET, or let Meridian reconcile the node"));
  }

  @Test
  void onATlsClusterReplicationAndTheClusterBusMustBeOnTlsAndTlsPortWhereMeridianConnects() {
    ClusterSpec plain = Specs.performance(1, 2, 2, 2);
    ClusterSpec spec = new ClusterSpec(plain.cluster(), plain.topology(), plain.regions(), plain.replicasPerPrimary(),
        plain.settings(), RedisAuth.none().withTls(Optional.of(new RedisTls(Path.of("ca.crt"), Optional.empty(),
            Optional.empty()))));
    assertThat(spec.ownedConfig()).containsEntry("tls-replication", "yes").containsEntry("tls-cluster", "yes")
        .doesNotContainKey("tls-port");
    assertThat(plain.ownedConfig()).doesNotContainKeys("tls-replication", "tls-cluster", "tls-port");
    assertThat(PlacementRules.check(spec, ring(spec).topology())).isEmpty();

    Map<String, String> drifted = new LinkedHashMap<>(spec.expectedConfig(spec.node(B2).orElseThrow()));
    drifted.put("tls-cluster", "no");
    drifted.put("tls-port", "0");
    Topology live = ring(spec).settings(B2, drifted).topology();
    assertThat(PlacementRules.check(spec, live)).containsExactly(new Violation("node-settings", B2,
        "node 10.2.0.2:6379 has tls-cluster no (spec: yes), tls-port 0 (spec: 6379): set them with CONFIG SET, or let"
            + " Meridian reconcile the node (except tls-port, which Meridian never moves under a serving node:"
            + " Meridian connects with TLS to the port of the node's spec address, so give the node that tls-port in"
            + " its configuration file and restart it, or correct the spec)"));
    assertThat(PlacementRules.check(plain, ring(plain).settings(B2, drifted).topology())).as("a plain cluster does"
        + " not own them").isEmpty();
  }

  @Test
  void violationsComeSortedByRuleThenSubject() {
    ClusterSpec spec = Specs.performance(1, 3, 2, 2);
    Topology live = ring(spec).unassign(0, 0).replica("10.9.0.1:6379", A1).replica("10.0.0.1:6379", A1).topology();
    assertThat(PlacementRules.check(spec, live)).extracting(v -> v.rule() + " " + v.subject()).containsExactly(
        "node-missing 10.1.0.3:6379", "node-unknown 10.0.0.1:6379", "node-unknown 10.9.0.1:6379", "slot-coverage slots");
  }

  @Test
  void longSlotListsAreCutSoTheMessageStaysOneLine() {
    List<Integer> evens = new ArrayList<>();
    for (int slot = 0; slot < 40; slot += 2) {
      evens.add(slot);
    }
    assertThat(SlotRange.summarize(evens, 3)).isEqualTo("0, 2, 4 and 17 more ranges");
    assertThat(SlotRange.summarize(List.of(0, 1, 2, 7, 9, 10), 8)).isEqualTo("0-2, 7, 9-10");
  }

  @Test
  void slotsSplitEvenlyInOrder() {
    assertThat(SlotRange.split(3)).containsExactly(new SlotRange(0, 5461), new SlotRange(5462, 10922), new SlotRange(10923, 16383));
    assertThat(SlotRange.split(1)).containsExactly(new SlotRange(0, 16383));
  }

  @Test
  void everyRuleIdIsExercisedAbove() {
    // Ids are a contract with alerts and dashboards: this list changes only with a new rule.
    assertThat(PlacementRules.RULES).containsExactly("node-missing", "node-unknown", "slot-coverage",
        "replica-outside-region", "region-holds-all-copies", "replicas-per-primary", "primary-spread",
        "reliability-primary-region", "reliability-copy-per-region", "primary-nofailover", "node-settings");
  }

  /** A hand-written topology: nodes take their region from the spec ("elsewhere" if not in it), settings are the spec's. */
  static final class Build {
    private final ClusterSpec spec;
    private final Map<String, NodeRole> nodes = new LinkedHashMap<>();
    private final List<String> owners = new ArrayList<>(Collections.nCopies(Topology.SLOTS, (String) null));
    private final Map<String, Map<String, String>> settings = new LinkedHashMap<>();

    Build(ClusterSpec spec) {
      this.spec = spec;
    }

    Build primary(String address, int from, int to) {
      nodes.put(address, new NodeRole(address, region(address), Optional.empty(), to - from + 1));
      settings.put(address, expected(address));
      return own(address, from, to);
    }

    Build replica(String address, String primary) {
      nodes.put(address, new NodeRole(address, region(address), Optional.of(primary), 0));
      if (spec.node(address).isPresent()) {
        settings.put(address, expected(address));
      }
      return this;
    }

    private Map<String, String> expected(String address) {
      return spec.node(address).map(spec::expectedConfig).orElseGet(spec::ownedConfig);
    }

    Build own(String address, int from, int to) {
      for (int slot = from; slot <= to; slot++) {
        owners.set(slot, address);
      }
      return this;
    }

    Build unassign(int from, int to) {
      return own(null, from, to);
    }

    Build settings(String address, Map<String, String> values) {
      settings.put(address, values);
      return this;
    }

    Build noSettings(String address) {
      settings.remove(address);
      return this;
    }

    Topology topology() {
      return new Topology(nodes, owners, settings);
    }

    private String region(String address) {
      return spec.regionOf(address).orElse("elsewhere");
    }
  }
}
