package io.meridian.agent.metrics;

import io.meridian.agent.probe.NodeStats;
import io.meridian.agent.probe.ProbeResult;
import io.meridian.messages.RedisState;
import io.meridian.monitoring.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The data-plane series of one node after one probe, with redis_exporter's names and meanings so
 * that dashboards and rule packs written for it apply: {@code redis_up} always; the rest only
 * while the node answers (as the exporter does), so a dead node leaves no frozen values behind.
 * Every series carries the label {@code node} (the address the agent probes). Pure.
 */
public final class RedisSeries {

  /** INFO fields exported as they are, under redis_exporter's names. */
  private static final Map<String, String> FROM_INFO = Map.ofEntries(
      Map.entry("total_commands_processed", "redis_commands_processed_total"),
      Map.entry("keyspace_hits", "redis_keyspace_hits_total"),
      Map.entry("keyspace_misses", "redis_keyspace_misses_total"),
      Map.entry("total_net_input_bytes", "redis_net_input_bytes_total"),
      Map.entry("total_net_output_bytes", "redis_net_output_bytes_total"),
      Map.entry("expired_keys", "redis_expired_keys_total"),
      Map.entry("evicted_keys", "redis_evicted_keys_total"),
      Map.entry("rejected_connections", "redis_rejected_connections_total"),
      Map.entry("uptime_in_seconds", "redis_uptime_in_seconds"),
      Map.entry("rdb_last_save_time", "redis_rdb_last_save_timestamp_seconds"),
      Map.entry("blocked_clients", "redis_blocked_clients"),
      Map.entry("used_memory_rss", "redis_memory_used_rss_bytes"),
      Map.entry("mem_fragmentation_ratio", "redis_mem_fragmentation_ratio"));

  /** Help text of every series this class makes; the metrics table in docs/reference/metrics.md says the same. */
  public static final Map<String, String> HELP = withInfoFields(Map.ofEntries(
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
      Map.entry("redis_config_maxclients", "maxclients (absent when CONFIG is not allowed)"),
      Map.entry("redis_db_keys", "Keys per database (label db), from INFO keyspace"),
      Map.entry("redis_cluster_size", "cluster_size: primaries that serve at least one slot"),
      Map.entry("redis_cluster_my_epoch", "cluster_my_epoch: this node's config epoch"),
      Map.entry("redis_commands_total", "Calls per command (label cmd), from INFO commandstats"),
      Map.entry("redis_commands_duration_seconds_total",
          "Seconds spent per command (label cmd), from INFO commandstats usec")));

  /** The labels of redis_instance_info besides node and role, from INFO. */
  private static final List<String> INSTANCE_LABELS = List.of("redis_version", "redis_mode", "run_id", "tcp_port",
      "maxmemory_policy");
  private static final Pattern DB = Pattern.compile("db\\d+");
  private static final String CMDSTAT = "cmdstat_";

  private RedisSeries() {
  }

  /** The help of a series copied from INFO is the INFO field it comes from. */
  private static Map<String, String> withInfoFields(Map<String, String> help) {
    Map<String, String> all = new java.util.HashMap<>(help);
    FROM_INFO.forEach((field, name) -> all.put(name, field));
    return Map.copyOf(all);
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
    Map<String, String> info = st.info().fields();
    List<String> instance = new ArrayList<>(List.of("node", node, "role", replica ? "slave" : "master"));
    INSTANCE_LABELS.stream().filter(info::containsKey).forEach(l -> instance.addAll(List.of(l, info.get(l))));
    out.add(Sample.of("redis_instance_info", 1, instance.toArray(String[]::new)));
    if (replica) {
      // As redis_exporter labels them: which primary the link is to.
      String[] link = {"node", node, "master_host", info.getOrDefault("master_host", ""),
          "master_port", info.getOrDefault("master_port", "")};
      out.add(Sample.flag("redis_master_link_up", s.masterLinkUp().orElse(false), link));
      s.masterLastIoSeconds().ifPresent(secs -> out.add(Sample.of("redis_master_last_io_seconds_ago", secs, link)));
      out.add(Sample.of("redis_slave_repl_offset", s.replOffset(), link));
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
      number(st.clusterInfo().fields().get("cluster_size"))
          .ifPresent(v -> out.add(Sample.of("redis_cluster_size", v, "node", node)));
      number(st.clusterInfo().fields().get("cluster_my_epoch"))
          .ifPresent(v -> out.add(Sample.of("redis_cluster_my_epoch", v, "node", node)));
    }
    out.add(Sample.of("redis_memory_used_bytes", s.usedMemoryBytes(), "node", node));
    out.add(Sample.of("redis_memory_max_bytes", s.maxMemoryBytes(), "node", node));
    out.add(Sample.of("redis_connected_clients", s.connectedClients(), "node", node));
    st.maxClients().ifPresent(max -> out.add(Sample.of("redis_config_maxclients", max, "node", node)));
    FROM_INFO.forEach((field, name) -> number(info.get(field)).ifPresent(v -> out.add(Sample.of(name, v, "node", node))));
    info.forEach((field, value) -> {
      if (DB.matcher(field).matches()) {
        // db0:keys=12,expires=0,avg_ttl=0
        number(pairs(value).get("keys")).ifPresent(v -> out.add(Sample.of("redis_db_keys", v, "node", node, "db", field)));
      } else if (field.startsWith(CMDSTAT)) {
        // cmdstat_set:calls=3,usec=12,usec_per_call=4.00,rejected_calls=0,failed_calls=0 (cmd as redis_exporter
        // labels it: lower case, subcommands as "client|setname")
        String cmd = field.substring(CMDSTAT.length());
        Map<String, String> stat = pairs(value);
        number(stat.get("calls")).ifPresent(v -> out.add(Sample.of("redis_commands_total", v, "node", node, "cmd", cmd)));
        number(stat.get("usec")).ifPresent(v -> out.add(Sample.of("redis_commands_duration_seconds_total", v / 1e6,
            "node", node, "cmd", cmd)));
      }
    });
    return out;
  }

  /** The {@code key=value,key=value} of a keyspace or commandstats field. */
  private static Map<String, String> pairs(String value) {
    Map<String, String> out = new java.util.HashMap<>();
    for (String pair : value.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return out;
  }

  private static Optional<Double> number(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Double.parseDouble(text));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
