package io.meridian.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.runtime.config.Reload;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentReloadTest {

  private static final String BASE = """
      cluster: prod
      region: eu-west
      agentId: agent-1
      nodes: [127.0.0.1:7000, 127.0.0.1:7001]
      probe: {interval: 250ms, timeout: 1s}
      redis: {user: meridian, passwordEnv: PW}
      http: {port: 9470}
      bus: {members: ["10.0.0.2:5701"]}
      """;

  private static AgentConfig parse(String yaml, Map<String, String> env) throws ConfigException {
    return AgentConfig.read(ConfigFiles.parse("agent.yaml", yaml), io.meridian.runtime.testing.TestKeys.withBusKey(env));
  }

  private static AgentConfig base() throws ConfigException {
    return parse(BASE, Map.of("PW", "s3cret"));
  }

  @Test
  void sameFileChangesNothing() throws ConfigException {
    Reload<AgentConfig> reload = AgentReload.plan(base(), base());
    assertThat(reload.changesNothing()).isTrue();
    assertThat(reload.effective()).isEqualTo(base());
  }

  @Test
  void nodesProbeSettingsAndLogLevelApplyAtOnce() throws ConfigException {
    AgentConfig loaded = parse(BASE.replace("127.0.0.1:7001]", "127.0.0.1:7002, 127.0.0.1:7003]")
        .replace("interval: 250ms", "interval: 2s").replace("timeout: 1s", "timeout: 500ms, reportEvery: 3s") + "log: {level: debug}\n",
        Map.of("PW", "s3cret"));
    Reload<AgentConfig> reload = AgentReload.plan(base(), loaded);
    assertThat(reload.needRestart()).isEmpty();
    assertThat(reload.applied()).extracting(Reload.Change::toString).containsExactly(
        "nodes [127.0.0.1:7000, 127.0.0.1:7001] -> [127.0.0.1:7000, 127.0.0.1:7002, 127.0.0.1:7003]",
        "probe.interval 250ms -> 2s",
        "probe.timeout 1s -> 500ms",
        "probe.reportEvery 1s -> 3s",
        "log.level INFO -> DEBUG");
    assertThat(reload.effective()).isEqualTo(loaded);
  }

  @Test
  void identityCredentialsBusAndHttpNeedARestartAndKeepTheirRunningValues() throws ConfigException {
    AgentConfig loaded = parse(BASE.replace("agentId: agent-1", "agentId: agent-2").replace("region: eu-west", "region: us-east")
        .replace("passwordEnv: PW", "passwordEnv: PW2").replace("port: 9470", "port: 9471")
        .replace("10.0.0.2:5701", "10.0.0.3:5701").replace("interval: 250ms", "interval: 1s"),
        Map.of("PW", "s3cret", "PW2", "other-s3cret"));
    Reload<AgentConfig> reload = AgentReload.plan(base(), loaded);
    assertThat(reload.applied()).extracting(Reload.Change::field).containsExactly("probe.interval");
    assertThat(reload.needRestart()).extracting(Reload.Change::field)
        .containsExactly("bus", "region", "agentId", "redis.password", "http");
    assertThat(reload.needRestart().get(3).toString()).isEqualTo("redis.password **** -> ****");
    assertThat(reload.needRestart()).allSatisfy(c -> assertThat(c.toString()).doesNotContain("s3cret"));
    AgentConfig effective = reload.effective();
    assertThat(effective.probeInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(effective.agentId()).isEqualTo("agent-1");
    assertThat(effective.region()).isEqualTo("eu-west");
    assertThat(effective.auth().password().orElseThrow().reveal()).isEqualTo("s3cret");
    assertThat(effective.bus()).isEqualTo(base().bus());
    assertThat(effective.httpPort()).isEqualTo(9470);
  }
}
