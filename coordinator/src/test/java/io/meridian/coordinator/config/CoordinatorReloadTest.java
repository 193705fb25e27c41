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
    return CoordinatorConfig.read(ConfigFiles.parse("coordinator.yaml", yaml), Path.of("."), io.meridian.runtime.testing.TestKeys.withCoordinatorKeys(Map.of()));
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

  static final String SPEC = """
      cluster: prod
      topology: performance
      regions:
        - name: r1
          nodes: [10.0.0.1:6379, 10.0.0.2:6379]
        - name: r2
          nodes: [10.1.0.1:6379, 10.1.0.2:6379]
        - name: r3
          nodes: [10.2.0.1:6379, 10.2.0.2:6379]
      """;

  static CoordinatorConfig withSpec(Path dir, String spec) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("spec.yaml"), spec);
    return CoordinatorConfig.read(ConfigFiles.parse("coordinator.yaml", BASE + "spec: spec.yaml\n"), dir, io.meridian.runtime.testing.TestKeys.withCoordinatorKeys(Map.of()));
  }

  @Test
  void aSpecWithNodesAddedAppliesAtOnceAndSaysWhich(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    CoordinatorConfig running = withSpec(dir, SPEC);
    CoordinatorConfig loaded = withSpec(dir, SPEC.replace("10.1.0.2:6379]", "10.1.0.2:6379, 10.1.0.3:6379]"));
    Reload<CoordinatorConfig> reload = CoordinatorReload.plan(running, loaded);
    assertThat(reload.needRestart()).isEmpty();
    assertThat(reload.applied()).extracting(Reload.Change::toString).containsExactly("spec cluster prod, performance,"
        + " 3 regions, 6 nodes -> cluster prod, performance, 3 regions, 7 nodes; nodes added [10.1.0.3:6379], removed []");
    assertThat(reload.effective().spec()).isEqualTo(loaded.spec());
  }

  @Test
  void anotherTopologyOrClusterNeedsARestart(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    CoordinatorConfig running = withSpec(dir, SPEC);
    for (String changed : java.util.List.of(SPEC.replace("performance", "reliability"),
        SPEC.replace("cluster: prod", "cluster: other"))) {
      Reload<CoordinatorConfig> reload = CoordinatorReload.plan(running, withSpec(dir, changed));
      assertThat(reload.applied()).isEmpty();
      assertThat(reload.needRestart()).extracting(Reload.Change::field).containsExactly("spec");
      assertThat(reload.effective().spec()).isEqualTo(running.spec());
    }
  }

  @Test
  void aSpecThatCannotBeLaidOutIsNotTakenOver(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    CoordinatorConfig running = withSpec(dir, SPEC);
    Reload<CoordinatorConfig> reload = CoordinatorReload.plan(running, withSpec(dir, SPEC + "replicasPerPrimary: 4\n"));
    assertThat(reload.applied()).isEmpty();
    assertThat(reload.needRestart()).singleElement().satisfies(c -> {
      assertThat(c.field()).isEqualTo("spec");
      assertThat(c.to()).contains("cannot be laid out").endsWith("the running spec stays");
    });
    assertThat(reload.effective().spec()).isEqualTo(running.spec());
  }
}
