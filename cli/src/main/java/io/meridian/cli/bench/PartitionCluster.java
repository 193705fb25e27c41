package io.meridian.cli.bench;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.agent.redis.InfoText;
import io.meridian.cli.demo.LocalDeployment;
import io.meridian.cli.demo.RegionHosts;
import io.meridian.runtime.spec.TopologyKind;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.netlab.NetLab;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A 3-region × 3-node cluster of real processes with each region in a network namespace of its
 * own ({@link NetLab}), under Meridian or under Redis Cluster's native failover alone: what the
 * partition bench and its end-to-end test cut. {@link #close} ends every process (writers, agents,
 * coordinators, Redis, by PID) and then removes the namespaces.
 */
public final class PartitionCluster implements AutoCloseable {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(2);
  /** Over twice the demo's cluster-node-timeout, the primaries' pause between two votes for a shard. */
  private static final Duration FAILOVER_ASK_AGAIN = Duration.ofSeconds(12);

  private final NetLab lab;
  private final LocalDeployment deployment;
  private final boolean meridian;
  private final PrintStream log;
  private final List<Process> writers = new ArrayList<>();
  private final Map<String, String> tags = new HashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Ctrl-C or SIGTERM to the bench: the namespaces' own hook removes them, but not the processes in them. */
  private final Thread hook = new Thread(this::close, "partition-cluster-teardown");

