package io.meridian.cli.demo;

import io.meridian.agent.admin.ClusterFormation;
import io.meridian.cli.Meridian;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.process.MissingPrerequisiteException;
import io.meridian.runtime.process.RedisBinary;
import io.meridian.runtime.process.RedisServerProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian demo}: a whole multi-region Meridian deployment on this machine, on embedded
 * defaults. Real redis-server processes, a real Redis Cluster, and one agent and one coordinator
 * per region as separate processes started through the same commands an operator would run.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a local multi-region Redis Cluster under Meridian until Ctrl-C.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--topology", defaultValue = "performance", paramLabel = "performance|reliability",
      converter = TopologyConverter.class, description = "Layout of primaries and replicas (default: ${DEFAULT-VALUE}).")
  Topology topology;

  @Option(names = "--regions", defaultValue = "3", description = "Number of regions, 3 to 5 (default: ${DEFAULT-VALUE}).")
  int regions;

  @Option(names = "--nodes-per-region", defaultValue = "3",
      description = "Redis nodes in each region (default: ${DEFAULT-VALUE}).")
  int nodesPerRegion;

  @Option(names = "--base-port", defaultValue = "7000",
      description = "Node j of region i listens on base-port + i*nodes-per-region + j (default: ${DEFAULT-VALUE}).")
  int basePort;

  @Option(names = "--api-port", defaultValue = "8080",
      description = "The coordinator of region i serves HTTP on api-port + i (default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(names = "--bus-port", defaultValue = "5701",
      description = "Coordinator i's event-bus (Hazelcast) port is bus-port + i; agents take the next ones "
          + "(default: ${DEFAULT-VALUE}).")
  int busPort;

  @Option(names = "--state-dir", defaultValue = "./.meridian-demo",
      description = "Where node data, generated configs, logs and pids.json go (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  private static final Duration REDIS_START = Duration.ofSeconds(10);
  private static final Duration FORMATION = Duration.ofSeconds(60);
  private static final Duration PROCESS_START = Duration.ofSeconds(90);
  private static final Duration READY = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(7);

  private final PrintStream out = System.out;
  private final long startedAt = System.nanoTime();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Children children = new Children();
  private final Map<String, List<Long>> redisPids = new LinkedHashMap<>();
  private final Map<String, Long> agentPids = new LinkedHashMap<>();
  private final Map<String, Long> coordinatorPids = new LinkedHashMap<>();

  static final class TopologyConverter implements picocli.CommandLine.ITypeConverter<Topology> {
    @Override
    public Topology convert(String value) {
      for (Topology t : Topology.values()) {
        if (t.label().equals(value)) {
          return t;
        }
      }
      throw new picocli.CommandLine.TypeConversionException("must be 'performance' or 'reliability', got '" + value + "'");
    }
  }

  @Override
  public Integer call() throws Exception {
    DemoLayout layout;
    RedisBinary redis;
    try {
      layout = DemoLayout.plan(topology, regions, nodesPerRegion, basePort);
      checkPorts(layout);
      redis = RedisBinary.locate();
    } catch (IllegalArgumentException | MissingPrerequisiteException e) {
      System.err.println("meridian demo: " + e.getMessage());
      return Meridian.EXIT_USAGE;
    }
    Files.createDirectories(stateDir);
    Path lockFile = stateDir.resolve("demo.lock");
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      if (lock == null) {
        System.err.println("meridian demo: another demo is already running with state dir " + stateDir.toAbsolutePath()
            + " (see " + stateDir.resolve("pids.json") + "); stop it with Ctrl-C, or use another --state-dir");
        return Meridian.EXIT_USAGE;
      }
      return run(layout, redis);
    }
  }

  private int run(DemoLayout layout, RedisBinary redis) throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      out.println();
      out.println("meridian: stopping every process the demo started...");
      long t0 = System.nanoTime();
      int killed = children.stopAll(STOP_GRACE);
      deleteQuietly(stateDir.resolve("pids.json"));
      out.printf("meridian: stopped in %.1f s%s%n", (System.nanoTime() - t0) / 1e9,
          killed == 0 ? "" : " (" + killed + " process(es) needed SIGKILL)");
      out.flush();
      stopped.countDown();
    }, "meridian-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      start(layout, redis);
    } catch (Exception e) {
      System.err.println("meridian demo: " + e.getMessage());
      Runtime.getRuntime().removeShutdownHook(hook);
      hook.run();
      return Meridian.EXIT_FAILED;
    }
    out.printf("meridian: ready in %.1f s: %d regions x %d nodes, %s topology, every node reported healthy by every coordinator%n",
        elapsed(), layout.regions().size(), layout.nodesPerRegion(), layout.topology().label());
    out.println("Press Ctrl-C to stop everything.");
    out.flush();
    stopped.await();
    return 0;
  }

  private void start(DemoLayout layout, RedisBinary redis) throws Exception {
    out.printf("meridian demo: %s topology, %d regions x %d nodes, redis-server %s, state in %s%n",
        layout.topology().label(), layout.regions().size(), layout.nodesPerRegion(), redis.version(),
        stateDir.toAbsolutePath());
    Path logs = Files.createDirectories(stateDir.resolve("logs"));
    Path configs = Files.createDirectories(stateDir.resolve("config"));

    step("starting " + layout.nodeCount() + " redis-server processes");
    for (String region : layout.regions()) {
      for (String node : layout.nodesOf(region)) {
        int port = Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
        Path dir = stateDir.resolve("redis").resolve(Integer.toString(port));
        wipe(dir);
        RedisServerProcess server = RedisServerProcess.start(redis, dir, port, demoRedisSettings(), REDIS_START);
        children.addRedis(server);
        redisPids.computeIfAbsent(region, r -> new ArrayList<>()).add(server.pid());
      }
    }
    writePids(layout);

    String busName = "meridian-demo-" + basePort;
    List<String> members = new ArrayList<>();
    for (int i = 0; i < layout.regions().size(); i++) {
      members.add("127.0.0.1:" + (busPort + i));
    }
    // The first coordinator founds the event bus while the Redis Cluster forms: it needs no Redis.
    step("starting the coordinator of " + layout.regions().get(0) + " (it founds the event bus)");
    startCoordinator(layout, 0, busName, members, configs, logs);

    // Forming the Redis Cluster is mostly waiting for gossip; the JVMs start meanwhile.
    step("forming the Redis Cluster");
    CompletableFuture<Void> formation = CompletableFuture.runAsync(() -> new ClusterFormation(RedisAuth.none(),
        FORMATION, line -> out.printf("  [%5.1f s] %s%n", elapsed(), line)).form(layout.formation()));
    try {
      awaitUp("coordinator of " + layout.regions().get(0), apiPort);
      // The others join the bus it founded, rather than racing to found their own.
      step("starting the other coordinators and one agent per region");
      for (int i = 1; i < layout.regions().size(); i++) {
        startCoordinator(layout, i, busName, members, configs, logs);
      }
      for (String region : layout.regions()) {
        Path file = configs.resolve("agent-" + region + ".yaml");
        Files.writeString(file, DemoFiles.agentYaml(region, layout.nodesOf(region), busName,
            busPort + layout.regions().size(), members));
        Children.Child child = children.start("agent of " + region, 0, javaCommand(List.of("-Xmx128m"), "agent", file),
            logs.resolve("agent-" + region + ".log"), this::warnExit);
        agentPids.put(region, child.process().pid());
      }
      writePids(layout);
      formation.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("forming the Redis Cluster failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      formation.cancel(false);
    }
    for (int i = 1; i < layout.regions().size(); i++) {
      awaitUp("coordinator of " + layout.regions().get(i), apiPort + i);
    }

    step("waiting until every coordinator reports all " + layout.nodeCount() + " nodes healthy");
    JsonObject view = awaitHealthy(layout);
    out.println();
    out.print(StatusTable.render(view));
    out.println();
    printEndpoints(layout);
  }

  private void startCoordinator(DemoLayout layout, int i, String busName, List<String> members, Path configs,
      Path logs) throws IOException {
    String region = layout.regions().get(i);
    Path file = configs.resolve("coordinator-" + region + ".yaml");
    Files.writeString(file, DemoFiles.coordinatorYaml(region, layout.regions(), apiPort + i, busName, busPort + i,
        members));
    Children.Child child = children.start("coordinator of " + region, 1,
        javaCommand(List.of("-Xmx256m"), "coordinator", file), logs.resolve("coordinator-" + region + ".log"),
        this::warnExit);
    coordinatorPids.put(region, child.process().pid());
    writePids(layout);
  }

  /** Redis settings of the demo's nodes. */
  static Map<String, String> demoRedisSettings() {
    Map<String, String> settings = RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5));
    // Until Meridian's own failover lands, Redis Cluster's native failover is what heals the demo.
    settings.put("cluster-replica-no-failover", "no");
    return settings;
  }

  private List<String> javaCommand(List<String> jvmOptions, String role, Path config) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(io.meridian.cli.JvmOptions.defaults());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Meridian.class.getName());
    command.add(role);
    command.add("--config");
    command.add(config.toAbsolutePath().toString());
    return command;
  }

  private void warnExit(String message) {
    out.println("meridian demo: " + message);
  }

  private double elapsed() {
    return (System.nanoTime() - startedAt) / 1e9;
  }

  private void step(String what) {
    out.printf("- [%5.1f s] %s...%n", elapsed(), what);
    out.flush();
  }

  private void awaitUp(String what, int port) {
    poll(what + " to answer on http://127.0.0.1:" + port + "/health", PROCESS_START,
        () -> get(port, "/health") != null ? null : "not answering yet");
  }

  private JsonObject awaitHealthy(DemoLayout layout) {
    JsonObject[] last = new JsonObject[1];
    poll("all nodes healthy in every coordinator's view", READY, () -> {
      List<String> behind = new ArrayList<>();
      for (int i = 0; i < layout.regions().size(); i++) {
        JsonObject view = get(apiPort + i, "/api/v1/cluster");
        long healthy = view == null ? 0 : view.getJsonObject("summary").getLong("healthy");
        if (healthy < layout.nodeCount()) {
          behind.add(layout.regions().get(i) + " " + healthy + "/" + layout.nodeCount());
        }
        if (i == 0) {
          last[0] = view;
        }
      }
      return behind.isEmpty() ? null : "coordinators seeing fewer healthy nodes: " + String.join(", ", behind);
    });
    return last[0];
  }

  /** Polls {@code check} (null = done, else progress) until done or the deadline; prints changes. */
  private void poll(String what, Duration timeout, Supplier<String> check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = null;
    while (true) {
      if (children.isClosed()) {
        throw new IllegalStateException("interrupted while waiting for " + what);
      }
      String status = check.get();
      if (status == null) {
        return;
      }
      if (!status.equals(last)) {
        out.printf("  [%5.1f s] waiting for %s: %s%n", elapsed(), what, status);
        last = status;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up after " + timeout.toSeconds() + " s waiting for " + what + " ("
            + status + "); logs are in " + stateDir.resolve("logs"));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
  }

  private JsonObject get(int port, String path) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? new JsonObject(response.body()) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void printEndpoints(DemoLayout layout) {
    out.println("Endpoints:");
    for (int i = 0; i < layout.regions().size(); i++) {
      String region = layout.regions().get(i);
      String base = "http://127.0.0.1:" + (apiPort + i);
      List<String> nodes = layout.nodesOf(region);
      out.printf("  %s: cluster view %s/api/v1/cluster, metrics %s/metrics, health %s/health; redis %s%n", region,
          base, base, base, String.join(" ", nodes));
    }
    out.println("  client: redis-cli -c -p " + basePort);
    out.println("  pids:   " + stateDir.resolve("pids.json").toAbsolutePath() + "   logs: "
        + stateDir.resolve("logs").toAbsolutePath());
  }

  private void writePids(DemoLayout layout) throws IOException {
    DemoFiles.writePids(stateDir.resolve("pids.json"), layout.regions(), redisPids, agentPids, coordinatorPids);
  }

  /** Refuses to start when any port the demo needs is taken, e.g. by a demo already running. */
  private void checkPorts(DemoLayout layout) {
    Map<Integer, String> needed = new java.util.TreeMap<>();
    for (String node : layout.regionOf().keySet()) {
      int port = Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
      needed.put(port, "Redis node " + node);
      needed.put(port + 10000, "the cluster bus of Redis node " + node);
    }
    for (int i = 0; i < layout.regions().size(); i++) {
      needed.put(apiPort + i, "the HTTP API of " + layout.regions().get(i) + "'s coordinator (--api-port)");
      needed.put(busPort + i, "the event bus of " + layout.regions().get(i) + "'s coordinator (--bus-port)");
    }
    for (Map.Entry<Integer, String> e : needed.entrySet()) {
      if (e.getKey() > 65535 || !isFree(e.getKey())) {
        throw new IllegalArgumentException("port " + e.getKey() + " (" + e.getValue() + ") is already in use; "
            + "is another demo (or Redis) running on it? Stop it, or choose other ports with --base-port, --api-port "
            + "and --bus-port");
      }
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void wipe(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // best effort: a stale pids.json names processes that are gone
    }
  }
}
