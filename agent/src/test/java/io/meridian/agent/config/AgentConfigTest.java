package io.meridian.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

  private static AgentConfig parse(String yaml, Map<String, String> env) throws ConfigException {
    return AgentConfig.read(ConfigFiles.parse("agent.yaml", yaml), io.meridian.runtime.testing.TestKeys.withBusKey(env));
  }

  private static void assertRejected(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void minimalFileTakesTheDocumentedDefaults() throws ConfigException {
    AgentConfig c = parse("""
        cluster: demo
        region: region-1
        agentId: agent-1
        nodes: [127.0.0.1:7000, 127.0.0.1:7001]
        """, Map.of());
    assertThat(c.probeInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.probeTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.reportEvery()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.nodes()).containsExactly("127.0.0.1:7000", "127.0.0.1:7001");
    assertThat(c.bus().clusterName()).isEqualTo("meridian");
    assertThat(c.bus().members()).containsExactly("127.0.0.1:5701");
    assertThat(c.auth().password()).isEmpty();
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isEqualTo(9470);
    assertThat(c.logLevel()).isEqualTo("INFO");
  }

  @Test
  void httpPortZeroMeansNoServerAndTheLogLevelDefaultsToTheEnvironment() throws ConfigException {
    String yaml = "cluster: c\nregion: r\nnodes: [a:1]\nhttp: {host: 0.0.0.0, port: 0}\n";
    AgentConfig c = parse(yaml, Map.of("MERIDIAN_LOG_LEVEL", "debug"));
    assertThat(c.httpHost()).isEqualTo("0.0.0.0");
    assertThat(c.httpPort()).isZero();
    assertThat(c.logLevel()).isEqualTo("DEBUG");
    assertThat(parse(yaml + "log: {level: warn}\n", Map.of("MERIDIAN_LOG_LEVEL", "debug")).logLevel()).isEqualTo("WARN");
    assertRejected(yaml + "log: {level: loud}\n",
        "agent.yaml: field 'log.level': must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got \"loud\"");
    assertThatThrownBy(() -> parse(yaml, Map.of("MERIDIAN_LOG_LEVEL", "verbose")))
        .hasMessage("agent.yaml: field 'log.level': is not set, and MERIDIAN_LOG_LEVEL=verbose is not one of "
            + "TRACE, DEBUG, INFO, WARN, ERROR, OFF");
    assertRejected("cluster: c\nregion: r\nnodes: [a:1]\nhttp: {port: 70000}\n",
        "agent.yaml: field 'http.port': must be between 0 and 65535, got 70000");
  }

  @Test
  void everyFieldCanBeSet() throws ConfigException {
    AgentConfig c = parse("""
        cluster: prod
        region: eu-west
        agentId: eu-west-host-7
        nodes: ["10.0.0.7:6379"]
        probe: {interval: 100ms, timeout: 2s, reportEvery: 500ms}
        redis: {user: meridian, passwordEnv: REDIS_PW}
        bus: {clusterName: prod-bus, host: 10.0.0.7, port: 5801, members: ["10.0.0.2:5801", "10.0.1.2"]}
        """, Map.of("REDIS_PW", "s3cret"));
    assertThat(c.probeInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.probeTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.reportEvery()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.auth().user()).contains("meridian");
    assertThat(c.auth().password().orElseThrow().reveal()).isEqualTo("s3cret");
    assertThat(c.toString()).doesNotContain("s3cret");
    assertThat(c.bus().port()).isEqualTo(5801);
    assertThat(c.bus().members()).containsExactly("10.0.0.2:5801", "10.0.1.2");
  }

  @Test
  void badFilesSayWhichFieldAndWhy() {
    assertRejected("region: r\nnodes: [127.0.0.1:7000]\n", "agent.yaml: field 'cluster': is required");
    assertRejected("cluster: c\nregion: r\nnodes: []\n",
        "agent.yaml: field 'nodes': must list at least one Redis node to probe (host:port)");
    assertRejected("cluster: c\nregion: r\nnodes: [localhost]\n",
        "agent.yaml: field 'nodes[0]': must be host:port of a Redis node, got \"localhost\"");
    assertRejected("cluster: c\nregion: r\nnodes: [a:1]\nprobe: {interval: fast}\n",
        "agent.yaml: field 'probe.interval': must be a duration like 250ms, 3s, 1m or 1h, got \"fast\"");
    assertRejected("cluster: c\nregion: r\nnodes: [a:1]\nprobe: {interval: 10ms}\n",
        "agent.yaml: field 'probe.interval': must be between 50ms and 10s, got 10ms");
    assertRejected("cluster: c\nregion: r\nnodes: [a:1]\nprobe: {intervall: 1s}\n",
        "agent.yaml: field 'probe.intervall': unknown field (known here: interval, timeout, reportEvery)");
    assertRejected("cluster: c\nregion: r\nnodes: [a:1]\nprobe: {reportEvery: 20s}\n",
        "agent.yaml: field 'probe.reportEvery': must be between 50ms and 10s, got 20s");
    assertRejected("cluster: c\nregion: r\nnodes: [a:1]\nfencing: {regions: 2}\n",
        "agent.yaml: field 'fencing.regions': must be the cluster's number of regions (3 to 5), or left out to take "
            + "it from the leader (to turn fencing off, set fencing.enabled: false)");
    assertRejected("cluster: c\nregion: r\nnodes: [a:1]\nfencing: {after: 100ms}\n",
        "agent.yaml: field 'fencing.after': must be between 500ms and 10m, got 100ms");
    assertRejected("cluster: c\nregion: r\nnodes: [a:1]\nredis: {passwordEnv: NOPE_NOT_SET}\n",
        "agent.yaml: field 'redis.passwordEnv': environment variable NOPE_NOT_SET is not set (or empty)");
    assertRejected("cluster: c\nregion: 'r 1'\nnodes: [a:1]\n",
        "agent.yaml: field 'region': must be 1-63 letters, digits, '.', '_' or '-' (starting with a letter or digit), got \"r 1\"");
    assertThatThrownBy(() -> parse("cluster: [c\n", Map.of()))
        .hasMessage("agent.yaml: is not valid YAML at line 1, column 12: while parsing a flow sequence; "
            + "expected ',' or ']', but got <stream end>");
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> AgentConfig.load(dir.resolve("nope.yaml"), Map.of()))
        .hasMessage(dir.resolve("nope.yaml") + ": no such file");
  }

  @Test
  void fileOnDiskIsRead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(file, "cluster: c\nregion: r\nnodes: [127.0.0.1:7000]\n");
    assertThat(AgentConfig.load(file, io.meridian.runtime.testing.TestKeys.withBusKey(Map.of())).region()).isEqualTo("r");
  }
}
