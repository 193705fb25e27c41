package io.meridian.cli.demo;

import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import io.meridian.runtime.config.ConfigException;
import io.meridian.cli.Meridian;
import io.meridian.runtime.process.MissingPrerequisiteException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
      description = "Coordinator i's event-bus (Hazelcast) port is bus-port + i, its leadership-cluster port "
          + "bus-port + 100 + i; agents take the ports after the coordinators' bus ports "
          + "(default: ${DEFAULT-VALUE}).")
  int busPort;

  @Option(names = "--webhook", paramLabel = "URL",
      description = "Send the coordinators' cluster events (failovers, regions, leadership, fences) to this URL "
          + "as JSON (see docs/reference/configuration.md: Notifications).")
  String webhook;

  @Option(names = "--no-write-fencing",
      description = "Turn off the agents' write fencing, which is on by default: a primary cut off from the leader "
          + "and a majority of regions for 1 s stops acknowledging writes (docs/concepts/fencing.md). "
          + "Without it, writes acknowledged on the cut-off side are lost when it joins again.")
  boolean noWriteFencing;

  @Option(names = "--insecure-bus",
      description = "Run the event bus unsigned and on plain TCP (bus.insecure: true). By default every message is "
          + "signed with a key generated into the state directory and the processes talk over mutual TLS with a "
          + "development CA made there too (security/), and the agents obey only signed commands "
          + "(docs/concepts/security.md).")
  boolean insecureBus;

  @Option(names = "--no-redis-password",
      description = "Let the Redis nodes take any client. By default every node requires the password generated into "
          + "<state-dir>/security/redis.password (mode 0600), and Meridian's processes read it from there.")
  boolean noRedisPassword;

  @Option(names = "--redis-tls", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Every Redis node serves TLS only (its port, replication and the cluster bus), with a certificate "
          + "of the development CA in <state-dir>/security/, and Meridian connects with TLS and a client "
          + "certificate of the same CA (redis.tls; docs/concepts/security.md). On by default; --no-redis-tls runs "
          + "the nodes on plain TCP.")
  boolean redisTls;

  @Option(names = "--state-dir", defaultValue = "./.meridian-demo",
      description = "Where node data, generated configs, logs and pids.json go (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  private static final Duration STOP_GRACE = Duration.ofSeconds(7);

  private final PrintStream out = System.out;
  private final long startedAt = System.nanoTime();

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
    if (!failover.equals("meridian") && !failover.equals("redis")) {
      System.err.println("meridian demo: --failover must be 'meridian' or 'redis', got '" + failover + "'");
      return Meridian.EXIT_USAGE;
    }
    if (webhook != null && !webhook.matches("https?://[^\\s]+")) {
      System.err.println("meridian demo: --webhook must be an http:// or https:// URL");
      return Meridian.EXIT_USAGE;
    }
    LocalDeployment deployment = new LocalDeployment(new LocalDeployment.Layout(topology, regions, nodesPerRegion,
        basePort, apiPort, busPort, stateDir, failover.equals("meridian") ? LocalDeployment.Failover.MERIDIAN
        : LocalDeployment.Failover.REDIS_OBSERVED, DemoSpec.NODE_TIMEOUT, java.util.Optional.ofNullable(webhook),
        !noWriteFencing, RegionHosts.loopback(), !insecureBus, !noRedisPassword, redisTls), out);
    if (noRedisPassword) {
      out.println("WARNING: the Redis nodes require no password (--no-redis-password): any local process can read and "
          + "write the data and reconfigure the cluster");
    }
    if (!redisTls) {
      out.println("WARNING: the Redis nodes run on plain TCP (--no-redis-tls): data, replication, the cluster bus and "
          + "the Redis password cross the network in clear");
    }
    if (insecureBus) {
      out.println("WARNING: the event bus is insecure (--insecure-bus): messages are neither signed nor encrypted, so "
          + "any local process that reaches the bus ports can command the agents");
    }
    if (noWriteFencing) {
      out.println("WARNING: write fencing is off (--no-write-fencing): a primary cut off from the majority keeps "
          + "acknowledging writes that are lost when it joins again");
    }
    try {
      deployment.prepare();
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
      return run(deployment);
    }
  }

  private int run(LocalDeployment deployment) throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      out.println();
      out.println("meridian: stopping every process the demo started...");
      long t0 = System.nanoTime();
      int killed = deployment.stop(STOP_GRACE);
      out.printf("meridian: stopped in %.1f s%s%n", (System.nanoTime() - t0) / 1e9,
          killed == 0 ? "" : " (" + killed + " process(es) needed SIGKILL)");
      out.flush();
      stopped.countDown();
    }, "meridian-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    JsonObject view;
    try {
      out.printf("meridian demo: %s topology, %d regions x %d nodes, failover by %s, redis-server %s, state in %s%n",
          topology.label(), regions, nodesPerRegion, failover.equals("meridian") ? "Meridian's leader" : "Redis natively",
          deployment.redisVersion(), stateDir.toAbsolutePath());
      out.println(deployment.planSummary());
      view = deployment.start();
    } catch (Exception e) {
      if (deployment.stopping()) {
        // Ctrl-C or SIGTERM during start-up: the shutdown hook is already ending everything.
        stopped.await();
        return Meridian.EXIT_FAILED;
      }
      System.err.println("meridian demo: " + e.getMessage());
      Runtime.getRuntime().removeShutdownHook(hook);
      hook.run();
      return Meridian.EXIT_FAILED;
    }
    out.println();
    out.print(StatusTable.render(view));
    out.println();
    JsonObject check = deployment.get(apiPort, "/api/v1/check");
    if (check != null) {
      out.println(check.getBoolean("clean") ? "check: clean: the live cluster meets every rule of the spec"
          : "check: " + check.getJsonArray("violations").size() + " violation(s): " + check.getJsonArray("violations"));
    }
    printEndpoints(deployment);
    out.printf("meridian: ready in %.1f s: %d regions x %d nodes, %s topology, every node reported healthy by every coordinator%n",
        elapsed(), regions, nodesPerRegion, topology.label());
    out.println("Press Ctrl-C to stop everything.");
    out.flush();
    stopped.await();
    return 0;
  }

  private double elapsed() {
    return (System.nanoTime() - startedAt) / 1e9;
  }

  private void printEndpoints(LocalDeployment deployment) throws IOException {
    ClusterSpec spec = deployment.spec();
    LocalDeployment.Layout layout = deployment.layout();
    out.println("Endpoints:");
    for (int i = 0; i < spec.regions().size(); i++) {
      RegionSpec region = spec.regions().get(i);
      String base = "http://127.0.0.1:" + (apiPort + i);
      String agent = "http://127.0.0.1:" + layout.agentPort(i);
      out.printf("  %s: cluster view %s/api/v1/cluster, check %s/api/v1/check, endpoints %s/api/v1/endpoints, "
          + "metrics %s/metrics, health %s/health; agent %s/ready and %s/metrics; redis %s%n", region.name(), base, base,
          base, base, base, agent, agent, String.join(" ", region.nodes().stream().map(NodeSpec::address).toList()));
    }
    JsonObject endpoints = deployment.get(apiPort, "/api/v1/endpoints");
    if (endpoints != null) {
      out.println("  client: " + endpoints.getString("redisCli") + "   (seeds: "
          + String.join(",", endpoints.getJsonArray("seeds").stream().map(String::valueOf).toList()) + ")");
    }
    Path security = stateDir.resolve("security").toAbsolutePath();
    String redisCli = "redis-cli" + (layout.redisTls() ? " --tls --cacert " + security.resolve("ca.crt") + " --cert "
        + security.resolve("node.crt") + " --key " + security.resolve("node.key") : "") + " -c -h 127.0.0.1 -p "
        + layout.basePort();
    if (layout.redisPassword()) {
      Path password = layout.redisPasswordFile().toAbsolutePath();
      out.println("  password: " + password + "   (every node requires it: REDISCLI_AUTH=$(cat " + password
          + ") " + redisCli + ")");
    }
    if (layout.redisTls()) {
      out.println("  tls:    every node serves TLS only, with a certificate of the CA in " + security + " (a plain "
          + "client is refused)");
    }
    out.println("  spec:   " + stateDir.resolve("spec.yaml").toAbsolutePath() + "   (try: ./meridian check --spec "
        + stateDir.resolve("spec.yaml") + ")");
    String tokenHint = Files.exists(stateDir.resolve("operator-token"))
        ? "export " + LocalDeployment.OPERATOR_TOKEN_ENV + "=$(cat " + stateDir.resolve("operator-token").toAbsolutePath() + "); "
        : "(with your " + LocalDeployment.OPERATOR_TOKEN_ENV + ") ";
    java.util.List<String> apis = new java.util.ArrayList<>();
    for (int i = 0; i < regions; i++) {
      apis.add("http://127.0.0.1:" + (apiPort + i));
    }
    out.println("  status: export " + io.meridian.cli.api.ApiTargets.ENV + "=" + String.join(",", apis)
        + "; ./meridian status   (or history, status --watch)");
    out.println("  operator: " + tokenHint + "./meridian pause   (or resume, acknowledge --shard …, with "
        + io.meridian.cli.api.ApiTargets.ENV + " set)");
    out.println("  pids:   " + stateDir.resolve("pids.json").toAbsolutePath() + "   logs: "
        + stateDir.resolve("logs").toAbsolutePath());
  }
}
