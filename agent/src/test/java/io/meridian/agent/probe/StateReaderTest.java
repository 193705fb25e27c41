package io.meridian.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.messages.RedisState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateReaderTest {

  static final String PRIMARY_INFO = """
      # Replication\r
      role:master\r
      connected_slaves:1\r
      slave0:ip=127.0.0.1,port=7003,state=online,offset=1234,lag=0\r
      master_repl_offset:1234\r
      # Memory\r
      used_memory:1048576\r
      maxmemory:0\r
      # Clients\r
      connected_clients:3\r
      # Cluster\r
      cluster_enabled:1\r
      """;

  static final String REPLICA_INFO = """
      # Replication
      role:slave
      master_host:127.0.0.1
      master_port:7000
      master_link_status:down
      master_last_io_seconds_ago:-1
      slave_repl_offset:1000
      connected_slaves:0
      used_memory:2000
      maxmemory:104857600
      connected_clients:1
      cluster_enabled:1
      """;

  static final String CLUSTER_INFO = """
      cluster_state:ok
      cluster_slots_assigned:16384
      cluster_known_nodes:3
      cluster_current_epoch:6
      """;

  static final String NODES = String.join("\n",
      "07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460 5462 [5463->-e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca]",
      "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7001@17001 master,fail? - 1426238316232 0 2 connected 5461 5463-10922",
      "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:7002@17002 slave 07c37dfeb235213a872192d90877d0cd55635b91 0 1426238316232 1 connected",
      "");

  @Test
  void primaryInClusterMode() {
    RedisState s = StateReader.read(PRIMARY_INFO, CLUSTER_INFO, NODES, Map.of("cluster-node-timeout", "5000"));
    assertThat(s.role()).isEqualTo(RedisState.Role.PRIMARY);
    assertThat(s.primary()).isEmpty();
    assertThat(s.masterLinkUp()).isEmpty();
    assertThat(s.replOffset()).isEqualTo(1234);
    assertThat(s.connectedReplicas()).isEqualTo(1);
    assertThat(s.clusterEnabled()).isTrue();
    assertThat(s.clusterState()).contains("ok");
    assertThat(s.clusterNodeId()).contains("07c37dfeb235213a872192d90877d0cd55635b91");
    assertThat(s.clusterCurrentEpoch()).isEqualTo(6);
    assertThat(s.knownNodes()).isEqualTo(3);
    assertThat(s.slots()).containsExactly("0-5460", "5462");
    assertThat(s.slotCount()).isEqualTo(5462);
    assertThat(s.flags()).containsExactly("myself", "master");
    assertThat(s.peerTroubles()).containsOnlyKeys("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca");
    assertThat(s.usedMemoryBytes()).isEqualTo(1048576);
    assertThat(s.connectedClients()).isEqualTo(3);
    assertThat(s.announced()).contains("127.0.0.1:7000");
    assertThat(s.settings()).containsEntry("cluster-node-timeout", "5000");
  }

  @Test
  void replicaWithItsLinkDown() {
    RedisState s = StateReader.read(REPLICA_INFO, CLUSTER_INFO, NODES.replace("myself,master", "master")
        .replace("slave 07c3", "myself,slave 07c3"), Map.of());
    assertThat(s.role()).isEqualTo(RedisState.Role.REPLICA);
    assertThat(s.primary()).contains("127.0.0.1:7000");
    assertThat(s.masterLinkUp()).contains(false);
    assertThat(s.masterLastIoSeconds()).contains(-1L);
    assertThat(s.replOffset()).isEqualTo(1000);
    assertThat(s.slots()).isEmpty();
    assertThat(s.clusterNodeId()).contains("67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1");
    assertThat(s.maxMemoryBytes()).isEqualTo(104857600);
  }

  @Test
  void standaloneNodeHasNoClusterFields() {
    RedisState s = StateReader.read(PRIMARY_INFO.replace("cluster_enabled:1", "cluster_enabled:0"), null, null, Map.of());
    assertThat(s.clusterEnabled()).isFalse();
    assertThat(s.clusterState()).isEmpty();
    assertThat(s.clusterNodeId()).isEmpty();
    assertThat(s.slots()).isEqualTo(List.of());
  }

  @Test
  void garbageIsAnErrorNotAGuess() {
    assertThatThrownBy(() -> StateReader.read("nothing useful", null, null, Map.of())).hasMessageContaining("role");
    assertThatThrownBy(() -> ClusterNodes.parse("abc 127.0.0.1:1@2 master - 0 0 1 connected"))
        .hasMessageContaining("myself");
  }
}
