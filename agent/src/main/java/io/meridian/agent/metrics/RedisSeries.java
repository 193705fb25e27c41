package io.meridian.agent.metrics;

import io.meridian.agent.probe.NodeStats;
import io.meridian.agent.probe.ProbeResult;
import io.meridian.messages.RedisState;
import io.meridian.monitoring.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The data-plane series of one node after one probe, with redis_exporter's names and meanings so
 * that dashboards and rule packs written for it apply: {@code redis_up} always; the rest only
 * while the node answers (as the exporter does), so a dead node leaves no frozen values behind.
 * Every series carries the label {@code node} (the address the agent probes). Pure.
 */
public final class RedisSeries {

  /** Help text of every series this class makes; the metrics table in docs/reference/metrics.md says the same. */
  public static final Map<String, String> HELP = Map.ofEntries(
      Map.entry("redis_up", "1 when the node answered the last probe, else 0"),
      Map.entry("redis_instance_info", "Always 1; the label role is master or slave"),
      Map.entry("redis_master_link_up", "Replicas: 1 while master_link_status is up"),
      Map.entry("redis_master_last_io_seconds_ago", "Replicas: seconds since the last interaction with the primary"),
      Map.entry("redis_connected_slaves", "Replicas connected to this node"),
      Map.entry("redis_master_repl_offset", "master_repl_offset: the replication stream offset"),
      Map.entry("redis_slave_repl_offset", "Replicas: slave_repl_offset, how far this replica has processed"),
      Map.entry("redis_connected_slave_lag_seconds", "Primaries: lag of each connected replica (slave_ip, slave_port)"),
      Map.entry("redis_connected_slave_offset_bytes", "Primaries: replication offset of each connected replica"),
      Map.entry("redis_cluster_enabled", "1 when the node runs in cluster mode"),
      Map.entry("redis_cluster_state", "1 when cluster_state is ok"),
      Map.entry("redis_cluster_slots_assigned", "cluster_slots_assigned"),
      Map.entry("redis_cluster_slots_ok", "cluster_slots_ok"),
      Map.entry("redis_cluster_slots_pfail", "cluster_slots_pfail"),
      Map.entry("redis_cluster_slots_fail", "cluster_slots_fail"),
      Map.entry("redis_cluster_known_nodes", "cluster_known_nodes"),
      Map.entry("redis_cluster_current_epoch", "cluster_current_epoch"),
      Map.entry("redis_memory_used_bytes", "used_memory"),
      Map.entry("redis_memory_max_bytes", "maxmemory (0 = no limit)"),
      Map.entry("redis_connected_clients", "connected_clients"),
      Map.entry("redis_config_maxclients", "maxclients (absent when CONFIG is not allowed)"));

  private RedisSeries() {
  }

  public static List<Sample> of(String node, ProbeResult result) {
    List<Sample> out = new ArrayList<>();
    out.add(Sample.flag("redis_up", result.state().isPresent(), "node", node));
    if (result.state().isEmpty() || result.stats().isEmpty()) {
      return out;
    }
    RedisState s = result.state().get();
    NodeStats st = result.stats().get();
    boolean replica = s.role() == RedisState.Role.REPLICA;
    out.add(Sample.of("redis_instance_info", 1, "node", node, "role", replica ? "slave" : "master"));
    if (replica) {
      out.add(Sample.flag("redis_master_link_up", s.masterLinkUp().orElse(false), "node", node));
      s.masterLastIoSeconds().ifPresent(secs -> out.add(Sample.of("redis_master_last_io_seconds_ago", secs,
          "node", node)));
      out.add(Sample.of("redis_slave_repl_offset", s.replOffset(), "node", node));
    }
    out.add(Sample.of("redis_connected_slaves", s.connectedReplicas(), "node", node));
    out.add(Sample.of("redis_master_repl_offset", st.masterReplOffset(), "node", node));
    for (NodeStats.Replica r : st.replicas()) {
      out.add(Sample.of("redis_connected_slave_lag_seconds", r.lagSeconds(), "node", node, "slave_ip", r.ip(),
          "slave_port", r.port(), "slave_state", r.state()));
      out.add(Sample.of("redis_connected_slave_offset_bytes", r.offset(), "node", node, "slave_ip", r.ip(),
          "slave_port", r.port(), "slave_state", r.state()));
    }
    out.add(Sample.flag("redis_cluster_enabled", s.clusterEnabled(), "node", node));
    if (s.clusterEnabled()) {
      out.add(Sample.flag("redis_cluster_state", s.clusterState().orElse("").equals("ok"), "node", node));
      out.add(Sample.of("redis_cluster_slots_assigned", st.slotsAssigned(), "node", node));
      out.add(Sample.of("redis_cluster_slots_ok", st.slotsOk(), "node", node));
      out.add(Sample.of("redis_cluster_slots_pfail", st.slotsPfail(), "node", node));
      out.add(Sample.of("redis_cluster_slots_fail", st.slotsFail(), "node", node));
      out.add(Sample.of("redis_cluster_known_nodes", s.knownNodes(), "node", node));
      out.add(Sample.of("redis_cluster_current_epoch", s.clusterCurrentEpoch(), "node", node));
    }
    out.add(Sample.of("redis_memory_used_bytes", s.usedMemoryBytes(), "node", node));
    out.add(Sample.of("redis_memory_max_bytes", s.maxMemoryBytes(), "node", node));
    out.add(Sample.of("redis_connected_clients", s.connectedClients(), "node", node));
    st.maxClients().ifPresent(max -> out.add(Sample.of("redis_config_maxclients", max, "node", node)));
    return out;
  }
}
