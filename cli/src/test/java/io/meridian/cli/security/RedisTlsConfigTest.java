package io.meridian.cli.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.runtime.config.RedisAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code redis.tls}: the CA and the client certificate load, or the file says which field is wrong and why. */
class RedisTlsConfigTest {

  @TempDir
  Path dir;

  private static RedisAuth read(String yaml) throws ConfigException {
    return RedisAuth.read(ConfigFiles.parse("agent.yaml", "redis:\n" + yaml).object("redis"), Map.of());
  }

  @Test
  void aCaAndAClientCertificateLoadAndEveryMistakeIsNamed() throws Exception {
    DevCertificates.ensure(dir, "node", List.of("127.0.0.1"));
    String ca = dir.resolve(DevCertificates.CA_CERT).toString();
    String cert = dir.resolve("node.crt").toString();
    String key = dir.resolve("node.key").toString();

    RedisAuth auth = read("  tls: {caFile: " + ca + ", certFile: " + cert + ", keyFile: " + key + "}\n");
    assertThat(auth.tls()).hasValueSatisfying(t -> {
      assertThat(t.keyManagers()).isPresent();
      assertThat(t.sslContext().getProtocol()).isEqualTo("TLS");
    });
    assertThat(read("  tls: {caFile: " + ca + "}\n").tls()).hasValueSatisfying(t -> assertThat(t.keyManagers())
        .isEmpty());

    assertThatThrownBy(() -> read("  tls: {caFile: " + ca + ", certFile: " + cert + "}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("redis.tls.keyFile").hasMessageContaining("go together");
    assertThatThrownBy(() -> read("  tls: {caFile: " + key + "}\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.tls.caFile");
    assertThatThrownBy(() -> read("  tls: {caFile: " + dir.resolve("missing.crt") + "}\n"))
        .hasMessageContaining("redis.tls.caFile").hasMessageContaining("cannot read");
    Files.setPosixFilePermissions(dir.resolve("node.key"), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> read("  tls: {caFile: " + ca + ", certFile: " + cert + ", keyFile: " + key + "}\n"))
        .hasMessageContaining("redis.tls.keyFile").hasMessageContaining("readable by other users");
  }

  /** New files at the same paths need nothing (the managers follow them); other paths need a restart. */
  @Test
  void anAgentReloadNamingOtherTlsFilesSaysItNeedsARestart() throws Exception {
    DevCertificates.ensure(dir.resolve("a"), "node", List.of("127.0.0.1"));
    DevCertificates.ensure(dir.resolve("b"), "node", List.of("127.0.0.1"));
    String agent = """
        cluster: prod
        region: eu-west
        agentId: agent-1
        nodes: [127.0.0.1:7000]
        bus: {members: ["10.0.0.2:5701"]}
        redis:
          tls: {caFile: %1$s/ca.crt, certFile: %1$s/node.crt, keyFile: %1$s/node.key}
        """;
    java.util.function.Function<String, io.meridian.agent.config.AgentConfig> load = d -> {
      try {
        return io.meridian.agent.config.AgentConfig.read(ConfigFiles.parse("agent.yaml",
            agent.formatted(dir.resolve(d))), io.meridian.runtime.testing.TestKeys.withBusKey(Map.of()));
      } catch (ConfigException e) {
        throw new IllegalStateException(e);
      }
    };
    var running = load.apply("a");
    assertThat(io.meridian.agent.config.AgentReload.plan(running, load.apply("a")).needRestart()).isEmpty();
    var reload = io.meridian.agent.config.AgentReload.plan(running, load.apply("b"));
    assertThat(reload.needRestart()).extracting(io.meridian.runtime.config.Reload.Change::field)
        .containsExactly("redis.tls");
    assertThat(reload.effective().auth().tls()).isEqualTo(running.auth().tls());
  }
}
