package io.meridian.coordinator.leadership;

import com.hazelcast.core.HazelcastInstance;
import io.meridian.runtime.process.Signals;
import io.meridian.runtime.testing.FreePorts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A leadership cluster of three members for tests: the third runs in a process of its own (so that
 * a test can freeze or kill it) from a test class's {@code main(cluster, basePort, ...)}, the other
 * two in this JVM. {@link #close()} kills the process (thawed first) and terminates the two (a graceful shutdown
 * of two of three CP members waits minutes for a CP majority).
 */
final class ThreeMemberCluster implements AutoCloseable {

  final String cluster;
  final int base;
  final Process apart;
  final List<HazelcastInstance> here = new ArrayList<>();

  private ThreeMemberCluster(String cluster, int base, Process apart) {
    this.cluster = cluster;
    this.base = base;
    this.apart = apart;
  }

  /** The settings of member {@code index} (0-2) of the cluster at {@code base}. */
  static LeadershipMember.Settings settings(String cluster, int base, int index, CpSettings cp) {
    return new LeadershipMember.Settings(cluster, "127.0.0.1", base + index,
        List.of("127.0.0.1:" + base, "127.0.0.1:" + (base + 1), "127.0.0.1:" + (base + 2)), cp);
  }

  /** Starts the member apart ({@code main} of {@code mainClass}, output to {@code log}), then the two here. */
  static ThreeMemberCluster start(String name, Class<?> mainClass, Path log, CpSettings cp, String... moreArgs)
      throws Exception {
    int base = FreePorts.range(3);
    String cluster = name + "-" + base;
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), mainClass.getName(), cluster, Integer.toString(base)));
    command.addAll(List.of(moreArgs));
    ThreeMemberCluster started = new ThreeMemberCluster(cluster, base,
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    try {
      for (int i = 0; i < 2; i++) {
        started.here.add(LeadershipMember.start(settings(cluster, base, i, cp)).toCompletionStage()
            .toCompletableFuture().get(2, TimeUnit.MINUTES));
      }
    } catch (Exception e) {
      started.close();
      throw e;
    }
    return started;
  }

  @Override
  public void close() throws Exception {
    if (apart.isAlive()) {
      Signals.send(apart.pid(), "CONT"); // a test may have left it frozen
    }
    apart.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    here.forEach(m -> m.getLifecycleService().terminate());
  }
}
