package io.meridian.cli.bench;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.cli.Meridian;
import io.meridian.cli.demo.DemoSpec;
import io.meridian.cli.demo.LocalDeployment;
import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.process.MissingPrerequisiteException;
import io.meridian.runtime.process.Signals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian bench failover}: per round a fresh 3-region × 3-node cluster of real
 * redis-server processes, a cluster-mode client writing to the victim shard, one fault, and what
 * the client saw: time to its first acknowledged write after the fault, and acknowledged writes
 * missing afterwards. Each round runs under Meridian and under Redis Cluster's native failover
 * alone, interleaved, so both see the same machine.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
    description = "Measure client-observed failover under Meridian and under Redis Cluster's native failover.")
public final class FailoverBench implements Callable<Integer> {

  @Option(names = "--scenario", split = ",", defaultValue = "crash,hang,region,majority,leader",
      paramLabel = "crash|hang|region|majority|leader", description = "Faults to inject, comma-separated "
      + "(default: ${DEFAULT-VALUE}; leader is measured under Meridian only).")
  List<String> scenarios;

  @Option(names = "--rounds", defaultValue = "5", description = "Rounds per scenario and system (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--native-node-timeout", split = ",", defaultValue = "5000", paramLabel = "MS",
      description = "cluster-node-timeout of the native runs, comma-separated for several (e.g. 5000,15000; "
          + "default: ${DEFAULT-VALUE}, the reference deployment's).")
  List<Long> nativeNodeTimeouts;

  @Option(names = "--systems", split = ",", defaultValue = "meridian,native",
      paramLabel = "meridian|native|meridian-insecure|meridian-redis-tls",
      description = "Which failover to measure (default: ${DEFAULT-VALUE}); meridian-insecure is Meridian on an "
          + "unsigned plain bus, to measure what signing and bus TLS cost; meridian-redis-tls is Meridian with every "
          + "node on TLS too (clients, replication, cluster bus), as the demo runs by default.")
  List<String> systems;

  @Option(names = "--recovery-timeout", defaultValue = "30", paramLabel = "SECONDS",
      description = "Give up on a round's recovery after this long (default: ${DEFAULT-VALUE}).")
  int recoveryTimeoutSeconds;

  @Option(names = "--write-interval", defaultValue = "5", paramLabel = "MS",
      description = "Pause between the client's writes (default: ${DEFAULT-VALUE}).")
  int writeIntervalMs;

  @Option(names = "--base-port", defaultValue = "7200", description = "First Redis port (default: ${DEFAULT-VALUE}).")
  int basePort;

