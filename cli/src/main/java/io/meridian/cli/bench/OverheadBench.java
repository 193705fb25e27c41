package io.meridian.cli.bench;

import io.meridian.cli.Meridian;
import io.meridian.cli.demo.DemoFiles;
import io.meridian.cli.demo.LocalDeployment;
import io.meridian.messages.Addresses;
import io.meridian.runtime.bus.BusConfig;
import io.meridian.runtime.bus.ClusteredVertx;
import io.meridian.runtime.process.MissingPrerequisiteException;
import io.meridian.runtime.process.RedisBinary;
import io.meridian.runtime.process.RedisServerProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian bench overhead}: {@code redis-benchmark} throughput against one redis-server
 * with and without a real agent process probing it at its normal rate, alternating in each round
 * (without-with, then with-without) so that drift of the machine falls on both sides.
 */
@Command(name = "overhead", mixinStandardHelpOptions = true,
    description = "Measure what an agent probing a node costs that node's throughput (redis-benchmark).")
public final class OverheadBench implements Callable<Integer> {

  @Option(names = "--rounds", defaultValue = "5", description = "Pairs of runs (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--requests", defaultValue = "200000",
      description = "redis-benchmark -n per run (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--clients", defaultValue = "50", description = "redis-benchmark -c (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--tests", defaultValue = "set,get", description = "redis-benchmark -t (default: ${DEFAULT-VALUE}).")
  String tests;

  @Option(names = "--port", defaultValue = "7300", description = "Redis port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--agent-port", defaultValue = "8300",
      description = "The agent's HTTP port; the event bus uses the next two (default: ${DEFAULT-VALUE}).")
  int agentPort;

