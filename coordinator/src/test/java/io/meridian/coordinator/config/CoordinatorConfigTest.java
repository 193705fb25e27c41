package io.meridian.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatorConfigTest {

  private static CoordinatorConfig parse(String yaml) throws ConfigException {
    return CoordinatorConfig.read(ConfigFiles.parse("coordinator.yaml", yaml), Path.of("."),
        io.meridian.runtime.testing.TestKeys.withCoordinatorKeys(Map.of()));
  }

  private static void assertRejected(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void defaults() throws ConfigException {
    CoordinatorConfig c = parse("cluster: demo\nregion: r1\nregions: [r1, r2, r3]\n");
    assertThat(c.coordinatorId()).isEqualTo("coordinator-r1");
    assertThat(c.staleAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.bus().port()).isEqualTo(5701);
  }

  @Test
  void everyFieldCanBeSet() throws ConfigException {
    CoordinatorConfig c = parse("""
        cluster: prod
        region: eu
        coordinatorId: coord-eu-1
        regions: [eu, us, ap, sa]
        staleAfter: 5s
        http: {host: 0.0.0.0, port: 9090}
        bus: {clusterName: prod, port: 5801, members: ["10.0.0.2:5801"]}
        """);
    assertThat(c.coordinatorId()).isEqualTo("coord-eu-1");
    assertThat(c.regions()).containsExactly("eu", "us", "ap", "sa");
    assertThat(c.staleAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.httpPort()).isEqualTo(9090);
  }

  @Test
  void theLeadershipClusterDefaultsToTheBusAddresses100PortsUp() throws ConfigException {
    CoordinatorConfig d = parse("cluster: demo\nregion: r1\nregions: [r1, r2, r3]\n"
        + "bus: {members: [\"10.0.0.2:5701\", \"10.0.1.2:5702\", 10.0.2.2]}\n");
    assertThat(d.leadership().port()).isEqualTo(5801);
    assertThat(d.leadership().members()).containsExactly("10.0.0.2:5801", "10.0.1.2:5802", "10.0.2.2:5801");
    CoordinatorConfig moved = parse("cluster: demo\nregion: r1\nregions: [r1, r2, r3]\n"
        + "bus: {port: 5801, members: [\"10.0.0.2:5801\"]}\n");
    assertThat(moved.leadership().port()).isEqualTo(5901);
    assertThat(moved.leadership().members()).containsExactly("10.0.0.2:5901");
    CoordinatorConfig c = parse("cluster: demo\nregion: r1\nregions: [r1, r2, r3]\n"
        + "leadership: {port: 6801, members: [\"127.0.0.1:6801\", \"127.0.0.1:6802\"]}\n");
    assertThat(c.leadership().port()).isEqualTo(6801);
    assertThat(c.leadership().members()).containsExactly("127.0.0.1:6801", "127.0.0.1:6802");
    assertThat(d.leadership().memberTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(parse("cluster: demo\nregion: r1\nregions: [r1, r2, r3]\nleadership: {memberTimeout: 6s}\n")
        .leadership().memberTimeout()).isEqualTo(java.time.Duration.ofSeconds(6));
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r2, r3]\nleadership: {port: 5701}\n",
        "coordinator.yaml: field 'leadership.port': is the bus's port (bus.port 5701); the leadership cluster needs a "
            + "port of its own");
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r2, r3]\nleadership: {members: [\"h:x\"]}\n",
        "coordinator.yaml: field 'leadership.members[0]': must be host or host:port, got \"h:x\"");
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r2, r3]\nbus: {cpMembers: 3}\n",
        "coordinator.yaml: field 'bus.cpMembers': is no longer used: the coordinators' CP group lives in their own "
            + "leadership cluster (coordinator.yaml, leadership); remove it");
  }

  @Test
  void rebalanceSettings() throws ConfigException {
    CoordinatorConfig d = parse("cluster: demo\nregion: r1\nregions: [r1, r2, r3]\n");
    assertThat(d.rebalance()).isEqualTo(Rebalance.defaults());
    CoordinatorConfig c = parse("cluster: demo\nregion: r1\nregions: [r1, r2, r3]\n"
        + "rebalance: {enabled: false, failback: manual, maxLagBytes: 4096, actionInterval: 10s, actionTimeout: 1m}\n");
    assertThat(c.rebalance()).isEqualTo(new Rebalance(false, false, 4096, Duration.ofSeconds(10), Duration.ofMinutes(1)));
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r2, r3]\nrebalance: {failback: sometimes}\n",
        "coordinator.yaml: field 'rebalance.failback': must be 'automatic' or 'manual', got \"sometimes\"");
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r2, r3]\nrebalance: {maxLag: 5}\n",
        "coordinator.yaml: field 'rebalance.maxLag': unknown field (known here: enabled, failback, maxLagBytes, actionInterval, actionTimeout)");
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r2, r3]\nrebalance: {maxLagBytes: -1}\n",
        "coordinator.yaml: field 'rebalance.maxLagBytes': must be between 0 and 2147483647, got -1");
  }

  @Test
  void aSpecWhoseRedisFailoverWouldPromoteBeforeTheWriteFenceIsRefusedWithTheReason(@TempDir Path dir)
      throws Exception {
    String spec = CoordinatorReloadTest.SPEC + "redis:\n";
    String redisFailover = spec + "  clusterReplicaNoFailover: false\n";
    assertThatThrownBy(() -> CoordinatorReloadTest.withSpec(dir, redisFailover + "  clusterNodeTimeout: 2s\n"))
        .isInstanceOf(ConfigException.class).hasMessage("coordinator.yaml: field 'spec': redis.clusterNodeTimeout "
            + "2000ms with clusterReplicaNoFailover: false lets Redis's own failover promote a replica before a cut-off "
            + "primary's agent has paused its writes (agents fence after 1000ms by default, plus "
            + "leadership.fenceMargin 1000ms and 500ms for observers): raise clusterNodeTimeout to at least 2500ms, or "
            + "leave failover to Meridian (clusterReplicaNoFailover: true)");
    // long enough for the fence, or Meridian's own failover (which waits for each agent's fence): accepted
    assertThat(CoordinatorReloadTest.withSpec(dir, redisFailover + "  clusterNodeTimeout: 5s\n").spec()).isPresent();
    assertThat(CoordinatorReloadTest.withSpec(dir, spec + "  clusterNodeTimeout: 1s\n").spec()).isPresent();
  }

  @Test
  void badFilesSayWhichFieldAndWhy() {
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r2]\n",
        "coordinator.yaml: field 'regions': must list 3 to 5 regions, got 2");
    assertRejected("cluster: c\nregion: r9\nregions: [r1, r2, r3]\n",
        "coordinator.yaml: field 'region': \"r9\" is not one of the cluster's regions [r1, r2, r3]");
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r1, r3]\n", "coordinator.yaml: field 'regions': lists a region twice");
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r2, r3]\nhttp: {port: 70000}\n",
        "coordinator.yaml: field 'http.port': must be between 1 and 65535, got 70000");
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r2, r3]\nstaleafter: 3s\n",
        "coordinator.yaml: field 'staleafter': unknown field (known here: cluster, region, coordinatorId, spec, regions, staleAfter, http, bus, log, leadership, operator, notifications, rebalance, redis)");
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r2, r3]\nleadership: {lease: 5s}\n",
        "coordinator.yaml: field 'leadership.lease': must be shorter than sessionTtl (5000 ms), or a stalled leader "
            + "could act after its lock moved to a successor");
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r2, r3]\nleadership: {lease: 3s, sessionTtl: 10s}\n",
        "coordinator.yaml: field 'leadership.lease': must not be longer than memberTimeout (2000 ms): the others drop "
            + "a silent coordinator after memberTimeout and free its lock for a successor, so a leader cut off from them "
            + "must have stopped acting by then");
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r2, r3]\nleadership: {memberTimeout: 2500ms}\n",
        "coordinator.yaml: field 'leadership.memberTimeout': must be whole seconds (Hazelcast counts it in seconds)");
    assertRejected("cluster: c\nregion: r1\nregions: [r1, r2, r3]\nbus: {members: [\"x:y\"]}\n",
        "coordinator.yaml: field 'bus.members[0]': must be host or host:port, got \"x:y\"");
  }
}
