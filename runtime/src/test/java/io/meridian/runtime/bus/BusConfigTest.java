package io.meridian.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.messages.BusKey;
import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.runtime.testing.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bus section: signed unless the file says insecure in so many words, and every key problem named. */
class BusConfigTest {

  @TempDir
  Path dir;

  private static BusConfig read(String yaml, Map<String, String> env) throws ConfigException {
    return read(yaml, env, BusConfig.Role.AGENT);
  }

  private static BusConfig read(String yaml, Map<String, String> env, BusConfig.Role role) throws ConfigException {
    return BusConfig.read(ConfigFiles.parse("agent.yaml", "bus:\n" + yaml).object("bus"), env, role);
  }

  private static void assertRejected(String yaml, BusConfig.Role role, String message) {
    assertThatThrownBy(() -> read(yaml, Map.of(), role)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  /** The {@code leaderPublicKeyFiles} line of a pair made in the test's directory (leader.key, leader.pub). */
  private String leaderPublic() throws IOException {
    if (!Files.exists(dir.resolve("leader.pub"))) {
      LeaderKeys.generate(dir.resolve("leader.key"), dir.resolve("leader.pub"));
    }
    return "    leaderPublicKeyFiles: [" + dir.resolve("leader.pub") + "]\n";
  }

  private static void assertRejected(String yaml, Map<String, String> env, String message) {
    assertThatThrownBy(() -> read(yaml, env)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }

  @Test
  void withoutAKeyAndWithoutInsecureTheFileIsRefusedWithTheWayOut() {
    assertRejected("  clusterName: c\n", Map.of(), "agent.yaml: field 'bus.signing': is required");
    assertRejected("  clusterName: c\n", Map.of(), "meridian keygen --out");
    assertRejected("  clusterName: c\n", Map.of(), "bus.insecure: true");
  }

  @Test
  void aKeyFileSignsAndRotationAcceptsASecondKey() throws Exception {
    Path key = dir.resolve("bus.key");
    Path old = dir.resolve("old.key");
    BusKey made = BusKeys.generate(key);
    BusKey previous = BusKeys.generate(old);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    BusConfig bus = read("  signing:\n    keyFile: " + key + "\n    acceptKeyFiles: [" + old + "]\n" + leaderPublic(),
        Map.of());
    assertThat(bus.seal().secure()).isTrue();
    assertThat(bus.seal().describe()).contains("signed with bus key " + made.kid()).contains(previous.kid());
    assertThat(bus.toString()).doesNotContain(Files.readString(key).strip());
  }

  @Test
  void theKeyMayComeFromTheEnvironment() throws Exception {
    assertThat(read("  clusterName: c\n", TestKeys.withBusKey(Map.of())).seal().secure()).isTrue();
    assertThat(read("  signing:\n    keyEnv: MY_KEY\n" + leaderPublic(), Map.of("MY_KEY", TestKeys.KEY_TEXT)).seal()
        .secure()).isTrue();
    assertRejected("  signing: {keyEnv: MY_KEY}\n", Map.of(), "environment variable MY_KEY is not set");
    assertRejected("  signing: {keyEnv: \"MY KEY\"}\n", Map.of(), "must be the name of an environment variable");
  }

  @Test
  void agentsCheckTheLeaderSignatureAndOnlyCoordinatorsHoldItsPrivateHalf() throws Exception {
    Path key = dir.resolve("bus.key");
    BusKeys.generate(key);
    String signing = "  signing:\n    keyFile: " + key + "\n";
    assertRejected(signing, BusConfig.Role.AGENT, "field 'bus.signing.leaderPublicKeyFiles': is required");
    assertRejected(signing, BusConfig.Role.AGENT, "meridian keygen --leader");
    BusConfig agent = read(signing + leaderPublic(), Map.of(), BusConfig.Role.AGENT);
    assertThat(agent.seal().requiresLeaderSignature()).isTrue();
    assertThat(agent.seal().signsAsLeader()).isFalse();
    String withPrivate = signing + leaderPublic() + "    leaderKeyFile: " + dir.resolve("leader.key") + "\n";
    assertRejected(withPrivate, BusConfig.Role.AGENT, "'bus.signing.leaderKeyFile': must not be set on an agent");

    assertRejected(signing + leaderPublic(), BusConfig.Role.COORDINATOR,
        "'bus.signing.leaderKeyFile': is required on a coordinator");
    BusConfig coordinator = read(withPrivate, Map.of(), BusConfig.Role.COORDINATOR);
    assertThat(coordinator.seal().signsAsLeader()).isTrue();
    assertThat(coordinator.seal().describe()).contains("signed with leader key");
    assertThat(coordinator.toString()).doesNotContain(Files.readString(dir.resolve("leader.key")).lines().skip(1)
        .findFirst().orElseThrow());

    // A private key whose public half is not listed signs for nobody.
    LeaderKeys.generate(dir.resolve("other.key"), dir.resolve("other.pub"));
    assertRejected(signing + leaderPublic() + "    leaderKeyFile: " + dir.resolve("other.key") + "\n",
        BusConfig.Role.COORDINATOR, "is not the private key of any accepted leader public key");
    Files.setPosixFilePermissions(dir.resolve("leader.key"), PosixFilePermissions.fromString("rw-r--r--"));
    assertRejected(withPrivate, BusConfig.Role.COORDINATOR, "is readable by other users");
    assertRejected(signing + "    leaderPublicKeyFiles: [" + key + "]\n", BusConfig.Role.AGENT,
        "is not a PEM file with a 'PUBLIC KEY' block");
  }

  @Test
  void withTheBusKeyInTheEnvironmentTheLeaderKeysAreThereToo() throws ConfigException {
    assertThat(read("  clusterName: c\n", TestKeys.withCoordinatorKeys(Map.of()), BusConfig.Role.COORDINATOR).seal()
        .signsAsLeader()).isTrue();
    assertThatThrownBy(() -> read("  clusterName: c\n", TestKeys.withBusKey(Map.of()), BusConfig.Role.COORDINATOR))
        .hasMessageContaining("needs MERIDIAN_LEADER_KEY");
    assertThatThrownBy(() -> read("  clusterName: c\n", TestKeys.withCoordinatorKeys(Map.of()), BusConfig.Role.AGENT))
        .hasMessageContaining("MERIDIAN_LEADER_KEY is set for an agent");
    assertThatThrownBy(() -> read("  clusterName: c\n", Map.of(BusConfig.DEFAULT_KEY_ENV, TestKeys.KEY_TEXT)))
        .hasMessageContaining("MERIDIAN_LEADER_PUBLIC_KEY must hold the leader key's public half");
  }

  @Test
  void aKeyFileOthersCanReadIsRefused() throws IOException {
    Path key = dir.resolve("bus.key");
    BusKeys.generate(key);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertRejected("  signing: {keyFile: " + key + "}\n", Map.of(), "is readable by other users (rw-r--r--)");
  }

  @Test
  void aFileThatIsNotAKeyIsRefusedWithoutShowingIt() throws IOException {
    Path shortKey = dir.resolve("short.key");
    Files.writeString(shortKey, "c2hvcnQ=\n");
    Files.setPosixFilePermissions(shortKey, PosixFilePermissions.fromString("rw-------"));
    assertRejected("  signing: {keyFile: " + shortKey + "}\n", Map.of(), "at least 32 bytes");
    Path text = dir.resolve("text.key");
    Files.writeString(text, "hunter2 is my password\n");
    Files.setPosixFilePermissions(text, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> read("  signing: {keyFile: " + text + "}\n", Map.of()))
        .hasMessageContaining("is not base64").message().doesNotContain("hunter2");
    assertRejected("  signing: {keyFile: " + dir.resolve("missing.key") + "}\n", Map.of(), "cannot read");
  }

  @Test
  void insecureIsExplicitAndExclusive() throws ConfigException {
    assertThat(read("  insecure: true\n", Map.of()).seal().secure()).isFalse();
    assertRejected("  insecure: true\n  signing: {keyEnv: K}\n", Map.of("K", TestKeys.KEY_TEXT),
        "is true while signing is set");
    assertRejected("  signing: {keyEnv: K, keyFile: /x}\n", Map.of("K", TestKeys.KEY_TEXT), "not both and not neither");
  }

  /** A {@code tls} line naming three PEM files made in the test's directory. */
  private String tlsSection() throws IOException {
    Path cert = pem("node.crt", "CERTIFICATE", "rw-r--r--");
    Path key = pem("node.key", "PRIVATE KEY", "rw-------");
    Path ca = pem("ca.crt", "CERTIFICATE", "rw-r--r--");
    return "  tls: {certFile: " + cert + ", keyFile: " + key + ", caFile: " + ca + "}\n";
  }

  @Test
  void aReloadTakesRenewedTlsFilesLiveButTurningTlsOnOrChangingMembershipWaitsForARestart() throws Exception {
    String tls = tlsSection();
    Path cert = dir.resolve("node.crt");
    Map<String, String> env = TestKeys.withBusKey(Map.of());
    BusConfig running = read(tls, env);

    // The same paths, the certificate renewed in place: a change taken live.
    Files.writeString(cert, Files.readString(cert) + "\n");
    BusConfig renewed = read(tls, env);
    io.meridian.runtime.config.Reload.Builder plan = new io.meridian.runtime.config.Reload.Builder();
    BusConfig effective = BusConfig.reload(plan, running, renewed);
    io.meridian.runtime.config.Reload<BusConfig> done = plan.build(effective);
    assertThat(done.applied()).extracting(io.meridian.runtime.config.Reload.Change::field).containsExactly("bus.tls");
    assertThat(done.needRestart()).isEmpty();
    assertThat(effective.tls()).isEqualTo(renewed.tls());

    // Unchanged files: nothing at all.
    plan = new io.meridian.runtime.config.Reload.Builder();
    assertThat(plan.build(BusConfig.reload(plan, renewed, read(tls, env))).changesNothing()).isTrue();

    // TLS turned off, and another member list: both wait for a restart, TLS stays as it runs.
    plan = new io.meridian.runtime.config.Reload.Builder();
    effective = BusConfig.reload(plan, renewed, read("  members: [10.0.0.9:5701]\n", env));
    done = plan.build(effective);
    assertThat(done.applied()).isEmpty();
    assertThat(done.needRestart()).extracting(io.meridian.runtime.config.Reload.Change::field)
        .containsExactly("bus", "bus.tls");
    assertThat(effective).isEqualTo(renewed);
  }

  @Test
  void tlsNamesItsThreeFilesAndRefusesWhatCannotBeThem() throws Exception {
    String tls = tlsSection();
    Path cert = dir.resolve("node.crt");
    Path key = dir.resolve("node.key");
    Path ca = dir.resolve("ca.crt");
    BusConfig bus = read(tls, TestKeys.withBusKey(Map.of()));
    assertThat(bus.tls()).contains(new BusTls(cert, key, ca));
    assertThat(bus.toString()).contains("mutual TLS");
    assertThat(read("  clusterName: c\n", TestKeys.withBusKey(Map.of())).tls()).isEmpty();

    assertRejected("  tls: {certFile: " + key + ", keyFile: " + key + ", caFile: " + ca + "}\n",
        TestKeys.withBusKey(Map.of()), "field 'bus.tls.certFile': " + key + " is not a PEM file with a 'BEGIN CERTIFICATE' block");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
    assertRejected(tls, TestKeys.withBusKey(Map.of()), "can pose as this process on the bus");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    assertRejected("  tls: {certFile: " + cert + ", keyFile: " + key + "}\n", TestKeys.withBusKey(Map.of()),
        "field 'bus.tls.caFile': is required");
    assertRejected("  insecure: true\n" + tls, Map.of(), "is true while tls is set");
  }

  private Path pem(String name, String type, String mode) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "-----BEGIN " + type + "-----\nAAAA\n-----END " + type + "-----\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }
}
