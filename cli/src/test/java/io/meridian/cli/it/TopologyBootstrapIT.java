package io.meridian.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.process.RedisBinary;
import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Given empty redis-server nodes and a spec, when an operator runs the packaged
 * {@code meridian bootstrap} and {@code meridian check}, then the cluster is built in the spec's
 * topology, re-runs change nothing, an interrupted run is completed, and a hand-made change
 * is reported.
 */
class TopologyBootstrapIT {

  private static final Path JAR = Path.of("target", "meridian.jar");

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // a failure leaves the logs behind
  Path dir;
  private final List<RedisServerProcess> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.stop(Duration.ofSeconds(5)));
  }

  record Run(int exit, String output) {
  }

  private Run meridian(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "run", ".out");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("meridian %s finished", String.join(" ", args)).isTrue();
    return new Run(p.exitValue(), Files.readString(out));
  }

  /** Starts regions × nodes empty nodes and writes a spec for them; returns the spec file. */
  private Path cluster(String topology, int regions, int perRegion) throws Exception {
    return cluster(topology, regions, perRegion, false);
  }

  /** With {@code announce}, nodes are reached on 127.0.0.1 and announce themselves as 127.0.0.2. */
  private Path cluster(String topology, int regions, int perRegion, boolean announce) throws Exception {
    RedisBinary redis = RedisBinary.locate();
    int base = FreePorts.redisPortRange(regions * perRegion);
    StringBuilder spec = new StringBuilder("cluster: it\ntopology: " + topology + "\nregions:\n");
    for (int i = 0; i < regions; i++) {
      List<String> nodes = new ArrayList<>();
      for (int j = 0; j < perRegion; j++) {
        int port = base + i * perRegion + j;
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>(
            RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5)));
        if (announce) {
          settings.put("bind", "127.0.0.1 127.0.0.2");
        }
        servers.add(RedisServerProcess.start(redis, dir.resolve("n" + port), port, settings, Duration.ofSeconds(10)));
        nodes.add(announce ? "{address: 127.0.0.1:" + port + ", announce: 127.0.0.2:" + port + "}" : "127.0.0.1:" + port);
      }
      spec.append("  - name: r").append(i + 1).append("\n    nodes: [").append(String.join(", ", nodes)).append("]\n");
    }
    spec.append("redis: {minReplicasToWrite: 0}\n");
    Path file = dir.resolve("spec.yaml");
    Files.writeString(file, spec.toString());
    return file;
  }

  @ParameterizedTest(name = "{0} {1}x{2}")
  @CsvSource({"performance,3,3", "reliability,3,3", "performance,5,2", "reliability,4,3"})
  void bootstrapBuildsTheTopologyAndReRunsChangeNothing(String topology, int regions, int perRegion) throws Exception {
    Path spec = cluster(topology, regions, perRegion);
    long t0 = System.nanoTime();
    Run first = meridian("bootstrap", "--spec", spec.toString());
    System.out.printf("bootstrap %s %dx%d: exit %d in %.1f s%n%s%n", topology, regions, perRegion, first.exit(),
        (System.nanoTime() - t0) / 1e9, first.output());
    assertThat(first.exit()).as(first.output()).isZero();
    assertThat(first.output()).contains("check: clean");
    assertThat(first.output()).contains("client: redis-cli -c -h 127.0.0.1 -p ");

    Run again = meridian("bootstrap", "--spec", spec.toString());
    assertThat(again.exit()).as(again.output()).isZero();
    assertThat(again.output()).contains("bootstrap: the cluster was already formed as planned; nothing changed");

    Run check = meridian("check", "--spec", spec.toString());
    assertThat(check.exit()).as(check.output()).isZero();
    Run endpoints = meridian("endpoints", "--spec", spec.toString());
    assertThat(endpoints.exit()).isZero();
    assertThat(endpoints.output()).contains("primary", "seeds:");
  }

  @Test
  void anInterruptedBootstrapIsCompletedAndAHandMadeMoveIsReported() throws Exception {
    Path spec = cluster("performance", 3, 3);
    // Interrupt a real run as soon as it has started changing nodes.
    Path out = dir.resolve("interrupted.out");
    Process p = new ProcessBuilder(javaBin(), "-jar", JAR.toAbsolutePath().toString(), "bootstrap", "--spec",
        spec.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
        .until(() -> Files.readString(out).contains("waiting for every node to know"));
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
    Run halfway = meridian("check", "--spec", spec.toString());
    assertThat(halfway.exit()).as("an interrupted bootstrap leaves violations: %s", halfway.output()).isEqualTo(1);

    Run completed = meridian("bootstrap", "--spec", spec.toString());
    assertThat(completed.exit()).as(completed.output()).isZero();
    assertThat(completed.output()).contains("check: clean");

    // An operator moves a replica in region r1 under a primary of r1 itself, by hand, taking
    // away the only replica of the shard it served.
    List<String> r1 = servers.subList(0, 3).stream().map(RedisServerProcess::address).toList();
    ClusterNodesReply view;
    try (NodeAdmin any = new NodeAdmin(r1.get(0), RedisAuth.none(), Duration.ofSeconds(5))) {
      view = ClusterNodesReply.parse(any.clusterNodes());
    }
    ClusterNodesReply.Entry mover = r1.stream().map(a -> view.byAddress(a).orElseThrow())
        .filter(ClusterNodesReply.Entry::isReplica)
        .filter(e -> view.entries().stream().filter(o -> o.masterId().equals(e.masterId())).count() == 1)
        .findFirst().orElseThrow();
    ClusterNodesReply.Entry localPrimary = r1.stream().map(a -> view.byAddress(a).orElseThrow())
        .filter(e -> e.isPrimary() && e.slotCount() > 0).findFirst().orElseThrow();
    try (NodeAdmin n = new NodeAdmin(mover.address(), RedisAuth.none(), Duration.ofSeconds(5))) {
      n.call("CLUSTER", "REPLICATE", localPrimary.id());
      await().atMost(Duration.ofSeconds(10)).until(() ->
          ClusterNodesReply.parse(n.clusterNodes()).myself().masterId().orElse("").equals(localPrimary.id()));
    }
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      Run check = meridian("check", "--spec", spec.toString());
      assertThat(check.exit()).as(check.output()).isEqualTo(1);
      assertThat(check.output()).contains("violation", "replica-outside-region");
    });
  }

  @Test
  void announcedAddressesAreWhatTheClusterCheckAndClientsUse() throws Exception {
    Path spec = cluster("reliability", 3, 1, true);
    Run first = meridian("bootstrap", "--spec", spec.toString());
    assertThat(first.exit()).as(first.output()).isZero();
    assertThat(first.output()).contains("check: clean", "client: redis-cli -c -h 127.0.0.2 -p " + servers.get(0).port());
    try (NodeAdmin n = new NodeAdmin(servers.get(1).address(), RedisAuth.none(), Duration.ofSeconds(5))) {
      assertThat(ClusterNodesReply.parse(n.clusterNodes()).entries())
          .allMatch(e -> e.address().startsWith("127.0.0.2:"));
      assertThat(n.info("replication")).contains("master_host:127.0.0.2");
    }
    Run endpoints = meridian("endpoints", "--spec", spec.toString());
    assertThat(endpoints.output()).contains("primary  r1           127.0.0.2:" + servers.get(0).port());
  }

  @Test
  void badSpecIsExitCode2AndTouchesNothing() throws Exception {
    Path spec = cluster("performance", 3, 1);
    Run refused = meridian("bootstrap", "--spec", spec.toString());
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.output()).contains("meridian bootstrap: the spec cannot be built (rule ");
    try (NodeAdmin n = new NodeAdmin(servers.get(0).address(), RedisAuth.none(), Duration.ofSeconds(5))) {
      assertThat(n.clusterInfo()).contains("cluster_known_nodes:1", "cluster_slots_assigned:0");
    }
    Files.writeString(spec, "cluster: it\ntopology: sideways\n");
    Run invalid = meridian("check", "--spec", spec.toString());
    assertThat(invalid.exit()).isEqualTo(2);
    assertThat(invalid.output()).contains("invalid spec:", "field 'topology'");
  }

  private static String javaBin() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
