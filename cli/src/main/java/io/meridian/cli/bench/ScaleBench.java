package io.meridian.cli.bench;

import io.meridian.cli.Meridian;
import io.meridian.cli.demo.LocalDeployment;
import io.meridian.messages.NodeAddress;
import io.meridian.runtime.bus.BusConfig;
import io.meridian.runtime.bus.ClusteredVertx;
import io.meridian.runtime.poll.StatusPoll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian bench scale}: three real coordinators (separate processes, clustered, CP
 * leader election) fed by simulated agents in this JVM that report N nodes at the agent's normal
 * rate over the real event bus; each node also answers the coordinators' PINGs on its own
 * loopback port. Primaries are killed one by one (their agent reports connection refused, their
 * port closes); the detection latency is from the kill to the leader's promotion command
 * arriving at the replica's agent.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Measure detection latency and coordinator cost at 300, 1000, 3000 simulated nodes.")
public final class ScaleBench implements Callable<Integer> {

  @Option(names = "--nodes", split = ",", defaultValue = "300,1000,3000",
      description = "Cluster sizes, comma-separated (default: ${DEFAULT-VALUE}).")
  List<Integer> sizes;

  @Option(names = "--deaths", defaultValue = "10", description = "Primaries killed per size (default: ${DEFAULT-VALUE}).")
  int deaths;

  @Option(names = "--nodes-per-agent", defaultValue = "10",
      description = "Simulated nodes per simulated agent host (default: ${DEFAULT-VALUE}).")
  int nodesPerAgent;

  @Option(names = "--coordinator-heap", defaultValue = "512m",
      description = "-Xmx of each coordinator (default: ${DEFAULT-VALUE}).")
  String coordinatorHeap;

  @Option(names = "--base-port", defaultValue = "20000",
      description = "First simulated node port; one per node (default: ${DEFAULT-VALUE}).")
  int basePort;

