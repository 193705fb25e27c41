package io.meridian.coordinator.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.instance.EndpointQualifier;
import java.time.Duration;
import java.util.List;
import io.meridian.coordinator.config.Leadership;
import org.junit.jupiter.api.Test;

/**
 * Given a coordinator's leadership settings, its Hazelcast member is a cluster of its own (never
 * the bus's), on exactly the configured port (the others look for it there), holding the CP group.
 */
class LeadershipMemberTest {

  private static final LeadershipMember.Settings SETTINGS = new LeadershipMember.Settings("meridian-prod", "10.0.0.2",
      5801, List.of("10.0.0.2:5801", "10.1.0.2:5801", "10.2.0.2:5801"),
      new CpSettings(3, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(10)));

  @Test
  void aClusterOfItsOwnOnExactlyItsPort() {
    Config config = LeadershipMember.config(SETTINGS);
    assertThat(config.getClusterName()).isEqualTo("meridian-prod-leadership");
    ServerSocketEndpointConfig endpoint = (ServerSocketEndpointConfig) config.getAdvancedNetworkConfig()
        .getEndpointConfigs().get(EndpointQualifier.MEMBER);
    assertThat(endpoint.getPort()).isEqualTo(5801);
    assertThat(endpoint.isPortAutoIncrement()).isFalse();
    assertThat(config.getAdvancedNetworkConfig().getJoin().getTcpIpConfig().getMembers())
        .containsExactly("10.0.0.2:5801", "10.1.0.2:5801", "10.2.0.2:5801");
    assertThat(config.getAdvancedNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(config.isLiteMember()).isFalse();
  }

  @Test
  void holdsTheCpGroupWithTheMeasuredSettings() {
    Config config = LeadershipMember.config(SETTINGS);
    assertThat(config.getCPSubsystemConfig().getCPMemberCount()).isEqualTo(3);
    assertThat(config.getCPSubsystemConfig().getSessionTimeToLiveSeconds()).isEqualTo(5);
    assertThat(config.getCPSubsystemConfig().getSessionHeartbeatIntervalSeconds()).isEqualTo(1);
    assertThat(config.getCPSubsystemConfig().getMissingCPMemberAutoRemovalSeconds()).isEqualTo(10);
    assertThat(config.getCPSubsystemConfig().getRaftAlgorithmConfig().getLeaderHeartbeatPeriodInMillis())
        .isEqualTo(250);
    assertThat(config.getCPSubsystemConfig().getRaftAlgorithmConfig().getLeaderElectionTimeoutInMillis())
        .isEqualTo(400);
    assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds"))
        .as("a silent member (frozen, or its region cut off) is dropped within 2 s, when its lease has ended")
        .isEqualTo(Long.toString(Leadership.DEFAULT_LEASE.toSeconds()));
    assertThat(LeadershipMember.config(new LeadershipMember.Settings(SETTINGS.clusterName(), SETTINGS.host(),
        SETTINGS.port(), SETTINGS.members(), SETTINGS.cp(), Duration.ofSeconds(6)))
        .getProperty("hazelcast.max.no.heartbeat.seconds")).as("leadership.memberTimeout").isEqualTo("6");
    assertThat(config.getProperty("hazelcast.merge.next.run.delay.seconds")).as("a healed member merges back soon")
        .isEqualTo("5");
  }
}
