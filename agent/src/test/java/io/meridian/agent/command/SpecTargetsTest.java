package io.meridian.agent.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.messages.Command;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.ClusterSpecReader;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Given a spec of three regions, one node announcing another address than the one it is reached
 * at, then the leader's cluster changes that stay inside it pass, and every one that would bring a
 * stranger in, send slots to one, or have a node announce a host or settings the spec does not
 * give is refused with what the spec says instead.
 */
class SpecTargetsTest {

  private static final ClusterSpec SPEC = spec();

  private static ClusterSpec spec() {
    try {
      return ClusterSpecReader.read(ConfigFiles.parse("spec.yaml", """
          cluster: prod
          topology: performance
          redis: {clusterNodeTimeout: 5s}
          regions:
            - name: r1
              nodes: [10.0.0.1:6379, {address: 10.0.0.2:6379, announce: 203.0.113.2:6379, announceBusPort: 16400}]
            - name: r2
              nodes: [10.0.1.1:6379]
            - name: r3
              nodes: [10.0.2.1:6379]
          """), Map.of());
    } catch (io.meridian.runtime.config.ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Command command(String target, Command.Kind kind, Map<String, String> args) {
    return new Command("coord", "id-1", 7, target, kind, args, 1, "test");
  }

  private static Map<String, String> configure(String announced, String busPort) {
    Map<String, String> args = new LinkedHashMap<>(SPEC.settings().asConfig());
    args.put("announced", announced);
    if (busPort != null) {
      args.put("announceBusPort", busPort);
    }
    return args;
  }

  @Test
  void meetAndMigrateNameOnlyNodesOfTheSpec() {
    assertThat(SpecTargets.problem(command("10.0.0.1:6379", Command.Kind.MEET,
        Map.of("host", "10.0.1.1", "port", "6379", "busPort", "16379")), SPEC)).isEmpty();
    assertThat(SpecTargets.problem(command("10.0.0.1:6379", Command.Kind.MEET,
        Map.of("host", "203.0.113.2", "port", "6379", "busPort", "16400")), SPEC)).as("by its announced address")
        .isEmpty();
    assertThat(SpecTargets.problem(command("10.0.0.1:6379", Command.Kind.MEET,
        Map.of("host", "198.51.100.9", "port", "6379", "busPort", "16379")), SPEC))
        .hasValueSatisfying(p -> assertThat(p).contains("MEET names 198.51.100.9:6379, which is not a node of the spec"));
    assertThat(SpecTargets.problem(command("10.0.0.1:6379", Command.Kind.MIGRATE_SLOTS,
        Map.of("to", "abc", "toAddress", "198.51.100.9:6379", "slots", "0-10", "batch", "100")), SPEC))
        .hasValueSatisfying(p -> assertThat(p).contains("MIGRATE_SLOTS names 198.51.100.9:6379"));
    assertThat(SpecTargets.problem(command("10.0.0.1:6379", Command.Kind.MIGRATE_SLOTS,
        Map.of("to", "abc", "toAddress", "10.0.2.1:6379", "slots", "0-10", "batch", "100")), SPEC)).isEmpty();
    assertThat(SpecTargets.problem(command("10.0.0.1:6379", Command.Kind.FAILOVER_FORCE, Map.of()), SPEC))
        .as("not a cluster change").isEmpty();
  }

  @Test
  void onATlsClusterConfigureMustPutReplicationAndTheClusterBusOnTls() {
    ClusterSpec tls = new ClusterSpec(SPEC.cluster(), SPEC.topology(), SPEC.regions(), SPEC.replicasPerPrimary(),
        SPEC.settings(), SPEC.auth().withTls(java.util.Optional.of(new io.meridian.runtime.config.RedisTls(
            java.nio.file.Path.of("ca.crt"), java.util.Optional.empty(), java.util.Optional.empty()))));
    Map<String, String> plainArgs = configure("10.0.1.1:6379", null);
    assertThat(SpecTargets.problem(command("10.0.1.1:6379", Command.Kind.CONFIGURE, plainArgs), tls))
        .hasValueSatisfying(p -> assertThat(p).contains("tls-replication=yes", "tls-cluster=yes"));
    Map<String, String> tlsArgs = new LinkedHashMap<>(tls.ownedConfig());
    tlsArgs.put("announced", "10.0.1.1:6379");
    assertThat(SpecTargets.problem(command("10.0.1.1:6379", Command.Kind.CONFIGURE, tlsArgs), tls)).isEmpty();
    assertThat(CommandArgs.problem(command("10.0.1.1:6379", Command.Kind.CONFIGURE, tlsArgs))).as("a setting CONFIGURE"
        + " may carry").isEmpty();
    tlsArgs.put("tls-port", "6380");
    assertThat(CommandArgs.problem(command("10.0.1.1:6379", Command.Kind.CONFIGURE, tlsArgs)))
        .hasValueSatisfying(p -> assertThat(p).contains("'tls-port' is not a setting Meridian owns"));
  }

  @Test
  void configureGivesTheNodeWhatTheSpecGivesIt() {
    assertThat(SpecTargets.problem(command("10.0.0.2:6379", Command.Kind.CONFIGURE,
        configure("203.0.113.2:6379", "16400")), SPEC)).isEmpty();
    assertThat(SpecTargets.problem(command("10.0.0.2:6379", Command.Kind.CONFIGURE,
        configure("198.51.100.9:6379", "16400")), SPEC))
        .hasValueSatisfying(p -> assertThat(p).contains("announce 198.51.100.9:6379, but the spec says 203.0.113.2:6379"));
    assertThat(SpecTargets.problem(command("10.0.0.2:6379", Command.Kind.CONFIGURE,
        configure("203.0.113.2:6379", null)), SPEC))
        .hasValueSatisfying(p -> assertThat(p).contains("the announced bus port null, but the spec says 16400"));
    Map<String, String> otherTimeout = configure("10.0.0.1:6379", null);
    otherTimeout.put("cluster-node-timeout", "60000");
    assertThat(SpecTargets.problem(command("10.0.0.1:6379", Command.Kind.CONFIGURE, otherTimeout), SPEC))
        .hasValueSatisfying(p -> assertThat(p).contains("but the spec's settings are"));
  }

  @Test
  void aNodeReachedOnLoopbackMayOnlyAnnounceAnAddressTheSpecGives() {
    assertThat(SpecTargets.problem(command("127.0.0.1:6379", Command.Kind.CONFIGURE,
        configure("10.0.1.1:6379", null)), SPEC)).isEmpty();
    assertThat(SpecTargets.problem(command("127.0.0.1:6379", Command.Kind.CONFIGURE,
        configure("198.51.100.9:6379", null)), SPEC))
        .hasValueSatisfying(p -> assertThat(p).contains("announce 198.51.100.9:6379, which is not a node of the spec"));
  }
}
