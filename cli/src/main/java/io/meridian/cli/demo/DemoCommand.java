package io.meridian.cli.demo;

import io.meridian.agent.admin.Bootstrap;
import io.meridian.cli.spec.PlanConversion;
import io.meridian.cli.spec.PlanSummary;
import io.meridian.coordinator.placement.PlacementPlan;
import io.meridian.coordinator.placement.PlacementPlanner;
import io.meridian.coordinator.placement.PlanResult;
import io.meridian.coordinator.spec.ClusterSpec;
import io.meridian.coordinator.spec.ClusterSpecReader;
import io.meridian.coordinator.spec.NodeSpec;
import io.meridian.coordinator.spec.RegionSpec;
import io.meridian.coordinator.spec.TopologyKind;
import io.meridian.messages.NodeAddress;
import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.cli.Meridian;
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
  TopologyKind topology;

  @Option(names = "--failover", defaultValue = "meridian", paramLabel = "meridian|redis",
      description = "Who promotes replicas: Meridian's leader (Redis's own failover off), or Redis Cluster's native "
          + "failover with Meridian only observing (default: ${DEFAULT-VALUE}).")
  String failover;

  @Option(names = "--regions", defaultValue = "3", description = "Number of regions, 3 to 5 (default: ${DEFAULT-VALUE}).")
  int regions;

  @Option(names = "--nodes-per-region", defaultValue = "3",
      description = "Redis nodes in each region (default: ${DEFAULT-VALUE}).")
  int nodesPerRegion;

  @Option(names = "--base-port", defaultValue = "7000",
      description = "Node j of region i listens on base-port + i*nodes-per-region + j (default: ${DEFAULT-VALUE}).")
  int basePort;

  @Option(names = "--api-port", defaultValue = "8080",
      description = "The coordinator of region i serves HTTP on api-port + i, its agent on api-port + regions + i "
          + "(default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(names = "--bus-port", defaultValue = "5701",
      description = "Coordinator i's event-bus (Hazelcast) port is bus-port + i; agents take the next ones "
          + "(default: ${DEFAULT-VALUE}).")
  int busPort;

  @Option(names = "--state-dir", defaultValue = "./.meridian-demo",
      description = "Where node data, generated configs, logs and pids.json go (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  private static final Duration REDIS_START = Duration.ofSeconds(10);
  static final String OPERATOR_TOKEN_ENV = "MERIDIAN_OPERATOR_TOKEN";
  private String operatorToken;
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

  static final class TopologyConverter implements picocli.CommandLine.ITypeConverter<TopologyKind> {
    @Override
    public TopologyKind convert(String value) {
      for (TopologyKind t : TopologyKind.values()) {
        if (t.label().equals(value)) {
          return t;
        }
      }
      throw new picocli.CommandLine.TypeConversionException("must be 'performance' or 'reliability', got '" + value + "'");
    }
  }

  @Override
  public Integer call() throws Exception {
    String invalid = DemoSpec.validate(regions, nodesPerRegion, basePort);
    if (invalid == null && !failover.equals("meridian") && !failover.equals("redis")) {
      invalid = "--failover must be 'meridian' or 'redis', got '" + failover + "'";
    }
    if (invalid != null) {
      System.err.println("meridian demo: " + invalid);
      return Meridian.EXIT_USAGE;
    }
    Files.createDirectories(stateDir);
    Path specFile = stateDir.resolve("spec.yaml");
    ClusterSpec spec;
    PlacementPlan plan;
    RedisBinary redis;
    try {
      checkPorts();
      redis = RedisBinary.locate();
      String yaml = DemoSpec.yaml(topology, regions, nodesPerRegion, basePort, failover.equals("meridian"));
      spec = ClusterSpecReader.read(ConfigFiles.parse(specFile.toString(), yaml), System.getenv());
      PlanResult result = PlacementPlanner.plan(spec);
      if (result instanceof PlanResult.Refused refused) {
        throw new IllegalArgumentException("the " + topology.label() + " topology cannot be built from "
            + regions + " regions x " + nodesPerRegion + " nodes: " + refused.reason());
      }
      plan = ((PlanResult.Planned) result).plan();
      Files.writeString(specFile, yaml);
    } catch (IllegalArgumentException | MissingPrerequisiteException | ConfigException e) {
      System.err.println("meridian demo: " + e.getMessage());
      return Meridian.EXIT_USAGE;
    }
    Path lockFile = stateDir.resolve("demo.lock");
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      if (lock == null) {
        System.err.println("meridian demo: another demo is already running with state dir " + stateDir.toAbsolutePath()
            + " (see " + stateDir.resolve("pids.json") + "); stop it with Ctrl-C, or use another --state-dir");
        return Meridian.EXIT_USAGE;
      }
      return run(spec, plan, specFile, redis);
    }
  }

  private int run(ClusterSpec spec, PlacementPlan plan, Path specFile, RedisBinary redis) throws Exception {
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
      start(spec, plan, specFile, redis);
    } catch (Exception e) {
      if (children.isClosed()) {
        // Ctrl-C or SIGTERM during start-up: the shutdown hook is already ending everything.
        stopped.await();
        return Meridian.EXIT_FAILED;
      }
      System.err.println("meridian demo: " + e.getMessage());
      Runtime.getRuntime().removeShutdownHook(hook);
      hook.run();
      return Meridian.EXIT_FAILED;
    }
    out.printf("meridian: ready in %.1f s: %d regions x %d nodes, %s topology, every node reported healthy by every coordinator%n",
        elapsed(), regions, nodesPerRegion, topology.label());
    out.println("Press Ctrl-C to stop everything.");
    out.flush();
    stopped.await();
    return 0;
  }

  private void start(ClusterSpec spec, PlacementPlan plan, Path specFile, RedisBinary redis) throws Exception {
    out.printf("meridian demo: %s topology, %d regions x %d nodes, failover by %s, redis-server %s, state in %s%n",
        topology.label(), regions, nodesPerRegion, failover.equals("meridian") ? "Meridian's leader" : "Redis natively",
        redis.version(), stateDir.toAbsolutePath());
    out.println(PlanSummary.describe(spec, plan));
    Path logs = Files.createDirectories(stateDir.resolve("logs"));
    Path configs = Files.createDirectories(stateDir.resolve("config"));
    List<String> regionNames = spec.regionNames();

    step("starting " + spec.nodeCount() + " redis-server processes");
    for (RegionSpec region : spec.regions()) {
      for (NodeSpec node : region.nodes()) {
        int port = NodeAddress.port(node.address());
        Path dir = stateDir.resolve("redis").resolve(Integer.toString(port));
        wipe(dir);
        RedisServerProcess server = RedisServerProcess.start(redis, dir, port, demoRedisSettings(), REDIS_START);
        children.addRedis(server);
        redisPids.computeIfAbsent(region.name(), r -> new ArrayList<>()).add(server.pid());
      }
    }
    writePids(regionNames);

    String busName = "meridian-demo-" + basePort;
    List<String> members = new ArrayList<>();
    for (int i = 0; i < regionNames.size(); i++) {
      members.add("127.0.0.1:" + (busPort + i));
    }
    // The first coordinator founds the event bus while the Redis Cluster forms: it needs no Redis.
    step("starting the coordinator of " + regionNames.get(0) + " (it founds the event bus)");
    startCoordinator(regionNames, 0, specFile, busName, members, configs, logs);

    // Bootstrap is mostly waiting for gossip; the JVMs start meanwhile.
    step("bootstrapping the Redis Cluster from " + specFile);
    CompletableFuture<Bootstrap.Result> bootstrap = CompletableFuture.supplyAsync(() -> {
      try {
        return new Bootstrap(spec.auth(), FORMATION, false, line -> out.printf("  [%5.1f s] %s%n", elapsed(), line))
            .run(PlanConversion.toBootstrapPlan(spec, plan));
      } catch (Bootstrap.Refused e) {
        throw new IllegalStateException("bootstrap refused: " + e.getMessage(), e);
      }
    });
    try {
      awaitUp("coordinator of " + regionNames.get(0), apiPort);
      // The others join the bus it founded, rather than racing to found their own.
      step("starting the other coordinators and one agent per region");
      for (int i = 1; i < regionNames.size(); i++) {
        startCoordinator(regionNames, i, specFile, busName, members, configs, logs);
      }
      for (RegionSpec region : spec.regions()) {
        Path file = configs.resolve("agent-" + region.name() + ".yaml");
        Files.writeString(file, DemoFiles.agentYaml(region.name(), region.nodes().stream().map(NodeSpec::address).toList(),
            agentHttpPort(regionNames.indexOf(region.name())), busName, busPort + regionNames.size(), members));
        Children.Child child = children.start("agent of " + region.name(), 0,
            javaCommand(List.of("-Xmx128m"), "agent", file), Map.of(), logs.resolve("agent-" + region.name() + ".log"),
            this::warnExit);
        agentPids.put(region.name(), child.process().pid());
      }
      writePids(regionNames);
      bootstrap.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("forming the Redis Cluster failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      bootstrap.cancel(false);
    }
    for (int i = 1; i < regionNames.size(); i++) {
      awaitUp("coordinator of " + regionNames.get(i), apiPort + i);
    }

    step("waiting until every coordinator reports all " + spec.nodeCount() + " nodes healthy");
    JsonObject view = awaitHealthy(regionNames, spec.nodeCount());
    out.println();
    out.print(StatusTable.render(view));
    out.println();
    JsonObject check = get(apiPort, "/api/v1/check");
    if (check != null) {
      out.println(check.getBoolean("clean") ? "check: clean: the live cluster meets every rule of the spec"
          : "check: " + check.getJsonArray("violations").size() + " violation(s): " + check.getJsonArray("violations"));
    }
    printEndpoints(spec);
  }

  private void startCoordinator(List<String> regionNames, int i, Path specFile, String busName, List<String> members,
      Path configs, Path logs) throws IOException {
    String region = regionNames.get(i);
    Path file = configs.resolve("coordinator-" + region + ".yaml");
    Files.writeString(file, DemoFiles.coordinatorYaml(region, specFile, regionNames.size(), apiPort + i, busName,
        busPort + i, members));
    Children.Child child = children.start("coordinator of " + region, 1,
        javaCommand(List.of("-Xmx256m"), "coordinator", file), Map.of(OPERATOR_TOKEN_ENV, operatorToken()), logs.resolve("coordinator-" + region + ".log"),
        this::warnExit);
    coordinatorPids.put(region, child.process().pid());
    writePids(regionNames);
  }

  /**
   * The operator token for {@code meridian pause|resume|acknowledge}: the caller's own
   * {@code MERIDIAN_OPERATOR_TOKEN}, else a random one kept in {@code <state-dir>/operator-token}
   * (readable by the owner only), never printed.
   */
  private synchronized String operatorToken() throws IOException {
    if (operatorToken == null) {
      String own = System.getenv(OPERATOR_TOKEN_ENV);
      if (own != null && own.length() >= 16) {
        operatorToken = own;
      } else {
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        operatorToken = java.util.HexFormat.of().formatHex(random);
        Path file = stateDir.resolve("operator-token");
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, operatorToken + "\n");
      }
    }
    return operatorToken;
  }

  /** The agent of region {@code i} serves /health, /ready and /metrics after the coordinators' ports. */
  private int agentHttpPort(int i) {
    return apiPort + regions + i;
  }

  /** Redis settings of the demo's nodes at start; bootstrap then applies the spec's. */
  static Map<String, String> demoRedisSettings() {
    return RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5));
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

  private JsonObject awaitHealthy(List<String> regionNames, int nodeCount) {
    JsonObject[] last = new JsonObject[1];
    poll("all nodes healthy in every coordinator's view", READY, () -> {
      List<String> behind = new ArrayList<>();
      for (int i = 0; i < regionNames.size(); i++) {
        JsonObject view = get(apiPort + i, "/api/v1/cluster");
        long healthy = view == null ? 0 : view.getJsonObject("summary").getLong("healthy");
        if (healthy < nodeCount) {
          behind.add(regionNames.get(i) + " " + healthy + "/" + nodeCount);
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

  private void printEndpoints(ClusterSpec spec) throws IOException {
    out.println("Endpoints:");
    for (int i = 0; i < spec.regions().size(); i++) {
      RegionSpec region = spec.regions().get(i);
      String base = "http://127.0.0.1:" + (apiPort + i);
      String agent = "http://127.0.0.1:" + agentHttpPort(i);
      out.printf("  %s: cluster view %s/api/v1/cluster, check %s/api/v1/check, endpoints %s/api/v1/endpoints, "
          + "metrics %s/metrics, health %s/health; agent %s/ready and %s/metrics; redis %s%n", region.name(), base, base,
          base, base, base, agent, agent, String.join(" ", region.nodes().stream().map(NodeSpec::address).toList()));
    }
    JsonObject endpoints = get(apiPort, "/api/v1/endpoints");
    if (endpoints != null) {
      out.println("  client: " + endpoints.getString("redisCli") + "   (seeds: "
          + String.join(",", endpoints.getJsonArray("seeds").stream().map(String::valueOf).toList()) + ")");
    }
    out.println("  spec:   " + stateDir.resolve("spec.yaml").toAbsolutePath() + "   (try: ./meridian check --spec "
        + stateDir.resolve("spec.yaml") + ")");
    String tokenHint = Files.exists(stateDir.resolve("operator-token"))
        ? "export " + OPERATOR_TOKEN_ENV + "=$(cat " + stateDir.resolve("operator-token").toAbsolutePath() + "); "
        : "(with your " + OPERATOR_TOKEN_ENV + ") ";
    out.println("  operator: " + tokenHint + "./meridian pause --api http://127.0.0.1:" + apiPort
        + "   (or resume, acknowledge --shard …)");
    out.println("  pids:   " + stateDir.resolve("pids.json").toAbsolutePath() + "   logs: "
        + stateDir.resolve("logs").toAbsolutePath());
  }

  private void writePids(List<String> regionNames) throws IOException {
    DemoFiles.writePids(stateDir.resolve("pids.json"), regionNames, redisPids, agentPids, coordinatorPids);
  }

  /** Refuses to start when any port the demo needs is taken, e.g. by a demo already running. */
  private void checkPorts() {
    Map<Integer, String> needed = new java.util.TreeMap<>();
    for (int i = 0; i < regions; i++) {
      for (int j = 0; j < nodesPerRegion; j++) {
        String node = DemoSpec.address(basePort, nodesPerRegion, i, j);
        int port = NodeAddress.port(node);
        needed.put(port, "Redis node " + node);
        needed.put(port + 10000, "the cluster bus of Redis node " + node);
      }
      needed.put(apiPort + i, "the HTTP API of " + DemoSpec.regionName(i) + "'s coordinator (--api-port)");
      needed.put(agentHttpPort(i), "the HTTP endpoints of " + DemoSpec.regionName(i) + "'s agent (--api-port + regions)");
      needed.put(busPort + i, "the event bus of " + DemoSpec.regionName(i) + "'s coordinator (--bus-port)");
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
