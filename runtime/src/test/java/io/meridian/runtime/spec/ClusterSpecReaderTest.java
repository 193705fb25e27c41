package io.meridian.runtime.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterSpecReaderTest {

  private static final String THREE_REGIONS = """
      cluster: prod
      topology: performance
      regions:
        - name: eu
          nodes: [10.0.0.1:6379, 10.0.0.2:6379]
        - name: us
          nodes: [10.1.0.1:6379, 10.1.0.2:6379]
        - name: ap
          nodes: [10.2.0.1:6379, 10.2.0.2:6379]
      """;

  private static ClusterSpec parse(String yaml) throws ConfigException {
    return ClusterSpecReader.read(ConfigFiles.parse("spec.yaml", yaml), Map.of("PW", "hunter2"));
  }

  private static void assertRejected(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void shortFormTakesTheDocumentedDefaults() throws ConfigException {
    ClusterSpec spec = parse(THREE_REGIONS);
    assertThat(spec.topology()).isEqualTo(TopologyKind.PERFORMANCE);
    assertThat(spec.regionNames()).containsExactly("eu", "us", "ap");
    assertThat(spec.nodeCount()).isEqualTo(6);
    assertThat(spec.replicasPerPrimary()).isEqualTo(1);
    assertThat(spec.settings()).isEqualTo(RedisSettings.defaults());
    assertThat(spec.settings().asConfig()).containsExactly(
        Map.entry("cluster-node-timeout", "5000"),
        Map.entry("cluster-replica-no-failover", "yes"),
        Map.entry("min-replicas-to-write", "1"),
        Map.entry("min-replicas-max-lag", "2"),
        Map.entry("cluster-require-full-coverage", "no"),
        Map.entry("cluster-allow-reads-when-down", "no"));
    assertThat(spec.auth().password()).isEmpty();
    assertThat(spec.regionOf("10.1.0.2:6379")).contains("us");
  }

  @Test
  void longFormWithAnnouncedAddressesTagsAuthAndSettings() throws ConfigException {
    ClusterSpec spec = parse("""
        cluster: prod
        topology: reliability
        regions:
          - name: eu
            nodes:
              - address: 10.0.0.1:6379
                announce: 203.0.113.1:7000
                announceBusPort: 17000
                priority: 200
              - {address: 10.0.0.2:6379, tags: [nofailover]}
          - {name: us, nodes: [10.1.0.1:6379]}
          - {name: ap, nodes: [10.2.0.1:6379]}
        auth: {user: meridian, passwordEnv: PW}
        redis:
          clusterNodeTimeout: 3s
          clusterReplicaNoFailover: false
          minReplicasToWrite: 0
          minReplicasMaxLag: 5s
          clusterRequireFullCoverage: true
          clusterAllowReadsWhenDown: true
        """);
    NodeSpec first = spec.regions().get(0).nodes().get(0);
    assertThat(first.announced()).isEqualTo("203.0.113.1:7000");
    assertThat(first.announceBusPort()).contains(17000);
    assertThat(first.priority()).isEqualTo(200);
    assertThat(spec.regions().get(0).nodes().get(1).noFailover()).isTrue();
    assertThat(spec.replicasPerPrimary()).isEqualTo(2);
    assertThat(spec.auth().user()).contains("meridian");
    assertThat(spec.auth().password().orElseThrow().reveal()).isEqualTo("hunter2");
    assertThat(spec.toString()).doesNotContain("hunter2");
    assertThat(spec.settings().clusterNodeTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(spec.settings().asConfig()).containsEntry("min-replicas-to-write", "0")
        .containsEntry("cluster-replica-no-failover", "no");
    assertThat(spec.regionOf("203.0.113.1:7000")).contains("eu");
    assertThat(spec.node("203.0.113.1:7000").map(NodeSpec::address)).isEqualTo(Optional.of("10.0.0.1:6379"));
  }

  @Test
  void badSpecsSayWhichFieldAndWhy() {
    assertRejected(THREE_REGIONS.replace("performance", "fast"),
        "spec.yaml: field 'topology': must be 'performance' or 'reliability', got \"fast\"");
    assertRejected(THREE_REGIONS.replace("  - name: ap\n    nodes: [10.2.0.1:6379, 10.2.0.2:6379]\n", ""),
        "spec.yaml: field 'regions': must list 3 to 5 regions, got 2");
    assertRejected(THREE_REGIONS.replace("10.2.0.2:6379", "10.0.0.1:6379"),
        "spec.yaml: field 'regions[2].nodes[1].address': node 10.0.0.1:6379 is listed twice");
    assertRejected(THREE_REGIONS.replace("10.2.0.2:6379", "10.2.0.2"),
        "spec.yaml: field 'regions[2].nodes[1].address': must be host:port, got \"10.2.0.2\"");
    assertRejected(THREE_REGIONS.replace("name: us", "name: eu"),
        "spec.yaml: field 'regions[1].name': region \"eu\" is listed twice");
    assertRejected(THREE_REGIONS.replace("topology: performance", "topology: reliability\nreplicasPerPrimary: 1"),
        "spec.yaml: field 'replicasPerPrimary': is fixed by the reliability topology at one replica per other region "
            + "(2 here); remove the field or set it to 2");
    assertRejected(THREE_REGIONS + "redis: {clusterNodeTimeout: 100ms}\n",
        "spec.yaml: field 'redis.clusterNodeTimeout': must be between 500ms and 5m, got 100ms");
    assertRejected(THREE_REGIONS + "auth: {passwordEnv: NOT_SET_ANYWHERE}\n",
        "spec.yaml: field 'auth.passwordEnv': environment variable NOT_SET_ANYWHERE is not set (or empty)");
    assertRejected(THREE_REGIONS.replace("nodes: [10.1.0.1:6379, 10.1.0.2:6379]",
        "nodes: [{address: 10.1.0.1:6379, tags: [primary]}]"),
        "spec.yaml: field 'regions[1].nodes[0].tags[0]': unknown tag \"primary\" (known: nofailover)");
    assertRejected(THREE_REGIONS.replace("nodes: [10.1.0.1:6379, 10.1.0.2:6379]", "nodes: []"),
        "spec.yaml: field 'regions[1].nodes': region us must list at least one node");
    assertRejected(THREE_REGIONS + "replicas: 2\n",
        "spec.yaml: field 'replicas': unknown field (known here: cluster, topology, regions, replicasPerPrimary, redis, auth)");
  }
}
