package io.meridian.cli.demo;

import io.meridian.agent.admin.Bootstrap;
import io.meridian.cli.Meridian;
import io.meridian.cli.spec.PlanConversion;
import io.meridian.cli.spec.PlanSummary;
import io.meridian.coordinator.placement.PlacementPlan;
import io.meridian.coordinator.placement.PlacementPlanner;
import io.meridian.coordinator.placement.PlanResult;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.ClusterSpecReader;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import io.meridian.messages.NodeAddress;
import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.runtime.poll.StatusPoll;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A whole multi-region deployment on this machine: real redis-server processes formed into a
 * Redis Cluster by the operator's bootstrap, and (unless Redis fails over alone) one coordinator
 * and one agent per region as separate processes started with the operator's commands. Used by
 * {@code meridian demo} and, one fresh deployment per round, by {@code meridian bench failover}.
 * Every process it starts is ended by {@link #stop}, by PID.
 */
public final class LocalDeployment {

  /** Who promotes replicas. */
  public enum Failover {
    /** Meridian's leader alone; Redis runs with {@code cluster-replica-no-failover yes}. */
    MERIDIAN,
    /** Redis Cluster's native failover, with Meridian's processes observing. */
    REDIS_OBSERVED,
    /** Redis Cluster's native failover and no Meridian process at all (the benchmark's baseline). */
    REDIS_ALONE
  }

  /**
   * Where and how to run; ports are the first of consecutive ranges (see the demo's options);
   * {@code webhook}, if any, receives the coordinators' cluster events as JSON; {@code writeFencing}
   * turns the agents' write fencing of isolated primaries on; {@code hosts} says where each region
   * runs; {@code signedBus} signs the bus's messages and runs it on mutual TLS with material
   * generated into the state directory ({@code security/}), else the bus runs explicitly insecure;
   * {@code redisPassword} has every Redis node require the password generated into
   * {@code security/redis.password}, else they take any client.
   */
  public record Layout(TopologyKind topology, int regions, int nodesPerRegion, int basePort, int apiPort, int busPort,
      Path stateDir, Failover failover, Duration nodeTimeout, java.util.Optional<String> webhook,
      boolean writeFencing, RegionHosts hosts, boolean signedBus, boolean redisPassword, boolean redisTls) {

    /** Redis on plain TCP. */
    public Layout(TopologyKind topology, int regions, int nodesPerRegion, int basePort, int apiPort, int busPort,
        Path stateDir, Failover failover, Duration nodeTimeout, java.util.Optional<String> webhook,
        boolean writeFencing, RegionHosts hosts, boolean signedBus, boolean redisPassword) {
      this(topology, regions, nodesPerRegion, basePort, apiPort, busPort, stateDir, failover, nodeTimeout, webhook,
          writeFencing, hosts, signedBus, redisPassword, false);
    }

    /** Every region on loopback with a signed bus and a Redis password, as the demo runs. */
    public Layout(TopologyKind topology, int regions, int nodesPerRegion, int basePort, int apiPort, int busPort,
        Path stateDir, Failover failover, Duration nodeTimeout, java.util.Optional<String> webhook,
        boolean writeFencing) {
      this(topology, regions, nodesPerRegion, basePort, apiPort, busPort, stateDir, failover, nodeTimeout, webhook,
          writeFencing, RegionHosts.loopback(), true, true);
    }

    /** Where the Redis password is kept when {@code redisPassword}: beside the bus key, mode 0600. */
    public Path redisPasswordFile() {
      return stateDir.resolve("security").resolve(REDIS_PASSWORD_FILE);
    }

    /** Node j of region i (0-based). */
    public String address(int region, int node) {
      return DemoSpec.address(hosts, basePort, nodesPerRegion, region, node);
    }

    /** Where the coordinator of region {@code i} serves its HTTP API. */
    public String coordinatorUrl(int region) {
      return "http://" + hosts.host(region) + ":" + coordinatorPort(region);
    }

    public int coordinatorPort(int region) {
      return apiPort + region;
    }

    /**
     * The coordinator of region {@code i} is in the leadership cluster (its CP group) where its
     * config puts it by default: 100 ports above its bus port.
     */
    public int leadershipPort(int region) {
      return busPort + region + io.meridian.coordinator.config.Leadership.PORT_OFFSET;
    }

    /** The agent of region {@code i} serves /health, /ready and /metrics after the coordinators' ports. */
    public int agentPort(int region) {
      return apiPort + regions + region;
    }
  }

  static final String OPERATOR_TOKEN_ENV = "MERIDIAN_OPERATOR_TOKEN";
  public static final String REDIS_PASSWORD_FILE = "redis.password";
  private static final Duration REDIS_START = Duration.ofSeconds(10);
  private static final Duration FORMATION = Duration.ofSeconds(60);
  private static final Duration PROCESS_START = Duration.ofSeconds(90);
  private static final Duration READY = Duration.ofSeconds(90);

  private final Layout layout;
  private final PrintStream out;
  private final long startedAt = System.nanoTime();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Children children = new Children();
  private final Map<String, List<Long>> redisPids = new LinkedHashMap<>();
  private final Map<String, Long> agentPids = new LinkedHashMap<>();
  private final Map<String, Long> coordinatorPids = new LinkedHashMap<>();
  private String operatorToken;
  private ClusterSpec spec;
  private PlacementPlan plan;
  private RedisBinary redis;

  /** @param out where progress lines go */
  public LocalDeployment(Layout layout, PrintStream out) {
    this.layout = layout;
    this.out = out;
  }

  public Layout layout() {
    return layout;
  }

  public ClusterSpec spec() {
    return spec;
  }

  public Path specFile() {
    return layout.stateDir().resolve("spec.yaml");
  }

  /**
   * Checks the layout, the ports and the redis-server binary, plans the cluster and writes the
   * spec; changes nothing else. Throws {@link IllegalArgumentException},
   * {@link MissingPrerequisiteException} or {@link ConfigException} with the reason.
   */
  public void prepare() throws IOException, MissingPrerequisiteException, ConfigException {
    String invalid = DemoSpec.validate(layout.regions(), layout.nodesPerRegion(), layout.basePort());
    if (invalid != null) {
      throw new IllegalArgumentException(invalid);
    }
    Files.createDirectories(layout.stateDir());
    if (layout.hosts().local()) {
      checkPorts();
    }
    redis = RedisBinary.locate();
    String yaml = DemoSpec.yaml(layout.topology(), layout.regions(), layout.nodesPerRegion(), layout.basePort(),
        layout.failover() == Failover.MERIDIAN, layout.nodeTimeout(), layout.hosts(), redisPassword(), redisTls());
    spec = ClusterSpecReader.read(ConfigFiles.parse(specFile().toString(), yaml), System.getenv());
    PlanResult result = PlacementPlanner.plan(spec);
    if (result instanceof PlanResult.Refused refused) {
      throw new IllegalArgumentException("the " + layout.topology().label() + " topology cannot be built from "
          + layout.regions() + " regions x " + layout.nodesPerRegion() + " nodes: " + refused.reason());
    }
    plan = ((PlanResult.Planned) result).plan();
    Files.writeString(specFile(), yaml);
  }

  /** The redis-server version found by {@link #prepare}. */
  public String redisVersion() {
    return redis.version();
  }

  /** The plan in words, after {@link #prepare}. */
  public String planSummary() {
    return PlanSummary.describe(spec, plan);
  }

  /**
   * Starts everything and returns once the cluster is formed and (with Meridian) every
   * coordinator reports every node healthy. Returns the first coordinator's view, or null
   * without Meridian.
   */
  public JsonObject start() throws Exception {
    Path logs = Files.createDirectories(layout.stateDir().resolve("logs"));
    Path configs = Files.createDirectories(layout.stateDir().resolve("config"));
    List<String> regionNames = spec.regionNames();
    boolean meridian = layout.failover() != Failover.REDIS_ALONE;

    step("starting " + spec.nodeCount() + " redis-server processes");
    for (RegionSpec region : spec.regions()) {
      int index = regionNames.indexOf(region.name());
      for (NodeSpec node : region.nodes()) {
        int port = NodeAddress.port(node.address());
        Path dir = layout.stateDir().resolve("redis").resolve(Integer.toString(port));
        wipe(dir);
        Map<String, String> settings = spec.auth().password()
            .map(p -> RedisServerProcess.clusterNodeSettings(layout.nodeTimeout(), p.reveal()))
            .orElseGet(() -> RedisServerProcess.clusterNodeSettings(layout.nodeTimeout()));
        java.util.Optional<Path> tls = redisTls();
        if (tls.isPresent()) {
          settings.putAll(RedisServerProcess.tlsSettings(tls.get().resolve("node.crt"), tls.get().resolve("node.key"),
              tls.get().resolve(io.meridian.cli.security.DevCertificates.CA_CERT)));
        }
        RedisServerProcess server = RedisServerProcess.start(redis, dir, layout.hosts().host(index), port,
            settings, REDIS_START, layout.hosts().launcher(index), children::addRedis);
        redisPids.computeIfAbsent(region.name(), r -> new ArrayList<>()).add(server.pid());
      }
    }
    writePids(regionNames);

    String busName = "meridian-demo-" + layout.basePort();
    List<String> members = new ArrayList<>();
    for (int i = 0; i < regionNames.size(); i++) {
      members.add(layout.hosts().host(i) + ":" + (layout.busPort() + i));
    }
    if (meridian) {
      // The first coordinator founds the event bus while the Redis Cluster forms: it needs no Redis.
      step("starting the coordinator of " + regionNames.get(0) + " (it founds the event bus)");
      startCoordinator(regionNames, 0, busName, members, configs, logs);
    }

    // Bootstrap is mostly waiting for gossip; the JVMs start meanwhile.
    step("bootstrapping the Redis Cluster from " + specFile());
    CompletableFuture<Bootstrap.Result> bootstrap = CompletableFuture.supplyAsync(() -> {
      try {
        return new Bootstrap(spec.auth(), FORMATION, false, line -> out.printf("  [%5.1f s] %s%n", elapsed(), line))
            .run(PlanConversion.toBootstrapPlan(spec, plan));
      } catch (Bootstrap.Refused e) {
        throw new IllegalStateException("bootstrap refused: " + e.getMessage(), e);
      }
    });
    try {
      if (meridian) {
        awaitUp("coordinator of " + regionNames.get(0), 0);
        // The others join the bus it founded, rather than racing to found their own.
        step("starting the other coordinators and one agent per region");
        for (int i = 1; i < regionNames.size(); i++) {
          startCoordinator(regionNames, i, busName, members, configs, logs);
        }
        for (RegionSpec region : spec.regions()) {
          int index = regionNames.indexOf(region.name());
          Path file = configs.resolve("agent-" + region.name() + ".yaml");
          Files.writeString(file, DemoFiles.agentYaml(region.name(), layout.hosts().host(index),
              region.nodes().stream().map(NodeSpec::address).toList(),
              layout.agentPort(index), busName, layout.busPort() + regionNames.size(), members,
              layout.writeFencing() ? regionNames.size() : 0, 250, busSecurity(), redisPassword(),
              java.util.Optional.of(specFile()), redisTls()));
          Children.Child child = children.start("agent of " + region.name(), 0,
              javaCommand(index, io.meridian.cli.JvmOptions.agent("128m"), "agent", file), Map.of(),
              logs.resolve("agent-" + region.name() + ".log"),
              this::warnExit);
          agentPids.put(region.name(), child.process().pid());
        }
        writePids(regionNames);
      }
      bootstrap.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("forming the Redis Cluster failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      bootstrap.cancel(false);
    }
    if (!meridian) {
      return null;
    }
    for (int i = 1; i < regionNames.size(); i++) {
      awaitUp("coordinator of " + regionNames.get(i), i);
    }
    step("waiting until every coordinator reports all " + spec.nodeCount() + " nodes healthy");
    return awaitHealthy(regionNames, spec.nodeCount());
  }

  /**
   * Ends every process started, by PID, in waves (agents, coordinators, Redis), SIGKILL after
   * {@code grace}. Returns how many needed SIGKILL. Safe to call from a shutdown hook, and twice.
   */
  public int stop(Duration grace) {
    int killed = children.stopAll(grace);
    deleteQuietly(layout.stateDir().resolve("pids.json"));
    return killed;
  }

  /** True once {@link #stop} began: waits give up. */
  public boolean stopping() {
    return children.isClosed();
  }

  /** PIDs of the redis-server processes of a region, in the order of the spec's nodes. */
  public List<Long> redisPids(String region) {
    return List.copyOf(redisPids.getOrDefault(region, List.of()));
  }

  public java.util.OptionalLong agentPid(String region) {
    Long pid = agentPids.get(region);
    return pid == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(pid);
  }

  public java.util.OptionalLong coordinatorPid(String region) {
    Long pid = coordinatorPids.get(region);
    return pid == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(pid);
  }

  /** GET {@code path} on 127.0.0.1:{@code port}: the JSON body on 200, else null. */
  public JsonObject get(int port, String path) {
    return get("http://127.0.0.1:" + port, path);
  }

  /** GET {@code path} at {@code base} (e.g. {@code http://10.213.5.11:8080}): the JSON body on 200, else null. */
  public JsonObject get(String base, String path) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? new JsonObject(response.body()) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
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
        Path file = layout.stateDir().resolve("operator-token");
        Files.deleteIfExists(file);
        io.meridian.runtime.config.PrivateFiles.create(file, operatorToken + "\n");
      }
    }
    return operatorToken;
  }

  /**
   * The file holding the password every Redis node of this deployment requires, made once (32
   * random bytes, base64url, mode 0600) and kept across runs of the same state directory; empty
   * when the layout runs Redis without one.
   */
  public synchronized java.util.Optional<Path> redisPassword() throws IOException {
    if (!layout.redisPassword()) {
      return java.util.Optional.empty();
    }
    Path file = layout.redisPasswordFile();
    if (!Files.exists(file)) {
      io.meridian.cli.security.RedisPasswordFile.create(file);
    }
    return java.util.Optional.of(file.toAbsolutePath());
  }

  /**
   * What every process of this deployment signs with and proves itself with on the bus:
   * {@code <state-dir>/security} (the cluster key, a development CA and one certificate naming
   * every region's host), made once and kept across runs of the same state directory; empty on an
   * insecure bus.
   */
  public synchronized java.util.Optional<Path> busSecurity() throws IOException {
    return layout.signedBus() ? java.util.Optional.of(security()) : java.util.Optional.empty();
  }

  /** The same directory when the Redis nodes run on TLS (its CA signs their certificate too); empty otherwise. */
  public synchronized java.util.Optional<Path> redisTls() throws IOException {
    return layout.redisTls() ? java.util.Optional.of(security()) : java.util.Optional.empty();
  }

  private Path security() throws IOException {
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < layout.regions(); i++) {
      hosts.add(layout.hosts().host(i));
    }
    return io.meridian.cli.security.DevSecurity.ensure(layout.stateDir().resolve("security"), hosts);
  }

  private void startCoordinator(List<String> regionNames, int i, String busName, List<String> members, Path configs,
      Path logs) throws IOException {
    String region = regionNames.get(i);
    Path file = configs.resolve("coordinator-" + region + ".yaml");
    Files.writeString(file, DemoFiles.coordinatorYaml(region, layout.hosts().host(i), specFile(), regionNames.size(),
        layout.coordinatorPort(i), busName, layout.busPort() + i, members, layout.webhook(), busSecurity(), redisTls()));
    Children.Child child = children.start("coordinator of " + region, 1,
        javaCommand(i, io.meridian.cli.JvmOptions.coordinator("256m"), "coordinator", file),
        Map.of(OPERATOR_TOKEN_ENV, operatorToken()),
        logs.resolve("coordinator-" + region + ".log"), this::warnExit);
    coordinatorPids.put(region, child.process().pid());
    writePids(regionNames);
  }

  private List<String> javaCommand(int region, List<String> jvmOptions, String role, Path config) {
    List<String> command = new ArrayList<>(layout.hosts().launcher(region));
    command.add(ProcessHandle.current().info().command().orElse("java"));
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
    out.println("meridian: " + message);
  }

  private double elapsed() {
    return (System.nanoTime() - startedAt) / 1e9;
  }

  private void step(String what) {
    out.printf("- [%5.1f s] %s...%n", elapsed(), what);
    out.flush();
  }

  private void awaitUp(String what, int region) {
    poll(what + " to answer on " + layout.coordinatorUrl(region) + "/health", PROCESS_START,
        () -> get(layout.coordinatorUrl(region), "/health") != null ? null : "not answering yet");
  }

  private JsonObject awaitHealthy(List<String> regionNames, int nodeCount) {
    JsonObject[] last = new JsonObject[1];
    poll("all nodes healthy in every coordinator's view", READY, () -> {
      List<String> behind = new ArrayList<>();
      for (int i = 0; i < regionNames.size(); i++) {
        JsonObject view = get(layout.coordinatorUrl(i), "/api/v1/cluster");
        long healthy = view == null ? 0 : view.getJsonObject("summary").getLong("healthy");
        if (healthy < nodeCount) {
          behind.add(regionNames.get(i) + " " + healthy + "/" + nodeCount);
        }
        if (i == 0) {
          last[0] = view;
        }
      }
      return behind.isEmpty() ? null : "coordinators seeing fewer healthy nodes: " + String.join(", ", behind)
          + unhealthy(last[0], false);
    }, () -> unhealthy(last[0], true));
    return last[0];
  }

  /**
   * The nodes a coordinator's view does not call healthy, with its reason; or (withLogs) the end of
   * the log of each agent concerned: what an operator needs when start-up stalls.
   */
  private String unhealthy(JsonObject view, boolean withLogs) {
    if (view == null) {
      return "";
    }
    List<String> nodes = new ArrayList<>();
    java.util.Set<String> regions = new java.util.TreeSet<>();
    JsonObject byRegion = view.getJsonObject("regions", new JsonObject());
    for (String region : byRegion.fieldNames()) {
      for (Object o : byRegion.getJsonObject(region).getJsonArray("nodes", new io.vertx.core.json.JsonArray())) {
        JsonObject n = (JsonObject) o;
        if (!n.getBoolean("healthy", false)) {
          nodes.add(n.getString("address") + " " + n.getString("status") + " (" + n.getString("reason") + ")");
          regions.add(region);
        }
      }
    }
    spec.regionNames().stream().filter(r -> !byRegion.containsKey(r)).forEach(regions::add);
    if (!withLogs) {
      return nodes.isEmpty() ? "" : "; not healthy: " + String.join(", ", nodes);
    }
    StringBuilder text = new StringBuilder();
    for (String region : regions) {
      Path log = layout.stateDir().resolve("logs").resolve("agent-" + region + ".log");
      try {
        List<String> lines = Files.readAllLines(log);
        text.append(System.lineSeparator()).append("  last lines of ").append(log).append(':');
        lines.subList(Math.max(0, lines.size() - 15), lines.size())
            .forEach(l -> text.append(System.lineSeparator()).append("    ").append(l));
      } catch (IOException | RuntimeException e) {
        text.append("; (no log at ").append(log).append(')');
      }
    }
    return text.toString();
  }

  /** Polls {@code check} (null = done, else progress) until done or the deadline; prints changes. */
  private void poll(String what, Duration timeout, Supplier<String> check) {
    poll(what, timeout, check, () -> "");
  }

  /** As above; on giving up, {@code detail} is added to the error. */
  private void poll(String what, Duration timeout, Supplier<String> check, Supplier<String> detail) {
    StatusPoll.await(timeout, Duration.ofMillis(250), () -> {
      if (children.isClosed()) {
        throw new IllegalStateException("interrupted while waiting for " + what);
      }
      return check.get();
    }, status -> out.printf("  [%5.1f s] waiting for %s: %s%n", elapsed(), what, status)).ifPresent(status -> {
      throw new IllegalStateException("gave up after " + timeout.toSeconds() + " s waiting for " + what + " ("
          + status + "); logs are in " + layout.stateDir().resolve("logs") + detail.get());
    });
  }

  private void writePids(List<String> regionNames) throws IOException {
    DemoFiles.writePids(layout.stateDir().resolve("pids.json"), regionNames, redisPids, agentPids, coordinatorPids);
  }

  /** Refuses to start when any port needed is taken, e.g. by a demo already running. */
  private void checkPorts() {
    Map<Integer, String> needed = new java.util.TreeMap<>();
    boolean meridian = layout.failover() != Failover.REDIS_ALONE;
    for (int i = 0; i < layout.regions(); i++) {
      for (int j = 0; j < layout.nodesPerRegion(); j++) {
        String node = layout.address(i, j);
        int port = NodeAddress.port(node);
        needed.put(port, "Redis node " + node);
        needed.put(port + 10000, "the cluster bus of Redis node " + node);
      }
      if (meridian) {
        needed.put(layout.coordinatorPort(i), "the HTTP API of " + DemoSpec.regionName(i)
            + "'s coordinator (--api-port)");
        needed.put(layout.agentPort(i), "the HTTP endpoints of " + DemoSpec.regionName(i)
            + "'s agent (--api-port + regions)");
        needed.put(layout.busPort() + i, "the event bus of " + DemoSpec.regionName(i) + "'s coordinator (--bus-port)");
        needed.put(layout.leadershipPort(i), "the leadership cluster of " + DemoSpec.regionName(i)
            + "'s coordinator (--bus-port + 100)");
      }
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

  /** Deletes {@code dir} and everything in it, if it exists. */
  public static void wipe(Path dir) throws IOException {
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
