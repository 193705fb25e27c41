package io.meridian.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.runtime.config.Reload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoordinatorReloadTest {

  private static final String BASE = """
      cluster: prod
      region: r1
      regions: [r1, r2, r3]
      staleAfter: 2s
      http: {port: 8080}
      """;

  private static CoordinatorConfig parse(String yaml) throws ConfigException {
    return CoordinatorConfig.read(ConfigFiles.parse("coordinator.yaml", yaml), Path.of("."), Map.of());
  }

  @Test
  void staleAfterAndLogLevelApplyAtOnce() throws ConfigException {
    CoordinatorConfig loaded = parse(BASE.replace("staleAfter: 2s", "staleAfter: 5s") + "log: {level: WARN}\n");
    Reload<CoordinatorConfig> reload = CoordinatorReload.plan(parse(BASE), loaded);
    assertThat(reload.needRestart()).isEmpty();
    assertThat(reload.applied()).extracting(Reload.Change::toString)
        .containsExactly("staleAfter 2s -> 5s", "log.level INFO -> WARN");
    assertThat(reload.effective()).isEqualTo(loaded);
  }

  @Test
  void regionsIdentityAndSocketsNeedARestart() throws ConfigException {
    CoordinatorConfig loaded = parse(BASE.replace("regions: [r1, r2, r3]", "regions: [r1, r2, r3, r4]")
        .replace("port: 8080", "port: 8081").replace("cluster: prod", "cluster: prod2"));
    Reload<CoordinatorConfig> reload = CoordinatorReload.plan(parse(BASE), loaded);
    assertThat(reload.applied()).isEmpty();
    assertThat(reload.needRestart()).extracting(Reload.Change::toString).containsExactly(
        "cluster prod -> prod2", "regions [r1, r2, r3] -> [r1, r2, r3, r4]", "http 127.0.0.1:8080 -> 127.0.0.1:8081");
    assertThat(reload.effective()).isEqualTo(parse(BASE));
    assertThat(reload.effective().staleAfter()).isEqualTo(Duration.ofSeconds(2));
  }
}
