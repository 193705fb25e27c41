package io.meridian.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.agent.config.AgentConfig;
import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.coordinator.placement.PlacementPlanner;
import io.meridian.coordinator.placement.PlanResult;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.ClusterSpecReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given the example files shipped in {@code conf/}, when read by the same readers the processes
 * use, then they are valid, consistent with each other, and the spec can be planned; the
 * commented-out authentication blocks are valid too once uncommented (with the password set).
 */
class ConfExamplesTest {

  private static final Path CONF = Archive.SOURCES.resolve("conf");

  /**
   * The example as shipped, but with its bus key (/etc/meridian/bus.key) and TLS files
   * (/etc/meridian/tls/) made in {@code dir}.
   */
  private static Path withKey(String example, Path dir) throws java.io.IOException {
    String text = Files.readString(CONF.resolve(example));
    assertThat(text).contains("keyFile: /etc/meridian/bus.key").contains("caFile: /etc/meridian/tls/ca.crt");
    return Files.writeString(dir.resolve(example), localPaths(text, dir));
  }

  private static String localPaths(String text, Path dir) throws java.io.IOException {
    io.meridian.cli.security.DevSecurity.ensure(dir, List.of("10.0.0.2"));
    return text.replace("/etc/meridian/bus.key", dir.resolve("bus.key").toString())
        .replace("/etc/meridian/leader.pub", dir.resolve("leader.pub").toString())
        .replace("/etc/meridian/leader.key", dir.resolve("leader.key").toString())
        .replace("/etc/meridian/tls/", dir + "/");
  }

  @Test
  void examplesLoadAndAgree(@TempDir Path dir) throws Exception {
    // The coordinator's and the agent's examples name the spec beside them.
    Files.copy(CONF.resolve("spec.yaml"), dir.resolve("spec.yaml"));
    AgentConfig agent = AgentConfig.load(withKey("agent.yaml", dir), Map.of());
    CoordinatorConfig coordinator = CoordinatorConfig.load(withKey("coordinator.yaml", dir), Map.of());
    ClusterSpec spec = ClusterSpecReader.load(CONF.resolve("spec.yaml"), Map.of());

    assertThat(PlacementPlanner.plan(spec)).isInstanceOf(PlanResult.Planned.class);
    assertThat(coordinator.spec()).contains(spec);
    assertThat(agent.spec()).as("the agent checks the leader's cluster changes against the same spec").contains(spec);
    assertThat(coordinator.regions()).isEqualTo(spec.regionNames()).contains(coordinator.region(), agent.region());
    assertThat(List.of(agent.cluster(), coordinator.cluster())).containsOnly(spec.cluster());
    assertThat(agent.bus().clusterName()).isEqualTo(coordinator.bus().clusterName());
    assertThat(agent.bus().members()).isEqualTo(coordinator.bus().members());
    // Shipped signed with the same key, and on mutual TLS.
    assertThat(agent.bus().seal().secure()).isTrue();
    assertThat(agent.bus().seal().describe()).startsWith(coordinator.bus().seal().describe().split(",")[0]);
    // Both check the leader signature; only the coordinator can make it.
    assertThat(agent.bus().seal().requiresLeaderSignature()).isTrue();
    assertThat(agent.bus().seal().signsAsLeader()).isFalse();
    assertThat(coordinator.bus().seal().signsAsLeader()).isTrue();
    assertThat(agent.bus().tls()).isPresent();
    assertThat(coordinator.bus().tls()).isPresent();
    // The coordinators find each other's leadership members at their bus hosts on leadership.port.
    assertThat(coordinator.leadership().members())
        .containsExactly("10.0.0.2:5801", "10.1.0.2:5801", "10.2.0.2:5801");
    // The agent names its nodes as the spec does (unique across hosts), never as 127.0.0.1.
    assertThat(spec.regions().stream().filter(r -> r.name().equals(agent.region())).findFirst().orElseThrow().nodes()
        .stream().map(n -> n.address()).toList()).containsAll(agent.nodes());
    // The examples show the defaults, so that editing them starts from the documented behaviour.
    assertThat(agent.probeInterval()).isEqualTo(AgentConfig.DEFAULT_PROBE_INTERVAL);
    assertThat(agent.probeTimeout()).isEqualTo(AgentConfig.DEFAULT_PROBE_TIMEOUT);
    assertThat(agent.httpPort()).isEqualTo(AgentConfig.DEFAULT_HTTP_PORT);
    assertThat(coordinator.staleAfter()).isEqualTo(CoordinatorConfig.DEFAULT_STALE_AFTER);
    assertThat(coordinator.httpPort()).isEqualTo(CoordinatorConfig.DEFAULT_HTTP_PORT);
    assertThat(List.of(agent.logLevel(), coordinator.logLevel())).containsOnly("INFO");
  }

  @Test
  void commentedAuthenticationBlocksAreValidOnceUncommented(@TempDir Path dir) throws Exception {
    Map<String, String> env = Map.of("MERIDIAN_REDIS_PASSWORD", "s3cret");
    Path agentFile = dir.resolve("agent.yaml");
    Files.writeString(agentFile, localPaths(uncomment(Files.readString(CONF.resolve("agent.yaml")), "# redis:"), dir));
    Path specFile = dir.resolve("spec.yaml");
    Files.writeString(specFile, localPaths(uncomment(Files.readString(CONF.resolve("spec.yaml")), "# auth:"), dir));
    // The nodes' CA: in the examples a file of its own, here the development CA.
    Files.copy(dir.resolve("ca.crt"), dir.resolve("redis-ca.crt"));
    Path coordinatorFile = dir.resolve("coordinator.yaml");
    Files.writeString(coordinatorFile, localPaths(uncomment(Files.readString(CONF.resolve("coordinator.yaml")),
        "# redis:"), dir));

    AgentConfig agent = AgentConfig.load(agentFile, env);
    ClusterSpec spec = ClusterSpecReader.load(specFile, env);
    CoordinatorConfig coordinator = CoordinatorConfig.load(coordinatorFile, env);
    assertThat(agent.auth().user()).contains("meridian");
    assertThat(agent.auth().password().orElseThrow().reveal()).isEqualTo("s3cret");
    assertThat(agent.auth().tls()).as("the agent's TLS to Redis").isPresent();
    assertThat(spec.auth()).isEqualTo(agent.auth());
    assertThat(coordinator.redisTls()).isEqualTo(agent.auth().tls());
    assertThat(spec.ownedConfig()).containsEntry("tls-replication", "yes").containsEntry("tls-cluster", "yes");
  }

  /** The block from the line starting with {@code header} through the commented lines below it, uncommented. */
  private static String uncomment(String text, String header) {
    List<String> out = new ArrayList<>();
    boolean inBlock = false;
    for (String line : text.split("\n", -1)) {
      if (line.startsWith(header)) {
        inBlock = true;
        out.add(line.substring(2));
      } else if (inBlock && line.startsWith("#   ")) {
        out.add(line.substring(2));
      } else {
        inBlock = false;
        out.add(line);
      }
    }
    String result = String.join("\n", out);
    assertThat(result).as("%s found", header).isNotEqualTo(text);
    return result;
  }
}
