package io.meridian.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.agent.probe.NodeStats;
import io.meridian.agent.probe.ProbeResult;
import io.meridian.messages.ProbeFailure;
import io.meridian.messages.RedisState;
import io.meridian.monitoring.Sample;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisSeriesTest {

  static RedisState state(RedisState.Role role, boolean linkUp, String clusterState) {
    boolean replica = role == RedisState.Role.REPLICA;
    return new RedisState(role, replica ? Optional.of("127.0.0.1:7000") : Optional.empty(),
        replica ? Optional.of(linkUp) : Optional.empty(), replica ? Optional.of(3L) : Optional.empty(), 500, 
        replica ? 0 : 1, true, Optional.of(clusterState), Optional.of("abc"), 7, 6, List.of("0-5460"), 5461,
        List.of("myself"), Map.of(), 1_000_000, 2_000_000, 12, Optional.empty(), Map.of());
  }

  static double value(List<Sample> samples, String name) {
    return samples.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(
        () -> new AssertionError("no " + name + " in " + samples)).value();
  }

  @Test
  void aPrimaryExportsTheExporterSeries() {
    NodeStats stats = new NodeStats(500, 16384, 16384, 0, 0,
        List.of(new NodeStats.Replica("127.0.0.1", "7003", "online", 480, 1)), Optional.of(10000L),
        Optional.empty());
    List<Sample> s = RedisSeries.of("127.0.0.1:7000",
        ProbeResult.answered(state(RedisState.Role.PRIMARY, true, "ok"), stats, 300));
    assertThat(s).allSatisfy(x -> assertThat(x.labels()).containsEntry("node", "127.0.0.1:7000"));
    assertThat(value(s, "redis_up")).isEqualTo(1);
    assertThat(s).contains(Sample.of("redis_instance_info", 1, "node", "127.0.0.1:7000", "role", "master"));
    assertThat(s).contains(Sample.of("redis_connected_slave_lag_seconds", 1, "node", "127.0.0.1:7000",
        "slave_ip", "127.0.0.1", "slave_port", "7003", "slave_state", "online"));
    assertThat(value(s, "redis_cluster_state")).isEqualTo(1);
    assertThat(value(s, "redis_cluster_slots_ok")).isEqualTo(16384);
    assertThat(value(s, "redis_memory_used_bytes")).isEqualTo(1_000_000);
    assertThat(value(s, "redis_memory_max_bytes")).isEqualTo(2_000_000);
    assertThat(value(s, "redis_connected_clients")).isEqualTo(12);
    assertThat(value(s, "redis_config_maxclients")).isEqualTo(10000);
    assertThat(value(s, "redis_connected_slaves")).isEqualTo(1);
    assertThat(value(s, "redis_master_repl_offset")).isEqualTo(500);
    assertThat(s).noneMatch(x -> x.name().equals("redis_master_link_up"));
    assertThat(RedisSeries.HELP.keySet()).containsAll(s.stream().map(Sample::name).toList());
  }

  @Test
  void aReplicaWithItsLinkDownInAFailingCluster() {
    NodeStats stats = new NodeStats(500, 16384, 10922, 0, 5462, List.of(), Optional.empty(), Optional.empty());
    List<Sample> s = RedisSeries.of("n:1", ProbeResult.answered(state(RedisState.Role.REPLICA, false, "fail"), stats, 1));
    assertThat(s).contains(Sample.of("redis_instance_info", 1, "node", "n:1", "role", "slave"));
    assertThat(value(s, "redis_master_link_up")).isZero();
    assertThat(value(s, "redis_master_last_io_seconds_ago")).isEqualTo(3);
    assertThat(value(s, "redis_cluster_state")).isZero();
    assertThat(value(s, "redis_cluster_slots_fail")).isEqualTo(5462);
    assertThat(s).noneMatch(x -> x.name().equals("redis_config_maxclients"));
  }

  @Test
  void aNodeThatDoesNotAnswerHasOnlyRedisUpZero() {
    List<Sample> s = RedisSeries.of("n:1", ProbeResult.failed(new ProbeFailure(ProbeFailure.Kind.REFUSED,
        "connection refused by n:1"), 5));
    assertThat(s).containsExactly(Sample.of("redis_up", 0, "node", "n:1"));
  }
}
