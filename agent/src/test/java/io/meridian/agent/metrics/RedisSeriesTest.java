package io.meridian.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.agent.probe.NodeStats;
import io.meridian.agent.probe.ProbeResult;
import io.meridian.agent.redis.InfoText;
import io.meridian.messages.ProbeFailure;
import io.meridian.messages.RedisState;
import io.meridian.monitoring.Sample;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisSeriesTest {

  static final String PRIMARY_INFO = String.join("\r\n", "# Server", "redis_version:7.0.15", "redis_mode:cluster",
      "run_id:f00d", "tcp_port:7000", "uptime_in_seconds:77", "# Clients", "blocked_clients:4", "# Memory",
      "used_memory_rss:9000000", "maxmemory_policy:noeviction", "mem_fragmentation_ratio:1.25", "# Persistence",
      "rdb_last_save_time:1796000000", "# Stats", "total_commands_processed:1234", "total_net_input_bytes:5000",
      "total_net_output_bytes:6000", "rejected_connections:1", "expired_keys:3", "evicted_keys:2", "keyspace_hits:90",
      "keyspace_misses:10", "# Keyspace", "db0:keys=12,expires=0,avg_ttl=0", "db3:keys=5,expires=1,avg_ttl=100", "# Commandstats",
      "cmdstat_set:calls=40,usec=250,usec_per_call=6.25,rejected_calls=0,failed_calls=0",
      "cmdstat_client|setname:calls=2,usec=3,usec_per_call=1.50,rejected_calls=0,failed_calls=0", "");

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
        Optional.empty(), InfoText.parse(PRIMARY_INFO), InfoText.parse("cluster_size:3\r\ncluster_my_epoch:7\r\n"));
    List<Sample> s = RedisSeries.of("127.0.0.1:7000",
        ProbeResult.answered(state(RedisState.Role.PRIMARY, true, "ok"), stats, 300));
    assertThat(s).allSatisfy(x -> assertThat(x.labels()).containsEntry("node", "127.0.0.1:7000"));
    assertThat(value(s, "redis_up")).isEqualTo(1);
    assertThat(s).contains(Sample.of("redis_instance_info", 1, "node", "127.0.0.1:7000", "role", "master",
        "redis_version", "7.0.15", "redis_mode", "cluster", "run_id", "f00d", "tcp_port", "7000",
        "maxmemory_policy", "noeviction"));
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
    // The workload, as redis_exporter names it
    assertThat(value(s, "redis_commands_processed_total")).isEqualTo(1234);
    assertThat(value(s, "redis_keyspace_hits_total")).isEqualTo(90);
    assertThat(value(s, "redis_keyspace_misses_total")).isEqualTo(10);
    assertThat(value(s, "redis_net_input_bytes_total")).isEqualTo(5000);
    assertThat(value(s, "redis_net_output_bytes_total")).isEqualTo(6000);
    assertThat(value(s, "redis_expired_keys_total")).isEqualTo(3);
    assertThat(value(s, "redis_evicted_keys_total")).isEqualTo(2);
    assertThat(value(s, "redis_rejected_connections_total")).isEqualTo(1);
    assertThat(value(s, "redis_uptime_in_seconds")).isEqualTo(77);
    assertThat(value(s, "redis_rdb_last_save_timestamp_seconds")).isEqualTo(1_796_000_000);
    assertThat(value(s, "redis_blocked_clients")).isEqualTo(4);
    assertThat(value(s, "redis_memory_used_rss_bytes")).isEqualTo(9_000_000);
    assertThat(value(s, "redis_mem_fragmentation_ratio")).isEqualTo(1.25);
    assertThat(value(s, "redis_cluster_size")).isEqualTo(3);
    assertThat(value(s, "redis_cluster_my_epoch")).isEqualTo(7);
    assertThat(s).contains(Sample.of("redis_db_keys", 12, "node", "127.0.0.1:7000", "db", "db0"),
        Sample.of("redis_db_keys", 5, "node", "127.0.0.1:7000", "db", "db3"));
    assertThat(s).contains(Sample.of("redis_commands_total", 40, "node", "127.0.0.1:7000", "cmd", "set"),
        Sample.of("redis_commands_duration_seconds_total", 0.00025, "node", "127.0.0.1:7000", "cmd", "set"),
        Sample.of("redis_commands_total", 2, "node", "127.0.0.1:7000", "cmd", "client|setname"),
        Sample.of("redis_commands_duration_seconds_total", 0.000003, "node", "127.0.0.1:7000", "cmd", "client|setname"));
    assertThat(RedisSeries.HELP.keySet()).containsAll(s.stream().map(Sample::name).toList());
  }

  @Test
  void aReplicaWithItsLinkDownInAFailingCluster() {
    NodeStats stats = new NodeStats(500, 16384, 10922, 0, 5462, List.of(), Optional.empty(), Optional.empty(),
        InfoText.parse("master_host:10.0.0.1\r\nmaster_port:7000\r\n"), InfoText.parse(""));
    List<Sample> s = RedisSeries.of("n:1", ProbeResult.answered(state(RedisState.Role.REPLICA, false, "fail"), stats, 1));
    assertThat(s).contains(Sample.of("redis_instance_info", 1, "node", "n:1", "role", "slave"));
    assertThat(s).contains(Sample.of("redis_master_link_up", 0, "node", "n:1", "master_host", "10.0.0.1",
        "master_port", "7000"), Sample.of("redis_master_last_io_seconds_ago", 3, "node", "n:1",
        "master_host", "10.0.0.1", "master_port", "7000"));
    assertThat(s).noneMatch(x -> x.name().equals("redis_cluster_size") || x.name().equals("redis_db_keys"));
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