  private PartitionCluster(NetLab lab, LocalDeployment deployment, boolean meridian, PrintStream log) {
    this.lab = lab;
    this.deployment = deployment;
    this.meridian = meridian;
    this.log = log;
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Builds the namespaces, then starts and forms the cluster; progress goes to {@code log}. */
  public static PartitionCluster start(TopologyKind topology, boolean meridian, Path dir, PrintStream log)
      throws Exception {
    NetLab lab = NetLab.create(3);
    LocalDeployment deployment = null;
    Thread startHook = null;
    PartitionCluster cluster = null;
    try {
      LocalDeployment.wipe(dir);
      deployment = new LocalDeployment(new LocalDeployment.Layout(topology, 3, 3, 7000, 8080, 5701, dir,
          meridian ? LocalDeployment.Failover.MERIDIAN : LocalDeployment.Failover.REDIS_ALONE,
          // No Redis password: the bench's own writers are the only clients, in namespaces it made.
          io.meridian.cli.demo.DemoSpec.NODE_TIMEOUT, Optional.empty(), meridian, RegionHosts.of(lab), true, false), log);
      deployment.prepare();
      LocalDeployment starting = deployment;
      // Interrupted while it starts: end what already runs, by PID.
      startHook = new Thread(() -> starting.stop(Duration.ofSeconds(5)), "partition-cluster-start-teardown");
      Runtime.getRuntime().addShutdownHook(startHook);
      deployment.start();
      cluster = new PartitionCluster(lab, deployment, meridian, log);
      removeHook(startHook);
      startHook = null;
      cluster.awaitSettled(Duration.ofSeconds(90));
      return cluster;
    } catch (Exception | Error e) {
      if (cluster != null) {
        cluster.close();
      } else {
        if (startHook != null) {
          removeHook(startHook);
        }
        if (deployment != null) {
          deployment.stop(Duration.ofSeconds(5));
        }
        lab.close();
      }
      throw e;
    }
  }

  public NetLab lab() {
    return lab;
  }

  public boolean meridian() {
    return meridian;
  }

  public int regions() {
    return lab.regions();
  }

  /** Node {@code j} of region {@code i}. */
  public String node(int region, int node) {
    return deployment.layout().address(region, node);
  }

  /** Every node's client and cluster-bus ports, in iptables multiport syntax. */
  public String redisPorts() {
    int first = deployment.layout().basePort();
    int last = first + regions() * 3 - 1;
    return first + ":" + last + "," + (first + 10_000) + ":" + (last + 10_000);
  }

  public List<String> nodes(int region) {
    return List.of(node(region, 0), node(region, 1), node(region, 2));
  }

  /** The region a node's address is in. */
  public int regionOf(String address) {
    for (int i = 0; i < regions(); i++) {
      if (address.startsWith(lab.host(i) + ":")) {
        return i;
      }
    }
    throw new IllegalArgumentException("no region has " + address);
  }

  /** CLUSTER NODES as a node of region {@code from} sees it. */
  public ClusterNodesReply topology(int from) {
    RuntimeException last = null;
    for (String node : nodes(from)) {
      try (NodeAdmin admin = new NodeAdmin(node, RedisAuth.none(), ADMIN_TIMEOUT)) {
        return ClusterNodesReply.parse(admin.clusterNodes());
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw new IllegalStateException("no node of region-" + (from + 1) + " answers CLUSTER NODES", last);
  }

  /** The primaries with slots, by address. */
  public List<ClusterNodesReply.Entry> primaries(int from) {
    return topology(from).entries().stream().filter(e -> e.isPrimary() && e.slotCount() > 0).toList();
  }

  /** A hash tag whose slot the primary {@code e} owns (asked of Redis, remembered per range). */
  public String tag(ClusterNodesReply.Entry e) {
    int[] range = e.slots().get(0);
    return tags.computeIfAbsent(range[0] + "-" + range[1], r -> {
      try (NodeAdmin admin = new NodeAdmin(e.address(), RedisAuth.none(), ADMIN_TIMEOUT)) {
        for (int i = 0; i < 100_000; i++) {
          int slot = Integer.parseInt(admin.call("CLUSTER", "KEYSLOT", "t" + i));
          if (slot >= range[0] && slot <= range[1]) {
            return "t" + i;
          }
        }
      }
      throw new IllegalStateException("no hash tag maps into slots " + r);
    });
  }

  /** The leader as region {@code i}'s coordinator knows it (its /api/v1/leader), if it answers. */
  public Optional<JsonObject> leader(int region) {
    if (!meridian) {
      return Optional.empty();
    }
    return Optional.ofNullable(deployment.get(deployment.layout().coordinatorUrl(region), "/api/v1/leader"));
  }

  /** Region {@code i}'s coordinator's decision and command history (its /api/v1/history), if it answers. */
  public Optional<JsonObject> history(int region) {
    if (!meridian) {
      return Optional.empty();
    }
    return Optional.ofNullable(deployment.get(deployment.layout().coordinatorUrl(region), "/api/v1/history"));
  }

  /** The leader's region index, as region {@code asked}'s coordinator knows it. */
  public Optional<Integer> leaderRegion(int asked) {
    return leader(asked).map(l -> l.getString("region")).map(r -> Integer.parseInt(r.substring("region-".length())) - 1);
  }

  /** How many coordinators say they sit in the CP group. */
  public int cpMembers() {
    int members = 0;
    for (int i = 0; i < regions(); i++) {
      if (leader(i).map(l -> l.getBoolean("cpMember", false)).orElse(false)) {
        members++;
      }
    }
    return members;
  }

  /**
   * Waits until every node answers, the cluster state is ok everywhere, every replica's link is
   * up and, with Meridian, a leader is known and every coordinator is in the CP group.
   */
  public void awaitSettled(Duration timeout) {
    await("the cluster to settle", timeout, () -> {
      for (int i = 0; i < regions(); i++) {
        for (String node : nodes(i)) {
          try (NodeAdmin admin = new NodeAdmin(node, RedisAuth.none(), ADMIN_TIMEOUT)) {
            if (!admin.clusterInfo().contains("cluster_state:ok")) {
              return node + " reports cluster_state not ok";
            }
            InfoText info = InfoText.parse(admin.info("replication"));
            if (info.get("role").filter("slave"::equals).isPresent()
                && !info.get("master_link_status").filter("up"::equals).isPresent()) {
              return node + "'s replication link is not up";
            }
          } catch (RuntimeException e) {
            return node + " does not answer: " + e.getMessage();
          }
        }
      }
      if (meridian) {
        if (leaderRegion(0).isEmpty()) {
          return "no leader known to region-1's coordinator";
        }
        int cp = cpMembers();
        if (cp < regions()) {
          return cp + " of " + regions() + " coordinators in the CP group";
        }
      }
      return null;
    });
  }

  /**
   * Puts each of {@code primaries} (addresses) back in charge of its shard with a coordinated
   * CLUSTER FAILOVER, as an operator would after a heal, and waits until it is.
   */
  public void restore(List<String> primaries) {
    // Meridian's rebalancer may move a primary while the failovers below are under way, from a view
    // that has not seen them yet (it keeps one primary per region too): try again until the layout holds.
    for (int round = 1; ; round++) {
      List<String> moved = primaries.stream().filter(a -> !servesSlots(a)).toList();
      if (moved.isEmpty()) {
        return;
      }
      if (round > 3) {
        throw new IllegalStateException("the original primaries " + moved + " are still not primaries after 3 rounds");
      }
      for (String address : moved) {
        if (servesSlots(address)) {
          continue;
        }
        failOverTo(address, round);
      }
      awaitSettled(Duration.ofSeconds(60));
    }
  }

  /**
   * A coordinated failover ends silently when it cannot finish in Redis's few seconds, e.g. while
   * the primaries still refuse a vote for that shard (twice {@code cluster-node-timeout} after
   * their last one, which the heal's own promotions may have cast): as an operator would, ask again
   * while it has not happened. A give-up quotes what the node's own log said about it.
   */
  private void failOverTo(String address, int round) {
    long[] nextAsk = {0};
    int[] asked = {0};
    try {
      await(address + " to be a primary again", Duration.ofSeconds(60), () -> {
        if (servesSlots(address)) {
          return null;
        }
        if (System.nanoTime() - nextAsk[0] >= 0) {
          asked[0]++;
          log.printf("  restoring %s as a primary (CLUSTER FAILOVER, round %d, ask %d)%n", address, round, asked[0]);
          try (NodeAdmin admin = new NodeAdmin(address, RedisAuth.none(), Duration.ofSeconds(10))) {
            admin.call("CLUSTER", "FAILOVER");
          } catch (RuntimeException e) {
            log.printf("  CLUSTER FAILOVER on %s refused: %s%n", address, e.getMessage());
          }
          nextAsk[0] = System.nanoTime() + FAILOVER_ASK_AGAIN.toNanos();
        }
        return "still a replica (asked " + asked[0] + " times)";
      });
    } catch (IllegalStateException e) {
      throw new IllegalStateException(e.getMessage() + "; its log about failovers: " + failoverLog(address), e);
    }
  }

  /** The last lines of a node's redis.log that speak of a failover or an election. */
  private String failoverLog(String address) {
    Path file = deployment.layout().stateDir().resolve("redis")
        .resolve(Integer.toString(io.meridian.messages.NodeAddress.port(address))).resolve("redis.log");
    try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(file)) {
      List<String> about = lines.filter(l -> l.toLowerCase(java.util.Locale.ROOT).matches(".*(failover|election|vote).*"))
          .toList();
      return String.join(" | ", about.subList(Math.max(0, about.size() - 8), about.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return "(" + file + " unreadable: " + e.getMessage() + ")";
    }
  }

  private boolean servesSlots(String address) {
    ClusterNodesReply.Entry e = topology(regionOf(address)).byAddress(address).orElseThrow();
    return e.isPrimary() && e.slotCount() > 0;
  }

  /**
   * Starts a {@link PartitionWriter} inside region {@code region}'s namespace; it stops by itself
   * after {@code duration}, and {@link #close} kills it if it is still there.
   */
  public Process writer(int region, boolean cluster, List<String> seeds, List<String> tags, String side,
      Duration interval, Duration duration, Path out, Path output) throws IOException {
    List<String> command = new ArrayList<>(lab.launcher(region));
    command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx128m", "-cp",
        System.getProperty("java.class.path"), PartitionWriter.class.getName(), cluster ? "cluster" : "direct",
        String.join(",", seeds), String.join(",", tags), side, Long.toString(interval.toMillis()),
        Long.toString(duration.toMillis()), out.toAbsolutePath().toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
    synchronized (writers) {
      writers.add(p);
    }
    return p;
  }

  /** Polls {@code check} (null = done, else why not) every 250 ms until done or the timeout. */
  void await(String what, Duration timeout, Supplier<String> check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (true) {
      String status = check.get();
      if (status == null) {
        return;
      }
      if (!status.equals(last)) {
        log.printf("  waiting for %s: %s%n", what, status);
        last = status;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up after " + timeout.toSeconds() + " s waiting for " + what + ": "
            + status);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
  }

  /** Ends every process by PID, then removes the namespaces; idempotent, also the shutdown hook's work. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    removeHook(hook);
    synchronized (writers) {
      writers.forEach(Process::destroyForcibly);
    }
    try {
      deployment.stop(Duration.ofSeconds(5));
    } finally {
      lab.close();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: this is the hook, or it runs beside this call
    }
  }
}
