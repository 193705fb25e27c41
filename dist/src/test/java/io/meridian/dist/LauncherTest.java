package io.meridian.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cli.JvmOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Given bin/meridian, then it opens to Hazelcast what the demo's processes open (one list, two places). */
class LauncherTest {

  @Test
  void launcherPassesHazelcastTheSameModuleOptionsAsTheDemo() throws IOException {
    String launcher = Files.readString(Archive.SOURCES.resolve("bin").resolve("meridian"));
    List<String> options = JvmOptions.defaults();
    for (int i = 0; i < options.size(); i++) {
      if (options.get(i).startsWith("--")) {
        assertThat(launcher).contains(options.get(i) + " " + options.get(i + 1));
        i++;
      } else {
        assertThat(launcher).contains(options.get(i));
      }
    }
  }

  @Test
  void theScaleBenchRunsCoordinatorsAsTheLauncherDoes() throws IOException {
    String launcher = Files.readString(Archive.SOURCES.resolve("bin").resolve("meridian"));
    String own = String.join(" ", JvmOptions.packagedCoordinator("512m").stream()
        .takeWhile(o -> !o.startsWith("--")).toList());
    assertThat(own).contains("-XX:+UseG1GC");
    assertThat(launcher).contains("echo " + own + "\n");
  }
}