  @Option(names = "--api-port", defaultValue = "8180", description = "First HTTP port (default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(names = "--bus-port", defaultValue = "5801", description = "First event-bus port (default: ${DEFAULT-VALUE}).")
  int busPort;

  @Option(names = "--state-dir", defaultValue = "./.meridian-bench",
      description = "Where each round's nodes, configs and logs go (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
  Path jsonFile;

  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration WARM_UP = Duration.ofSeconds(20);
  private static final int WARM_UP_WRITES = 100;
  private static final Duration AFTER_RECOVERY = Duration.ofSeconds(2);

  private final PrintStream out = System.out;
  private volatile LocalDeployment current;
  private volatile boolean interrupted;
  private int setupRetries;

  @Override
  public Integer call() throws Exception {
    List<Scenario> chosen = new ArrayList<>();
    try {
      for (String s : scenarios) {
        chosen.add(Scenario.parse(s.trim()));
      }
      Systems.check(systems, true);
      if (rounds < 1 || rounds > 100) {
        throw new IllegalArgumentException("--rounds must be between 1 and 100, got " + rounds);
      }
      for (long t : nativeNodeTimeouts) {
        if (t < 500 || t > 120_000) {
          throw new IllegalArgumentException("--native-node-timeout must be 500 to 120000 ms, got " + t);
        }
      }
      if (recoveryTimeoutSeconds < 5 || writeIntervalMs < 1) {
        throw new IllegalArgumentException("--recovery-timeout must be at least 5 s and --write-interval at least 1 ms");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("meridian bench failover: " + e.getMessage());
      return Meridian.EXIT_USAGE;
    }
    // The client's warnings while a primary is down are the expected effect of the fault.
    io.meridian.cli.logging.LogSetup.setRootLevel("ERROR");
    io.meridian.cli.logging.LogSetup.setLevel("org.redisson", "ERROR");
    Thread hook = new Thread(() -> {
      interrupted = true;
      LocalDeployment d = current;
      if (d != null) {
        out.println("meridian bench: interrupted; stopping the round's processes...");
        d.stop(STOP_GRACE);
      }
    }, "meridian-bench-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    List<String> systemNames = new ArrayList<>();
    if (systems.contains("meridian")) {
      systemNames.add(FailoverReport.MERIDIAN);
    }
    if (systems.contains(FailoverReport.MERIDIAN_INSECURE)) {
      systemNames.add(FailoverReport.MERIDIAN_INSECURE);
    }
    if (systems.contains(FailoverReport.MERIDIAN_REDIS_TLS)) {
      systemNames.add(FailoverReport.MERIDIAN_REDIS_TLS);
    }
    if (systems.contains("native")) {
      nativeNodeTimeouts.forEach(t -> systemNames.add("native-" + t + "ms"));
    }
    out.printf("meridian bench failover: scenarios %s, %d round(s) each under %s; 3 regions x 3 nodes, fresh per "
        + "round; client writes every %d ms; state in %s%n", chosen.stream().map(Scenario::label).toList(), rounds,
        systemNames, writeIntervalMs, stateDir.toAbsolutePath());
    List<RoundResult> results = new ArrayList<>();
    long started = System.nanoTime();
    int total = chosen.stream().mapToInt(sc -> rounds * (int) systemNames.stream()
        .filter(sys -> !sc.meridianOnly() || FailoverReport.isMeridian(sys)).count()).sum();
    int done = 0;
    try {
      for (Scenario scenario : chosen) {
        for (int round = 1; round <= rounds; round++) {
          for (String system : systemNames) {
            if (scenario.meridianOnly() && !FailoverReport.isMeridian(system)) {
              continue;
            }
            done++;
            out.printf("[%s] %d/%d %s round %d/%d, failover by %s: ", LocalTime.now().truncatedTo(ChronoUnit.SECONDS),
                done, total, scenario.label(), round, rounds, system);
            out.flush();
            RoundResult r;
            try {
              r = runRound(scenario, system, round);
            } catch (SetupFailed e) {
              // Not a measurement: the fresh cluster did not come up. Said in full, counted, tried once more.
              setupRetries++;
              out.printf("the round's cluster did not start: %s%n  starting it again: ", e.getMessage());
              out.flush();
              r = runRound(scenario, system, round);
            }
            results.add(r);
            if (scenario == Scenario.LEADER) {
              out.printf("new leader %s%n", r.recoveryMs().isPresent() ? "after " + r.recoveryMs().getAsLong() + " ms"
                  : "none within " + recoveryTimeoutSeconds + " s");
              continue;
            }
            out.printf("recovery %s, %d writes acknowledged, lost %s%n",
                r.recoveryMs().isPresent() ? r.recoveryMs().getAsLong() + " ms" : "none within "
                    + recoveryTimeoutSeconds + " s", r.acknowledged(),
                r.lost().isPresent() ? Long.toString(r.lost().getAsLong()) : "n/a (shard never came back)");
          }
        }
      }
    } catch (IllegalArgumentException | MissingPrerequisiteException | ConfigException e) {
      System.err.println("meridian bench failover: " + e.getMessage());
      return Meridian.EXIT_USAGE;
    } catch (Exception e) {
      System.err.println("meridian bench failover: round failed: " + e
          + (e.getCause() == null ? "" : " (cause: " + e.getCause() + ")") + "; the round's logs are in " + stateDir);
      return Meridian.EXIT_FAILED;
    } finally {
      if (!interrupted) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
    FailoverReport report = new FailoverReport(results, TimeUnit.SECONDS.toMillis(recoveryTimeoutSeconds));
    out.println();
    out.print(report.table());
    out.println("Targets:");
    out.print(report.targetsText());
    out.printf("meridian bench failover: %d round(s) in %.0f s%s%n", results.size(), (System.nanoTime() - started) / 1e9,
        setupRetries == 0 ? "" : ", " + setupRetries + " round(s) started again after their cluster did not start");
    JsonObject json = report.json(new JsonObject().put("rounds", rounds).put("writeIntervalMs", writeIntervalMs)
        .put("recoveryTimeoutSeconds", recoveryTimeoutSeconds).put("nativeNodeTimeoutsMs", new JsonArray(nativeNodeTimeouts))
        .put("meridianNodeTimeoutMs", DemoSpec.NODE_TIMEOUT.toMillis()).put("setupRetries", setupRetries).put("regions", 3).put("nodesPerRegion", 3));
    if (jsonFile != null) {
      Files.writeString(jsonFile, json.encodePrettily() + "\n");
      out.println("results written to " + jsonFile.toAbsolutePath());
    }
    return 0;
  }

  private RoundResult runRound(Scenario scenario, String system, int round) throws Exception {
    boolean meridian = FailoverReport.isMeridian(system);
    Duration nodeTimeout = meridian ? DemoSpec.NODE_TIMEOUT
        : Duration.ofMillis(Long.parseLong(system.substring("native-".length(), system.length() - 2)));
    // Every round keeps its logs (a slow round is looked into afterwards); its node data go.
    Path dir = stateDir.resolve(scenario.label() + "-" + system).resolve("round-" + round);
    LocalDeployment.wipe(dir);
    Files.createDirectories(dir);
    try (PrintStream log = new PrintStream(Files.newOutputStream(dir.resolve("round.log")), true)) {
      LocalDeployment deployment = new LocalDeployment(new LocalDeployment.Layout(scenario.topology(), 3, 3, basePort,
          apiPort, busPort, dir, meridian ? LocalDeployment.Failover.MERIDIAN : LocalDeployment.Failover.REDIS_ALONE,
          nodeTimeout, java.util.Optional.empty(), meridian, io.meridian.cli.demo.RegionHosts.loopback(),
          // No Redis password: the bench's own clients are the only ones, on loopback.
          !system.equals(FailoverReport.MERIDIAN_INSECURE), false, system.equals(FailoverReport.MERIDIAN_REDIS_TLS)),
          log);
      current = deployment;
      try {
        try {
          deployment.prepare();
          deployment.start();
        } catch (IllegalStateException e) {
          if (interrupted) {
            throw e;
          }
          throw new SetupFailed(e.getMessage(), e);
        }
        if (interrupted) {
          throw new IllegalStateException("interrupted");
        }
        if (meridian) {
          awaitLeader(deployment);
        }
        if (scenario == Scenario.LEADER) {
          return new RoundResult(scenario, system, round, leaderHandover(deployment, log), 0, OptionalLong.empty());
        }
        Victim victim = victim(deployment);
        log.printf("victim: %s in %s (slot %d), key tag %s%n", victim.address(), victim.region(), victim.slot(),
            victim.tag());
        if (meridian) {
          JsonObject leader = deployment.get(deployment.layout().coordinatorPort(0), "/api/v1/leader");
          log.printf("leader before the fault: %s%n", leader == null ? "unknown" : leader.getString("leader") + " in "
              + leader.getString("region") + ", term " + leader.getLong("term"));
        }
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          seeds.add(deployment.layout().address(i, 0));
        }
        try (ShardWriter writer = new ShardWriter(seeds, victim.tag(), Duration.ofMillis(writeIntervalMs),
            deployment.spec().auth())) {
          awaitWrites(writer);
          long faultAt = System.nanoTime();
          java.time.Instant injectedAt = java.time.Instant.now();
          writer.faultAt(faultAt);
          inject(scenario, deployment, victim);
          writer.faultEffectiveAt(awaitFaultEffective(scenario, deployment, victim));
          log.printf("fault injected: %s at %s (to line up with the logs)%n", scenario.fault(), injectedAt);
          OptionalLong recovery = writer.awaitRecovery(Duration.ofSeconds(recoveryTimeoutSeconds), () -> interrupted);
          log.printf("client: %s%n", writer.sinceFault());
          OptionalLong lost = OptionalLong.empty();
          if (recovery.isPresent()) {
            // Writes continue a while after recovery: a later rollback would lose them too.
            parkUntil(System.nanoTime() + AFTER_RECOVERY.toNanos());
            lost = OptionalLong.of(writer.stopAndCountLost());
          } else {
            writer.stopWriting();
          }
          if (scenario == Scenario.HANG) {
            Signals.send(victim.pid(), "CONT");
          }
          return new RoundResult(scenario, system, round, recovery, writer.acknowledgedCount(), lost);
        }
      } finally {
        deployment.stop(STOP_GRACE);
        current = null;
        keepRedisLogs(dir);
        LocalDeployment.wipe(dir.resolve("redis"));
      }
    }
  }

  /** Moves each node's redis.log next to the round's other logs before its data directory goes. */
  private static void keepRedisLogs(Path dir) throws IOException {
    Path redis = dir.resolve("redis");
    if (!Files.isDirectory(redis)) {
      return;
    }
    Path logs = Files.createDirectories(dir.resolve("logs"));
    try (var nodes = Files.list(redis)) {
      for (Path node : nodes.toList()) {
        Path log = node.resolve("redis.log");
        if (Files.exists(log)) {
          Files.move(log, logs.resolve("redis-" + node.getFileName() + ".log"),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /**
   * Kills the leader coordinator with SIGKILL and returns how long until a surviving coordinator
   * reports a new leader with a higher term (it announces only once it holds the lock, so it can act).
   */
  private OptionalLong leaderHandover(LocalDeployment deployment, PrintStream log) {
    JsonObject leader = deployment.get(deployment.layout().coordinatorPort(0), "/api/v1/leader");
    String region = leader.getString("region");
    long term = leader.getLong("term");
    int survivor = DemoSpec.regionName(0).equals(region) ? 1 : 0;
    long pid = deployment.coordinatorPid(region).orElseThrow();
    long killedAt = System.nanoTime();
    Signals.send(pid, "KILL");
    log.printf("killed leader %s (term %d, pid %d) at %s%n", leader.getString("leader"), term, pid,
        java.time.Instant.now());
    long deadline = killedAt + TimeUnit.SECONDS.toNanos(recoveryTimeoutSeconds);
    while (System.nanoTime() < deadline && !interrupted) {
      JsonObject next = deployment.get(deployment.layout().coordinatorPort(survivor), "/api/v1/leader");
      if (next != null && next.getString("leader") != null && next.getLong("term") > term) {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        log.printf("new leader %s (term %d) after %d ms%n", next.getString("leader"), next.getLong("term"), ms);
        return OptionalLong.of(ms);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return OptionalLong.empty();
  }

  /** The primary of the first region owning the lowest slot, and a hash tag that maps into its slots. */
  record Victim(String address, String region, long pid, int slot, String tag) {
  }

  private static Victim victim(LocalDeployment deployment) {
    LocalDeployment.Layout layout = deployment.layout();
    String region = DemoSpec.regionName(0);
    List<String> regionNodes = List.of(layout.address(0, 0), layout.address(0, 1), layout.address(0, 2));
    try (NodeAdmin admin = new NodeAdmin(layout.address(1, 0), deployment.spec().auth(), Duration.ofSeconds(3))) {
      ClusterNodesReply.Entry primary = ClusterNodesReply.parse(admin.clusterNodes()).entries().stream()
          .filter(e -> e.isPrimary() && e.slotCount() > 0 && regionNodes.contains(e.address()))
          .min(Comparator.comparingInt(e -> e.slots().get(0)[0]))
          .orElseThrow(() -> new IllegalStateException("no primary with slots in " + region));
      int[] range = primary.slots().get(0);
      for (int i = 0; i < 100_000; i++) {
        int slot = Integer.parseInt(admin.call("CLUSTER", "KEYSLOT", "t" + i));
        if (slot >= range[0] && slot <= range[1]) {
          long pid = deployment.redisPids(region).get(regionNodes.indexOf(primary.address()));
          return new Victim(primary.address(), region, pid, slot, "t" + i);
        }
      }
      throw new IllegalStateException("no hash tag maps into slots " + range[0] + "-" + range[1]);
    }
  }

  private void inject(Scenario scenario, LocalDeployment deployment, Victim victim) {
    switch (scenario) {
      case CRASH -> Signals.send(victim.pid(), "KILL");
      case HANG -> Signals.send(victim.pid(), "STOP");
      case REGION, MAJORITY -> {
        deployment.redisPids(victim.region()).forEach(pid -> Signals.send(pid, "KILL"));
        deployment.agentPid(victim.region()).ifPresent(pid -> Signals.send(pid, "KILL"));
        deployment.coordinatorPid(victim.region()).ifPresent(pid -> Signals.send(pid, "KILL"));
      }
    }
  }

  private void parkUntil(long deadline) {
    while (System.nanoTime() < deadline && !interrupted) {
      LockSupport.parkNanos(Math.min(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(50)));
    }
  }

  /** Waits until the signalled processes are gone (or, for a hang, stopped); returns when. */
  private static long awaitFaultEffective(Scenario scenario, LocalDeployment deployment, Victim victim) {
    List<Long> pids = scenario.killsRegion() ? deployment.redisPids(victim.region()) : List.of(victim.pid());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      boolean effective = pids.stream().allMatch(pid -> scenario == Scenario.HANG ? stopped(pid)
          : ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
      if (effective) {
        return System.nanoTime();
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    throw new IllegalStateException("the fault did not take effect within 5 s on pid(s) " + pids);
  }

  /** Linux: the process state in /proc/PID/stat is T (stopped by a signal). */
  private static boolean stopped(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
    } catch (IOException e) {
      return false;
    }
  }

  private void awaitWrites(ShardWriter writer) {
    long deadline = System.nanoTime() + WARM_UP.toNanos();
    while (writer.acknowledgedCount() < WARM_UP_WRITES) {
      if (System.nanoTime() > deadline || interrupted) {
        throw new IllegalStateException("the client had only " + writer.acknowledgedCount() + " writes acknowledged "
            + "after " + WARM_UP.toSeconds() + " s, before any fault (" + writer.failures() + " failed)");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private void awaitLeader(LocalDeployment deployment) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && !interrupted) {
      JsonObject leader = deployment.get(deployment.layout().coordinatorPort(0), "/api/v1/leader");
      if (leader != null && leader.getString("leader") != null) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    throw new IllegalStateException("no leader was elected within 60 s");
  }

  /** A round's fresh cluster did not come up: nothing was measured. */
  private static final class SetupFailed extends RuntimeException {
    SetupFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
