package io.meridian.cli.it;

import static io.meridian.cli.it.DemoCluster.javaBin;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.runtime.testing.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Given a coordinator whose HTTP port is taken, when it starts (after it joined the bus, and with
 * leadership on, after its leadership member is up), then it says why and exits with code 1 at
 * once, so that its supervisor sees the failure: it does not live on, running and serving nothing,
 * until the daemon's 2-minute start timeout (as it did when the failure was delivered on the
 * closed Vert.x context).
 */
class StartFailureIT {

  private static final Path JAR = Path.of("target", "meridian.jar");

  @TempDir
  Path dir;

  @ParameterizedTest(name = "leadership enabled: {0}")
  @ValueSource(booleans = {true, false})
  void aCoordinatorWhoseHttpPortIsTakenExitsAtOnceSayingWhy(boolean leadership) throws Exception {
    int busPort = FreePorts.any();
    int leadershipPort = FreePorts.any();
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int httpPort = taken.getLocalPort();
      Path config = dir.resolve("coordinator.yaml");
      Files.writeString(config, "cluster: start-failure\nregion: r1\ncoordinatorId: c1\nregions: [r1, r2, r3]\n"
          + "http: {host: 127.0.0.1, port: " + httpPort + "}\n"
          + "bus: {clusterName: start-failure-" + busPort + ", host: 127.0.0.1, port: " + busPort
          + ", members: [\"127.0.0.1:" + busPort + "\"], insecure: true}\n"
          + "leadership: {enabled: " + leadership + ", port: " + leadershipPort + ", members: [\"127.0.0.1:"
          + leadershipPort + "\"]}\n");
      Path log = dir.resolve("coordinator.log");
      Process coordinator = new ProcessBuilder(javaBin(), "-jar", JAR.toAbsolutePath().toString(), "coordinator",
          "--config", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        // Far below the daemon's 2-minute start timeout, far above a start on a loaded machine.
        assertThat(coordinator.waitFor(60, TimeUnit.SECONDS)).as("exited within 60 s (log: " + log + ")").isTrue();
        assertThat(coordinator.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log)).contains("meridian: coordinator c1 could not start: cannot serve HTTP on "
            + "127.0.0.1:" + httpPort + ": Address already in use");
      } finally {
        coordinator.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
      }
    }
  }
}