  @Option(names = "--api-port", defaultValue = "8400", description = "First coordinator HTTP port (default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(names = "--bus-port", defaultValue = "5901", description = "First event-bus port (default: ${DEFAULT-VALUE}).")
  int busPort;

  @Option(names = "--state-dir", defaultValue = "./.meridian-bench/scale",
      description = "Coordinator configs and logs (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
  Path jsonFile;

  private static final String CLUSTER = "meridian-bench-scale";
  private static final long PROBE_INTERVAL_MS = io.meridian.agent.config.AgentConfig.DEFAULT_PROBE_INTERVAL.toMillis();
  private static final Duration DEATH_SPACING = Duration.ofSeconds(2);
  private static final Duration DETECTION_LIMIT = Duration.ofSeconds(30);

  private final PrintStream out = System.out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Process> coordinators = Collections.synchronizedList(new ArrayList<>());

  @Override
  public Integer call() throws Exception {
    for (int size : sizes) {
      if (size < 30 || size > 10_000) {
        System.err.println("meridian bench scale: --nodes must be 30 to 10000, got " + size);
        return Meridian.EXIT_USAGE;
      }
      if (basePort + size > 65535) {
        System.err.println("meridian bench scale: --base-port " + basePort + " leaves no room for " + size + " nodes");
        return Meridian.EXIT_USAGE;
      }
    }
    if (deaths < 1 || nodesPerAgent < 1) {
      System.err.println("meridian bench scale: --deaths and --nodes-per-agent must be at least 1");
      return Meridian.EXIT_USAGE;
    }
    io.meridian.cli.logging.LogSetup.setRootLevel("ERROR");
    Thread hook = new Thread(this::stopCoordinators, "meridian-bench-scale-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    List<ScaleResult> results = new ArrayList<>();
    try {
      for (int size : sizes) {
        out.printf("meridian bench scale: %d simulated nodes (%d agents), 3 coordinators (-Xmx%s), %d primaries killed%n",
            size - size % 3, (size - size % 3 + nodesPerAgent - 1) / nodesPerAgent, coordinatorHeap, deaths);
        results.add(runSize(size - size % 3));
      }
    } catch (IllegalStateException e) {
      // The sizes measured so far are worth printing; the one that failed says why.
      if (!results.isEmpty()) {
        out.println();
        out.println(ScaleResult.table(results));
      }
      System.err.println("meridian bench scale: " + e.getMessage() + " (logs in " + stateDir + ")");
      return Meridian.EXIT_FAILED;
    } finally {
      stopCoordinators();
      Runtime.getRuntime().removeShutdownHook(hook);
    }
    out.println();
    out.println(ScaleResult.table(results));
    out.println(ScaleResult.targets(results));
    if (jsonFile != null) {
      JsonArray json = new JsonArray();
      results.forEach(r -> json.add(r.json()));
      Files.writeString(jsonFile, new JsonObject().put("results", json).encodePrettily() + "\n");
      out.println("results written to " + jsonFile.toAbsolutePath());
    }
    return 0;
  }

  private ScaleResult runSize(int size) throws Exception {
    Path dir = stateDir.resolve(Integer.toString(size));
    LocalDeployment.wipe(dir);
    Files.createDirectories(dir.resolve("logs"));
    SimulatedCluster cluster = new SimulatedCluster(size, basePort);
    List<String> members = List.of("127.0.0.1:" + busPort, "127.0.0.1:" + (busPort + 1), "127.0.0.1:" + (busPort + 2));
    String busName = CLUSTER + "-" + busPort;
    // Signed and on TLS as in production: the coordinators' cost includes checking every report.
    Path security = io.meridian.cli.security.DevSecurity.ensure(dir.resolve("security"), List.of());
    io.meridian.runtime.bus.BusConfig simulated = io.meridian.cli.security.DevSecurity.bus(security, busName,
        "127.0.0.1", busPort + 3, members);
    io.meridian.messages.Seal seal = simulated.seal();
    long t0 = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      startCoordinator(i, dir, busName, members);
      if (i == 0) {
        awaitHttp(apiPort, "/health", "the first coordinator");
      }
    }
    Vertx vertx = null;
    Map<String, NetServer> servers = new ConcurrentHashMap<>();
    try {
      vertx = ClusteredVertx.start(simulated, true)
          .toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
      for (SimulatedCluster.Node n : cluster.nodes()) {
        NetServer server = vertx.createNetServer().connectHandler(socket -> socket.handler(b -> {
          // Every PING line gets its PONG, as Redis would answer the coordinators' prober.
          String text = b.toString();
          int pings = text.split("PING", -1).length - 1;
          for (int p = 0; p < pings; p++) {
            socket.write(Buffer.buffer("+PONG\r\n"));
          }
        }));
        server.listen(NodeAddress.port(n.address()), "127.0.0.1").toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        servers.put(n.address(), server);
      }
      Map<String, Long> promotions = new ConcurrentHashMap<>();
      List<SimulatedCluster.Node> all = cluster.nodes();
      int agents = 0;
      for (String region : SimulatedCluster.REGIONS) {
        List<SimulatedCluster.Node> inRegion = all.stream().filter(n -> n.region().equals(region)).toList();
        for (int from = 0; from < inRegion.size(); from += nodesPerAgent) {
          String id = "sim-agent-" + region + "-" + (from / nodesPerAgent);
          vertx.deployVerticle(new SimulatedAgent(id, CLUSTER, region, seal,
              inRegion.subList(from, Math.min(inRegion.size(), from + nodesPerAgent)), cluster, PROBE_INTERVAL_MS,
              (node, at) -> promotions.putIfAbsent(node, at))).toCompletionStage().toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
          agents++;
        }
      }
      for (int i = 0; i < 3; i++) {
        awaitHttp(apiPort + i, "/health", "coordinator " + (i + 1));
      }
      awaitHealthy(size);
      awaitLeader();
      out.printf("  ready after %.1f s: %d agents probing %d nodes every %d ms, reporting changes at once and"
          + " unchanged nodes every %d ms%n", (System.nanoTime() - t0) / 1e9, agents, size, PROBE_INTERVAL_MS,
          io.meridian.agent.config.AgentConfig.DEFAULT_REPORT_EVERY.toMillis());

      int leaderIndex = leaderIndex();
      long leaderPid = coordinators.get(leaderIndex).pid();
      double reportsBefore = reportsReceived(apiPort + leaderIndex);
      long cpuBefore = ProcStat.cpuTicks(leaderPid);
      long measureStart = System.nanoTime();
      HeapSampler heap = new HeapSampler(() -> heapUsed(apiPort + leaderIndex));

      List<Long> latencies = new ArrayList<>();
      Random random = new Random(size);
      List<Integer> shards = new ArrayList<>();
      for (int s = 0; s < cluster.shards(); s++) {
        shards.add(s);
      }
      Collections.shuffle(shards, random);
      int missed = 0;
      for (int d = 0; d < deaths && d < shards.size(); d++) {
        int shard = shards.get(d);
        String victim = cluster.primary(shard);
        long killedAt = System.nanoTime();
        cluster.kill(victim);
        NetServer server = servers.remove(victim);
        server.close();
        long deadline = killedAt + DETECTION_LIMIT.toNanos();
        Long commanded = null;
        while (System.nanoTime() < deadline) {
          heap.sample();
          commanded = promotedFor(cluster, shard, victim, promotions);
          if (commanded != null) {
            break;
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        if (commanded == null) {
          missed++;
          out.printf("  death %d/%d: %s (shard %d): no promotion within %d s%n", d + 1, deaths, victim, shard,
              DETECTION_LIMIT.toSeconds());
        } else {
          long ms = TimeUnit.NANOSECONDS.toMillis(commanded - killedAt);
          latencies.add(ms);
          out.printf("  death %d/%d: %s (shard %d): promotion ordered after %d ms%n", d + 1, deaths, victim, shard, ms);
        }
        long next = System.nanoTime() + DEATH_SPACING.toNanos();
        while (System.nanoTime() < next) {
          heap.sample();
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
      }
      double seconds = (System.nanoTime() - measureStart) / 1e9;
      double cpuPercent = (ProcStat.cpuTicks(leaderPid) - cpuBefore) / (double) ProcStat.TICKS_PER_SECOND / seconds * 100;
      double reportsPerSecond = (reportsReceived(apiPort + leaderIndex) - reportsBefore) / seconds;
      heap.sample();
      return new ScaleResult(size, agents, latencies, missed, cpuPercent, heap.max(), rssBytes(leaderPid),
          reportsPerSecond);
    } finally {
      for (NetServer s : servers.values()) {
        s.close();
      }
      // The simulated agents (a lite member) leave while the coordinators still hold the bus's data.
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
      stopCoordinators();
    }
  }

  /** Arrival of the promotion command for a replica of {@code shard}, if it came. */
  private static Long promotedFor(SimulatedCluster cluster, int shard, String victim, Map<String, Long> promotions) {
    for (SimulatedCluster.Node n : cluster.nodes()) {
      if (n.shard() == shard && !n.address().equals(victim) && promotions.containsKey(n.address())) {
        return promotions.get(n.address());
      }
    }
    return null;
  }

  private void startCoordinator(int i, Path dir, String busName, List<String> members) throws IOException {
    String region = SimulatedCluster.REGIONS.get(i);
    Path config = dir.resolve("coordinator-" + region + ".yaml");
    Files.writeString(config, "# generated by 'meridian bench scale'\n"
        + "cluster: " + CLUSTER + "\n"
        + "region: " + region + "\n"
        + "coordinatorId: coordinator-" + region + "\n"
        + "regions: [" + String.join(", ", SimulatedCluster.REGIONS) + "]\n"
        + "leadership:\n  cpMembers: 3\n"
        + "staleAfter: 2s\n"
        + "http:\n  host: 127.0.0.1\n  port: " + (apiPort + i) + "\n"
        + io.meridian.cli.demo.DemoFiles.busYaml(busName, "127.0.0.1", busPort + i, members,
            java.util.Optional.of(dir.resolve("security")), io.meridian.runtime.bus.BusConfig.Role.COORDINATOR));
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(io.meridian.cli.JvmOptions.packagedCoordinator(coordinatorHeap));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        Meridian.class.getName(), "coordinator", "--config", config.toAbsolutePath().toString()));
    coordinators.add(new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("logs").resolve("coordinator-" + region + ".log").toFile()).start());
  }

  private void stopCoordinators() {
    List<Process> all;
    synchronized (coordinators) {
      all = List.copyOf(coordinators);
      coordinators.clear();
    }
    all.forEach(Process::destroy);
    for (Process p : all) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void awaitHttp(int port, String path, String what) {
    poll(what + " to answer on port " + port, Duration.ofSeconds(90), () -> get(port, path) != null);
  }

  private void awaitHealthy(int size) {
    poll("every coordinator to see " + size + " healthy nodes", Duration.ofSeconds(120), () -> {
      for (int i = 0; i < 3; i++) {
        JsonObject view = get(apiPort + i, "/api/v1/cluster");
        if (view == null || view.getJsonObject("summary").getLong("healthy") < size) {
          return false;
        }
      }
      return true;
    });
  }

  private void awaitLeader() {
    poll("a leader", Duration.ofSeconds(90), () -> {
      JsonObject l = get(apiPort, "/api/v1/leader");
      return l != null && l.getString("leader") != null;
    });
  }

  private int leaderIndex() {
    String[] region = new String[1];
    poll("the first coordinator to name the leader", Duration.ofSeconds(60), () -> {
      JsonObject l = get(apiPort, "/api/v1/leader");
      region[0] = l == null ? null : l.getString("region");
      return region[0] != null;
    });
    return SimulatedCluster.REGIONS.indexOf(region[0]);
  }

  private void poll(String what, Duration timeout, java.util.function.BooleanSupplier done) {
    StatusPoll.await(timeout, Duration.ofMillis(250), () -> {
      if (done.getAsBoolean()) {
        return null;
      }
      if (coordinators.stream().anyMatch(p -> !p.isAlive())) {
        throw new IllegalStateException("a coordinator exited while waiting for " + what);
      }
      return "not yet";
    }, status -> { }).ifPresent(status -> {
      throw new IllegalStateException("gave up after " + timeout.toSeconds() + " s waiting for " + what);
    });
  }

  private JsonObject get(int port, String path) {
    String body = getText(port, path);
    return body == null ? null : new JsonObject(body);
  }

  private String getText(int port, String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private double reportsReceived(int port) {
    return PrometheusText.sum(getText(port, "/metrics"), "meridian_reports_received_total", Map.of());
  }

  private long heapUsed(int port) {
    return (long) PrometheusText.sum(getText(port, "/metrics"), "jvm_memory_used_bytes", Map.of("area", "heap"));
  }

  private static long rssBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  /** The highest of the leader's heap readings, sampled at most twice a second. */
  private static final class HeapSampler {
    private final java.util.function.LongSupplier read;
    private long max;
    private long lastAt;

    HeapSampler(java.util.function.LongSupplier read) {
      this.read = read;
    }

    void sample() {
      if (System.nanoTime() - lastAt > TimeUnit.MILLISECONDS.toNanos(500)) {
        lastAt = System.nanoTime();
        max = Math.max(max, read.getAsLong());
      }
    }

    long max() {
      return max;
    }
  }
}
