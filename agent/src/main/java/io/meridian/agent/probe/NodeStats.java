package io.meridian.agent.probe;

import io.meridian.agent.redis.InfoText;
import java.util.List;
import java.util.Optional;

/**
 * What one probe round read that only the agent's own metrics need (it stays off the wire: the
 * coordinators decide from {@link io.meridian.messages.RedisState}). Names follow the Redis
 * fields they come from.
 *
 * @param masterReplOffset {@code master_repl_offset} (on a replica: the offset of its own stream)
 * @param slotsAssigned    {@code cluster_slots_assigned}; zero when cluster mode is off, as are the three below
 * @param slotsOk          {@code cluster_slots_ok}
 * @param slotsPfail       {@code cluster_slots_pfail}
 * @param slotsFail        {@code cluster_slots_fail}
 * @param replicas         the replicas a primary lists in {@code INFO replication} ({@code slaveN:} lines)
 * @param maxClients       {@code CONFIG GET maxclients}; empty when CONFIG is not allowed
 * @param owners           who owns which slots as this node sees it; empty when cluster mode is off
 * @param info             the whole {@code INFO} reply, for the workload series redis_exporter reads from it
 * @param clusterInfo      the whole {@code CLUSTER INFO} reply (empty when cluster mode is off)
 */
public record NodeStats(long masterReplOffset, long slotsAssigned, long slotsOk, long slotsPfail, long slotsFail,
    List<Replica> replicas, Optional<Long> maxClients, Optional<ShardOwners> owners, InfoText info,
    InfoText clusterInfo) {

  /** One {@code slaveN:ip=…,port=…,state=…,offset=…,lag=…} line. */
  public record Replica(String ip, String port, String state, long offset, long lagSeconds) {
  }

  public NodeStats {
    replicas = List.copyOf(replicas);
  }
}