  @Option(names = "--state-dir", defaultValue = "./.meridian-bench/overhead",
      description = "Node data, agent config and log (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
  Path jsonFile;

  @Option(names = "--probe-interval", defaultValue = "250", paramLabel = "MS",
      description = "The agent's probe.interval, 50 to 10000 (default: ${DEFAULT-VALUE}, the demo's and the default).")
  int probeIntervalMs;

  /** The bound: the agent must cost the node less than this share of its throughput. */
  static final double TARGET_PERCENT = 1.0;
  private static final Duration AGENT_WARM_UP = Duration.ofSeconds(15);
  /** How long the idle node's CPU is read, with the agent probing it and without. */
  private static final Duration IDLE_WINDOW = Duration.ofSeconds(5);

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1 || rounds > 50 || requests < 1000 || clients < 1 || probeIntervalMs < 50
        || probeIntervalMs > 10_000) {
      System.err.println("meridian bench overhead: --rounds must be 1-50, --requests at least 1000, --clients at least 1,"
          + " --probe-interval 50-10000 ms");
      return Meridian.EXIT_USAGE;
    }
    Path benchmark = Path.of("/usr/bin/redis-benchmark");
    RedisBinary redis;
    try {
      redis = RedisBinary.locate();
      benchmark = redis.path().resolveSibling("redis-benchmark");
      if (!Files.isExecutable(benchmark)) {
        throw new MissingPrerequisiteException("redis-benchmark not found next to " + redis.path()
            + "; install Debian's redis-tools package (apt-get install redis-tools)");
      }
    } catch (MissingPrerequisiteException e) {
      System.err.println("meridian bench overhead: " + e.getMessage());
      return Meridian.EXIT_USAGE;
    }
    io.meridian.cli.logging.LogSetup.setRootLevel("WARN");
    LocalDeployment.wipe(stateDir);
    Files.createDirectories(stateDir);
    String node = "127.0.0.1:" + port;
    String busName = "meridian-bench-overhead-" + port;
    int busPort = agentPort + 1;
    RedisServerProcess server = RedisServerProcess.start(redis, stateDir.resolve("redis"), port, Map.of(),
        Duration.ofSeconds(10));
    Vertx bus = null;
    Process agent = null;
    Thread hook = new Thread(server::kill, "meridian-bench-overhead-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      // The bench hosts the event bus (agents are lite members and need a data member) and counts
      // the agent's reports, which proves the agent is probing during the "with" runs.
      Path security = io.meridian.cli.security.DevSecurity.ensure(stateDir.resolve("security"), List.of());
      bus = ClusteredVertx.start(io.meridian.cli.security.DevSecurity.bus(security, busName, "127.0.0.1", busPort,
              List.of("127.0.0.1:" + busPort)), false)
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      AtomicLong reports = new AtomicLong();
      bus.eventBus().consumer(Addresses.health("region-1"), m -> reports.incrementAndGet());
      Path config = stateDir.resolve("agent.yaml");
      // Signed and on TLS as in production: the agent's cost includes signing and encrypting its reports.
      Files.writeString(config, DemoFiles.agentYaml("region-1", "127.0.0.1", List.of(node), agentPort, busName, busPort + 1,
          List.of("127.0.0.1:" + busPort), 0, probeIntervalMs, java.util.Optional.of(security),
          java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty()));
      out.printf("meridian bench overhead: redis-server %s on %s, redis-benchmark -t %s -n %d -c %d, %d round(s) "
          + "of a run without and a run with an agent probing every %d ms%n", redis.version(), node, tests, requests,
          clients, rounds, probeIntervalMs);
      Map<String, List<double[]>> byTest = new java.util.LinkedHashMap<>();
      // The node's own CPU per request, with and without the agent's probes, and the agent's CPU:
      // on a host the benchmark client shares, throughput also moves with every other process.
      List<double[]> nodeCpu = new ArrayList<>();
      List<Double> agentCpu = new ArrayList<>();
      // The idle node's CPU with the agent probing it and without, in percent of a core: what
      // answering the probes takes from redis-server's one command thread, free of the
      // benchmark's noise (redis-benchmark moves by ±15% between runs on a shared 2-core VM).
      List<Double> probeShare = new ArrayList<>();
      int testCount = tests.split(",").length;
      for (int round = 1; round <= rounds; round++) {
        boolean agentFirst = round % 2 == 0;
        Map<String, Double> without = null;
        Map<String, Double> with = null;
        double[] cpuPerRequest = new double[2];
        double[] idleCpu = new double[2];
        for (int phase = 0; phase < 2; phase++) {
          boolean withAgent = (phase == 0) == agentFirst;
          if (withAgent) {
            agent = startAgent(config, stateDir.resolve("agent.log"));
            awaitReports(reports, agent);
            // Reports and CPU are both counted over the idle window and the run together: an
            // unchanged node is reported once a second, and a short run alone could fall between
            // two reports or within one 10 ms tick of /proc's accounting.
            long before = reports.get();
            long agentTicks = ProcStat.cpuTicks(agent.pid());
            long agentSince = System.nanoTime();
            idleCpu[1] = idleNodeCpuPercent(node);
            double cpu = nodeCpuSeconds(node);
            with = runBenchmark(benchmark);
            double wall = (System.nanoTime() - agentSince) / 1e9;
            cpuPerRequest[1] = (nodeCpuSeconds(node) - cpu) / ((double) requests * testCount) * 1e6;
            agentCpu.add((ProcStat.cpuTicks(agent.pid()) - agentTicks) / (double) ProcStat.TICKS_PER_SECOND / wall * 100);
            long seen = reports.get() - before;
            stopAgent(agent);
            agent = null;
            if (seen == 0) {
              throw new IllegalStateException("the agent sent no report while it was measured: it was not probing");
            }
          } else {
            idleCpu[0] = idleNodeCpuPercent(node);
            double cpu = nodeCpuSeconds(node);
            without = runBenchmark(benchmark);
            cpuPerRequest[0] = (nodeCpuSeconds(node) - cpu) / ((double) requests * testCount) * 1e6;
          }
        }
        nodeCpu.add(cpuPerRequest);
        probeShare.add(idleCpu[1] - idleCpu[0]);
        out.printf("round %d/%d idle node CPU without agent %.3f%% of a core, with agent probing %.3f%% (the probes: "
            + "%+.3f%%)%n", round, rounds, idleCpu[0], idleCpu[1], idleCpu[1] - idleCpu[0]);
        out.printf("round %d/%d node CPU per request without agent %.2f us, with agent %.2f us (%+.2f%%); the agent "
            + "used %.1f%% of a core%n", round, rounds, cpuPerRequest[0], cpuPerRequest[1],
            (cpuPerRequest[1] / cpuPerRequest[0] - 1) * 100, agentCpu.get(agentCpu.size() - 1));
        for (Map.Entry<String, Double> e : without.entrySet()) {
          Double w = with.get(e.getKey());
          byTest.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[] {e.getValue(), w});
          out.printf("round %d/%d %-4s without agent %,10.0f req/s, with agent %,10.0f req/s (%+.2f%%)%n", round, rounds,
              e.getKey(), e.getValue(), w, (w / e.getValue() - 1) * 100);
        }
      }
      out.println();
      out.printf("%-5s %18s %18s %10s  %s%n", "test", "median without", "median with", "cost", "95% interval (paired rounds)");
      JsonArray summary = new JsonArray();
      List<PairedCost.Verdict> verdicts = new ArrayList<>();
      for (Map.Entry<String, List<double[]>> e : byTest.entrySet()) {
        double without = median(e.getValue().stream().mapToDouble(v -> v[0]).toArray());
        double with = median(e.getValue().stream().mapToDouble(v -> v[1]).toArray());
        PairedCost cost = PairedCost.of(e.getValue(), false, e.getKey().hashCode());
        verdicts.add(cost.against(TARGET_PERCENT));
        out.printf("%-5s %,14.0f r/s %,14.0f r/s %9.2f%%  [%.2f%%, %.2f%%]%n", e.getKey(), without, with, cost.median(),
            cost.low(), cost.high());
        summary.add(new JsonObject().put("test", e.getKey()).put("medianWithoutRps", without)
            .put("medianWithRps", with).put("costPercent", cost.median()).put("costLowPercent", cost.low())
            .put("costHighPercent", cost.high()));
      }
      double cpuWithout = median(nodeCpu.stream().mapToDouble(v -> v[0]).toArray());
      double cpuWith = median(nodeCpu.stream().mapToDouble(v -> v[1]).toArray());
      PairedCost cpuCost = PairedCost.of(nodeCpu, true, 0);
      double agentCore = median(agentCpu.stream().mapToDouble(Double::doubleValue).toArray());
      out.printf("node  %11.2f us/req %11.2f us/req %9.2f%%  [%.2f%%, %.2f%%] (redis-server CPU per request)%n",
          cpuWithout, cpuWith, cpuCost.median(), cpuCost.low(), cpuCost.high());
      out.printf("the agent itself used %.1f%% of one core (median over the runs with it)%n", agentCore);
      PairedCost probes = PairedCost.ofCosts(probeShare.stream().mapToDouble(Double::doubleValue).toArray(), 1);
      PairedCost.Verdict probeVerdict = probes.against(TARGET_PERCENT);
      out.printf("probes %.3f%% of a core [%.3f%%, %.3f%%] (the idle node's CPU answering the agent, paired rounds)%n",
          probes.median(), probes.low(), probes.high());
      PairedCost.Verdict verdict = verdicts.contains(PairedCost.Verdict.MISSED) ? PairedCost.Verdict.MISSED
          : verdicts.contains(PairedCost.Verdict.UNRESOLVED) ? PairedCost.Verdict.UNRESOLVED : PairedCost.Verdict.MET;
      boolean met = verdict == PairedCost.Verdict.MET;
      out.printf("Target: the agent costs the node less than %.0f%% of its throughput: %s%n", TARGET_PERCENT,
          switch (verdict) {
            case MET -> "met (the whole 95% interval is below it)";
            case MISSED -> "MISSED (the whole 95% interval is at or above it)";
            case UNRESOLVED -> "NOT SHOWN: this machine's noise spans the target (see the intervals); run more "
                + "--rounds on a quieter machine";
          });
      // redis-server runs commands on one thread: the share of it the probes take is what they can
      // take from clients when the node is saturated.
      out.printf("Target: the agent's probes take less than %.0f%% of the node's command thread: %s%n", TARGET_PERCENT,
          switch (probeVerdict) {
            case MET -> "met (the whole 95% interval is below it)";
            case MISSED -> "MISSED (the whole 95% interval is at or above it)";
            case UNRESOLVED -> "NOT SHOWN (the 95% interval spans it)";
          });
      if (jsonFile != null) {
        Files.writeString(jsonFile, new JsonObject().put("rounds", rounds).put("probeIntervalMs", probeIntervalMs).put("requests", requests)
            .put("clients", clients).put("summary", summary).put("targetMet", met)
            .put("verdict", verdict.name().toLowerCase(java.util.Locale.ROOT))
            .put("nodeCpuMicrosPerRequest", new JsonObject().put("without", cpuWithout).put("with", cpuWith)
                .put("costPercent", cpuCost.median()).put("costLowPercent", cpuCost.low())
                .put("costHighPercent", cpuCost.high()))
            .put("agentCpuPercentOfCore", agentCore)
            .put("probeCpuPercentOfCore", new JsonObject().put("median", probes.median()).put("low", probes.low())
                .put("high", probes.high()).put("verdict", probeVerdict.name().toLowerCase(java.util.Locale.ROOT)))
            .encodePrettily() + "\n");
        out.println("results written to " + jsonFile.toAbsolutePath());
      }
      return 0;
    } catch (IllegalStateException | IOException e) {
      System.err.println("meridian bench overhead: " + e.getMessage() + " (logs in " + stateDir + ")");
      return Meridian.EXIT_FAILED;
    } finally {
      if (agent != null) {
        stopAgent(agent);
      }
      if (bus != null) {
        bus.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      server.stop(Duration.ofSeconds(5));
      Runtime.getRuntime().removeShutdownHook(hook);
    }
  }

  /** The node's CPU over {@link #IDLE_WINDOW} while no benchmark runs, in percent of a core. */
  private static double idleNodeCpuPercent(String node) throws InterruptedException {
    double cpu = nodeCpuSeconds(node);
    long t0 = System.nanoTime();
    Thread.sleep(IDLE_WINDOW.toMillis()); // a measuring window, not a wait for a condition
    return (nodeCpuSeconds(node) - cpu) / ((System.nanoTime() - t0) / 1e9) * 100;
  }

  /** used_cpu_user + used_cpu_sys of the node, in seconds (INFO cpu). */
  private static double nodeCpuSeconds(String node) {
    try (io.meridian.agent.admin.NodeAdmin admin = new io.meridian.agent.admin.NodeAdmin(node,
        io.meridian.runtime.config.RedisAuth.none(), Duration.ofSeconds(5))) {
      io.meridian.agent.redis.InfoText info = io.meridian.agent.redis.InfoText.parse(admin.info("cpu"));
      return Double.parseDouble(info.get("used_cpu_user").orElse("0"))
          + Double.parseDouble(info.get("used_cpu_sys").orElse("0"));
    }
  }

  static double median(double[] values) {
    return PairedCost.median(values);
  }

  private Process startAgent(Path config, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(io.meridian.cli.JvmOptions.agent("128m"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Meridian.class.getName(), "agent",
        "--config", config.toAbsolutePath().toString()));
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  /**
   * Waits until the agent has reported for {@link #AGENT_WARM_UP}: the cost measured is that of
   * an agent at work, not of a JVM starting (class loading and JIT take a core for seconds).
   */
  private static void awaitReports(AtomicLong reports, Process agent) {
    long start = reports.get();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long warmUntil = Long.MAX_VALUE;
    while (System.nanoTime() < warmUntil) {
      if (warmUntil == Long.MAX_VALUE && reports.get() >= start + 4) {
        warmUntil = System.nanoTime() + AGENT_WARM_UP.toNanos();
      }
      if (!agent.isAlive() || (warmUntil == Long.MAX_VALUE && System.nanoTime() > deadline)) {
        throw new IllegalStateException("the agent did not report within 60 s" + (agent.isAlive() ? "" : " (it exited)"));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  private static void stopAgent(Process agent) throws InterruptedException {
    agent.destroy();
    if (!agent.waitFor(15, TimeUnit.SECONDS)) {
      agent.destroyForcibly();
      agent.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** One redis-benchmark run; requests per second by test name. */
  private Map<String, Double> runBenchmark(Path benchmark) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(benchmark.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-t", tests,
        "-n", Integer.toString(requests), "-c", Integer.toString(clients), "--csv").redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("redis-benchmark failed: " + output.strip());
    }
    return BenchmarkCsv.requestsPerSecond(output);
  }
}
