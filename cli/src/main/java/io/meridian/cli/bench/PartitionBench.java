package io.meridian.cli.bench;

import io.meridian.cli.Meridian;
import io.meridian.runtime.spec.TopologyKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian bench partition}: real partitions between regions (network namespaces, a region's
 * link to the others taken down; its own nodes keep talking), with a client on each side, under
 * Meridian and under Redis Cluster's native failover (node timeout 5 s) in the same run.
 */
@Command(name = "partition", mixinStandardHelpOptions = true,
    description = "Cut regions off for real (network namespaces; needs root) under Meridian and native Redis "
        + "Cluster, with writers on both sides; print what each side lost and how long the majority waited.")
public final class PartitionBench implements Callable<Integer> {

  /** The scenarios, in the order they run. */
  enum Cut {
    REGION("a region without the leader"), LEADER("the leader's region"), TWICE("the same region twice"),
    ROLLING("three regions one after another"), BLIP("a 2 s blip"),
    REDIS_PATH("a region's Redis cut, its bus not"), RELIABILITY("reliability: region-1 (every primary)");

    final String description;

    Cut(String description) {
      this.description = description;
    }

    static Cut parse(String text) {
      for (Cut s : values()) {
        if (s.name().toLowerCase(Locale.ROOT).equals(text)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown scenario '" + text + "'; use region, leader, twice, rolling, blip, "
          + "redis_path or reliability");
    }
  }

  static final Duration BLIP = Duration.ofSeconds(2);

  @Option(names = "--scenario", split = ",", defaultValue = "region,leader,twice,rolling,blip,redis_path,reliability",
      paramLabel = "NAME", description = "Scenarios, comma-separated (default: ${DEFAULT-VALUE}).")
  List<String> scenarios;

  @Option(names = "--systems", split = ",", defaultValue = "meridian,native", paramLabel = "meridian|native",
      description = "Which failover to measure (default: ${DEFAULT-VALUE}).")
  List<String> systems;

  @Option(names = "--cut", defaultValue = "20", paramLabel = "SECONDS",
      description = "How long each cut lasts, except the blip (default: ${DEFAULT-VALUE}; above 15 s a cut-off "
          + "coordinator loses its CP identity and must rejoin).")
  int cutSeconds;

  @Option(names = "--state-dir", defaultValue = "./.meridian-bench-partition",
      description = "Where nodes, configs, logs and each cut's acknowledgements go (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
  Path jsonFile;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    List<Cut> chosen = new ArrayList<>();
    try {
      for (String s : scenarios) {
        chosen.add(Cut.parse(s.trim()));
      }
      Systems.check(systems, false);
      if (cutSeconds < 3 || cutSeconds > 300) {
        throw new IllegalArgumentException("--cut must be 3 to 300 seconds, got " + cutSeconds);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("meridian bench partition: " + e.getMessage());
      return Meridian.EXIT_USAGE;
    }
    io.meridian.cli.logging.LogSetup.setRootLevel("ERROR");
    io.meridian.cli.logging.LogSetup.setLevel("org.redisson", "ERROR");
    io.meridian.cli.logging.LogSetup.setLevel("io.meridian.runtime.netlab", "INFO");
    Files.createDirectories(stateDir);
    out.printf("meridian bench partition: %s under %s; 3 regions x 3 nodes in network namespaces, cuts of %d s, "
        + "writers every %d ms on both sides; logs in %s%n", chosen, systems, cutSeconds,
        CutRun.WRITE_INTERVAL.toMillis(), stateDir.toAbsolutePath());
    List<CutRun.Result> results = new ArrayList<>();
    // Ctrl-C or SIGTERM: the cluster's own hooks end its processes and remove the namespaces; the
    // cut under way then fails on its missing namespaces, which is no error worth a stack trace.
    AtomicBoolean interrupted = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      interrupted.set(true);
      out.println("meridian bench partition: interrupted; stopping every process of the run and removing its "
          + "namespaces");
    }, "bench-partition-interrupted");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      for (String system : systems) {
        boolean meridian = system.equals("meridian");
        List<Cut> performance = chosen.stream().filter(s -> s != Cut.RELIABILITY).toList();
        if (!performance.isEmpty()) {
          results.addAll(run(TopologyKind.PERFORMANCE, meridian, performance));
        }
        if (chosen.contains(Cut.RELIABILITY)) {
          results.addAll(run(TopologyKind.RELIABILITY, meridian, List.of(Cut.RELIABILITY)));
        }
      }
    } catch (Exception e) {
      if (interrupted.get()) {
        return 130;
      }
      throw e;
    } finally {
      if (!interrupted.get()) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
    out.println();
    out.print(PartitionReport.table(results));
    out.println();
    out.print(PartitionReport.targets(results));
    if (jsonFile != null) {
      JsonArray json = new JsonArray();
      results.forEach(r -> json.add(PartitionReport.json(r)));
      Files.writeString(jsonFile, new JsonObject().put("cutSeconds", cutSeconds).put("results", json).encodePrettily());
      out.println("results written to " + jsonFile);
    }
    return 0;
  }

  private List<CutRun.Result> run(TopologyKind topology, boolean meridian, List<Cut> chosen) throws Exception {
    String system = meridian ? "meridian" : "native";
    Path dir = stateDir.resolve(system + "-" + topology.label());
    Files.createDirectories(stateDir);
    Path deployLog = stateDir.resolve(system + "-" + topology.label() + ".log");
    out.printf("%n== %s, %s: starting the cluster (progress in %s)%n", system, topology.label(), deployLog);
    List<CutRun.Result> results = new ArrayList<>();
    try (PrintStream log = new PrintStream(Files.newOutputStream(deployLog), true);
        PartitionCluster cluster = PartitionCluster.start(topology, meridian, dir.resolve("cluster"), log)) {
      List<String> original = cluster.primaries(0).stream().map(e -> e.address()).toList();
      Duration cut = Duration.ofSeconds(cutSeconds);
      int n = 0;
      for (Cut s : chosen) {
        int leader = cluster.leaderRegion(0).orElse(0);
        int other = leader == 1 ? 2 : 1;
        Path at = dir.resolve("cut-" + (++n) + "-" + s.name().toLowerCase(Locale.ROOT));
        switch (s) {
          case REGION -> results.add(CutRun.cut(cluster, s.description, other, cut, at, out));
          case LEADER -> results.add(CutRun.cut(cluster, s.description + (meridian ? "" : " (none: region-1)"),
              meridian ? leader : 0, cut, at, out));
          case TWICE -> {
            results.add(CutRun.cut(cluster, s.description + ", first", other, cut, at.resolve("first"), out));
            results.add(CutRun.cut(cluster, s.description + ", again", other, cut, at.resolve("again"), out));
          }
          case ROLLING -> {
            for (int r = 0; r < cluster.regions(); r++) {
              results.add(CutRun.cut(cluster, s.description + ", region-" + (r + 1), r, cut, at.resolve("r" + r), out));
              cluster.restore(original);
            }
          }
          case BLIP -> results.add(CutRun.cut(cluster, s.description, other, BLIP, at, out));
          case REDIS_PATH -> results.add(CutRun.cut(cluster, s.description, other, cut, true, at, out));
          case RELIABILITY -> results.add(CutRun.cut(cluster, s.description, 0, cut, at, out));
        }
        cluster.restore(original);
      }
    }
    out.printf("== %s, %s: every process stopped, namespaces removed%n", system, topology.label());
    return results;
  }

}
