package io.meridian.runtime.bus;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import java.util.List;

/**
 * What every Hazelcast member Meridian starts has in common: the bus's members and the
 * coordinators' leadership members (see docs/concepts/leadership.md, "The leadership cluster").
 */
public final class HazelcastMembers {

  private HazelcastMembers() {
  }

  /**
   * @param portCount how many ports from {@code port} on may be taken (1: exactly {@code port})
   * @param members   where to look for the other members ({@code host} or {@code host:port})
   */
  public static Config config(Config config, String clusterName, String host, int port, int portCount,
      List<String> members) {
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // The default 5 s pause before joining only helps multicast discovery; members are listed.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    // Our own shutdown leaves the cluster (through Vert.x, for the bus); Hazelcast's hook would race it.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Notice a frozen or cut-off member in seconds, not the default minute.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    // A member whose process died refuses connections at once; Hazelcast drops it after the 4th
    // refusal counted at least this far apart (default 100 ms: 0.3-0.4 s after a kill -9).
    config.setProperty("hazelcast.connection.monitor.interval", "25");
    // A call that fails because its target left (a lock waiter whose CP group lost its Raft
    // leader, a lookup in the bus's map) is retried with a pause growing to this: at the default
    // 500 ms, a killed leader's lock reached its successor up to that much after it was free.
    config.setProperty("hazelcast.invocation.retry.pause.millis", "100");
    // Members that started apart (or were partitioned) find each other again within seconds,
    // not after the default five minutes.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    config.setProperty("hazelcast.local.localAddress", host);
    config.setProperty("hazelcast.socket.bind.any", "false");
    // The advanced network (one member endpoint, nothing else) for its connection handshake: with
    // the default unified one, a connection opened to a frozen member (its kernel accepts, the
    // process never answers) spins an I/O thread at a full core as soon as a packet waits on it
    // (UnifiedProtocolEncoder says CLEAN while it cannot send, so the pipeline reschedules itself
    // forever). A frozen coordinator then starved the others' leadership cluster: no new leader
    // within a minute. The member-only handshake blocks the pipeline until the peer answers.
    AdvancedNetworkConfig network = config.getAdvancedNetworkConfig().setEnabled(true);
    network.setMemberEndpointConfig(new ServerSocketEndpointConfig()
        .setPort(port).setPortAutoIncrement(portCount > 1).setPortCount(Math.max(1, portCount)));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    return config;
  }

  /**
   * For a member that holds no map data (an agent, or a coordinator's leadership member):
   * Hazelcast's thread pools are sized by core count (3 I/O threads each way, 5 event threads, …),
   * and its metrics and health monitor would only cost memory on a shared host.
   */
  public static Config trim(Config config) {
    config.setProperty("hazelcast.io.thread.count", "1");
    config.setProperty("hazelcast.event.thread.count", "1");
    config.setProperty("hazelcast.operation.generic.thread.count", "1");
    config.setProperty("hazelcast.operation.response.thread.count", "1");
    config.setProperty("hazelcast.health.monitoring.level", "OFF");
    // Its thread wakes every second to look for operations that no member of this kind runs.
    config.setProperty("hazelcast.slow.operation.detector.enabled", "false");
    config.getMetricsConfig().setEnabled(false);
    config.getJetConfig().setEnabled(false);
    return config;
  }
}
