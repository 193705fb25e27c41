package io.meridian.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeStatsReaderTest {

  static final String CLUSTER_INFO = """
      cluster_state:fail\r
      cluster_slots_assigned:16384\r
      cluster_slots_ok:10922\r
      cluster_slots_pfail:0\r
      cluster_slots_fail:5462\r
      cluster_known_nodes:6\r
      """;

  @Test
  void primaryListsItsReplicasWithLagAndOffset() {
    String info = """
        # Replication\r
        role:master\r
        connected_slaves:2\r
        slave0:ip=127.0.0.1,port=7003,state=online,offset=1234,lag=0\r
        slave1:ip=10.0.0.9,port=6379,state=wait_bgsave,offset=0,lag=7\r
        master_repl_offset:1234\r
        """;
    NodeStats s = StateReader.stats(info, CLUSTER_INFO, null, "10000");
    assertThat(s.masterReplOffset()).isEqualTo(1234);
    assertThat(s.replicas()).containsExactly(
        new NodeStats.Replica("127.0.0.1", "7003", "online", 1234, 0),
        new NodeStats.Replica("10.0.0.9", "6379", "wait_bgsave", 0, 7));
    assertThat(s.slotsAssigned()).isEqualTo(16384);
    assertThat(s.slotsOk()).isEqualTo(10922);
    assertThat(s.slotsPfail()).isZero();
    assertThat(s.slotsFail()).isEqualTo(5462);
    assertThat(s.maxClients()).contains(10000L);
  }

  @Test
  void withoutClusterModeOrConfigTheCountsAreZeroAndMaxclientsUnknown() {
    NodeStats s = StateReader.stats("role:slave\nmaster_repl_offset:99\nslave0:garbage\n", null, null, null);
    assertThat(s.masterReplOffset()).isEqualTo(99);
    assertThat(s.replicas()).isEmpty();
    assertThat(s.slotsAssigned()).isZero();
    assertThat(s.maxClients()).isEmpty();
    assertThat(StateReader.stats("role:master", null, null, "lots").maxClients()).isEmpty();
  }
}
