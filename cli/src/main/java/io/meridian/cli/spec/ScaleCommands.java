package io.meridian.cli.spec;

import io.meridian.agent.admin.AdminCommandException;
import io.meridian.agent.admin.Bootstrap;
import io.meridian.agent.admin.BootstrapPlan;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.admin.Resharding;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.agent.redis.InfoText;
import io.meridian.cli.Meridian;
import io.meridian.cli.OperatorCommands;
import io.meridian.cli.api.ApiTargets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.coordinator.placement.Topology;
import io.meridian.coordinator.rebalance.SlotShare;
import io.meridian.coordinator.scale.ScalePlanner;
import io.meridian.coordinator.spec.ClusterSpec;
import io.meridian.coordinator.spec.NodeSpec;
import io.meridian.messages.NodeAddress;
import io.meridian.runtime.poll.StatusPoll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian add-node} / {@code remove-node} for the performance topology: a node joins as
 * a replica where the shards need one, or as a new primary that receives an even share of slots by
 * live resharding; a node leaves after its slots and replicas have moved away. Talks to the nodes
 * directly, or with {@code --api} runs as a job on the leader coordinator (same decisions: both use
 * {@link ScalePlanner}). Safe to interrupt: running the same command again finishes a half-moved slot and goes on.
 */
public final class ScaleCommands {

  private ScaleCommands() {
  }

  /** Options of both commands. */
  abstract static class Base extends OperatorCommands.Target {
    @Option(names = "--spec", paramLabel = "FILE",
        description = "cluster spec, already listing the node (add) or still listing it (remove); needed without --api")
    Path spec;

    // --api (from Target, or MERIDIAN_API): run it as a job on the leader coordinator (its spec, fenced
    // commands through the agents, steps in its history), following its progress; the operator token
    // comes from MERIDIAN_OPERATOR_TOKEN. Without either: talk to the nodes directly.

    @Option(names = "--node", required = true, paramLabel = "HOST:PORT", description = "the node, as the spec names it")
    String node;

    @Option(names = "--batch", defaultValue = "100", paramLabel = "KEYS",
        description = "direct mode: keys per MIGRATE while resharding (default: ${DEFAULT-VALUE}; the leader uses 100)")
    int batch;

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
        description = "direct mode: how long to wait for the cluster to take in each change (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    /** The spec and the node in it, or null after saying why not (exit 2). */
    Scaling open(String command) {
      if (spec == null) {
        System.err.println("meridian " + command + ": give --spec FILE (direct mode) or --api URL (through the leader)");
        return null;
      }
      ClusterSpec loaded = SpecFiles.load(spec, command);
      if (loaded == null) {
        return null;
      }
      Optional<String> refused = ScalePlanner.refusal(loaded, node, command.equals("add-node"));
      if (refused.isPresent()) {
        System.err.println("meridian " + command + ": " + refused.get());
        return null;
      }
      Optional<NodeSpec> n = loaded.node(node);
      if (batch < 1 || batch > 10_000 || timeoutSeconds < 1) {
        System.err.println("meridian " + command + ": --batch must be 1 to 10000 and --timeout at least 1");
        return null;
      }
      return new Scaling(loaded, n.get(), batch, Duration.ofSeconds(timeoutSeconds));
    }
  }

  @Command(name = "add-node", mixinStandardHelpOptions = true,
      description = "Performance topology: join a node listed in the spec as a replica where one is needed, or as a new"
          + " primary with an even share of slots moved to it live (progress shown; run again to resume).")
  public static final class AddNode extends Base implements Callable<Integer> {
    @Option(names = "--role", defaultValue = "auto", paramLabel = "auto|primary|replica",
        description = "auto (default): a primary when the spec's plan has room for one more shard, else a replica")
    String role;

    @Override
    public Integer call() {
      if (!List.of("auto", "primary", "replica").contains(role)) {
        System.err.println("meridian add-node: --role must be auto, primary or replica, got '" + role + "'");
        return Meridian.EXIT_USAGE;
      }
      if (apiGiven()) {
        return ApiJob.run(targets(), "add-node", node, "POST", "/api/v1/nodes",
            new io.vertx.core.json.JsonObject().put("node", node).put("role", role), spec);
      }
      Scaling s = open("add-node");
      return s == null ? Meridian.EXIT_USAGE : s.run(() -> s.add(role));
    }
  }

  @Command(name = "remove-node", mixinStandardHelpOptions = true,
      description = "Performance topology: move a node's slots (live resharding) and replicas away, then make the "
          + "cluster forget it; stop it and delete it from the spec afterwards.")
  public static final class RemoveNode extends Base implements Callable<Integer> {
    @Override
    public Integer call() {
      if (apiGiven()) {
        return ApiJob.run(targets(), "remove-node", node, "DELETE", "/api/v1/nodes/" + node, null, spec);
      }
      Scaling s = open("remove-node");
      return s == null ? Meridian.EXIT_USAGE : s.run(s::remove);
    }
  }

  /** Either command as a job on the leader: start it, print its progress lines as they come, end with its outcome. */
  static final class ApiJob {
    /** How long the job may not answer (a frozen or dying leader) before the command gives up following it. */
    private static final Duration LOST_AFTER = Duration.ofSeconds(90);

    private ApiJob() {
    }

    /** How long a leader that is still reading the previous leader's jobs (503) is asked again. */
    private static final Duration NOT_READY_FOR = Duration.ofSeconds(30);

    /** Exit 0 when the job is done, 1 when it failed (or could not be followed), 2 when it was refused. */
    static int run(ApiTargets api, String command, String node, String method, String path, JsonObject body, Path spec) {
      if (spec != null) {
        System.out.printf("%s: --spec is not read with --api: the leader scales by the spec it has loaded (add the node"
            + " there and reload the coordinators)%n", command);
      }
      try {
        OperatorCommands.Answer started = OperatorCommands.call(api, method, path, body);
        long notReadySince = System.nanoTime();
        while (started != null && started.status() == 503
            && System.nanoTime() - notReadySince < NOT_READY_FOR.toNanos()) {
          System.out.printf("%s answered 503: %s; asking again%n", started.base(), started.body().getString("error"));
          LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
          started = OperatorCommands.call(api, method, path, body);
        }
        if (started == null) {
          return Meridian.EXIT_USAGE;
        }
        JsonObject answer = started.body();
        if (started.status() == 409 && answer.containsKey("runningJob")
            && command.equals(answer.getString("operation")) && node.equals(answer.getString("node"))) {
          // The same job, started earlier (a leader that took over resumes the one its predecessor left).
          System.out.printf("%s %s: job %s for this node is running on the leader already; following it%n", command,
              node, answer.getString("runningJob"));
          return follow(api, URI.create(started.base()), answer.getString("runningJob"), command);
        }
        if (started.status() != 202) {
          System.err.println("meridian " + command + ": " + started.base() + " answered " + started.status() + ": "
              + answer.getString("error", answer.encode()));
          return started.status() / 100 == 4 ? Meridian.EXIT_USAGE : Meridian.EXIT_FAILED;
        }
        String url = started.base() + "/api/v1/jobs/" + answer.getString("id");
        System.out.printf("%s %s: job %s started on the leader; following %s%n", command, node,
            answer.getString("id"), url);
        return follow(api, URI.create(started.base()), answer.getString("id"), command);
      } catch (java.io.IOException e) {
        System.err.println("meridian " + command + ": " + e.getMessage());
        return Meridian.EXIT_FAILED;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Meridian.EXIT_FAILED;
      }
    }

    /**
     * Follows the job where it was started; when that coordinator stops answering or says the job
     * was interrupted (it lost the lead), looks for the job on every configured coordinator: the
     * next leader resumes it under the same id.
     */
    private static int follow(ApiTargets api, URI startedOn, String id, String command) throws InterruptedException {
      String path = "/api/v1/jobs/" + id;
      URI on = startedOn;
      int printed = 0;
      long lastAnswer = System.nanoTime();
      String trouble = "";
      while (true) {
        try {
          JsonObject job = jobOn(api.only(on), path);
          String state = job.getString("state");
          if (state.equals("interrupted")) {
            Optional<URI> next = resumedElsewhere(api, on, path);
            if (next.isPresent()) {
              System.out.printf("the job was interrupted on %s (%s); the next leader resumed it: following %s%s%n",
                  on, job.getString("error"), next.get(), path);
              on = next.get();
              continue;
            }
            throw new java.io.IOException("interrupted (" + job.getString("error") + "); waiting for the next leader "
                + "to resume it");
          }
          lastAnswer = System.nanoTime();
          trouble = "";
          JsonArray progress = job.getJsonArray("progress", new JsonArray());
          // A leader that took over has the whole progress: print only what is new.
          for (; printed < progress.size(); printed++) {
            JsonObject line = progress.getJsonObject(printed);
            System.out.printf("[%s] %s%n", line.getString("at"), line.getString("text"));
          }
          System.out.flush();
          if (state.equals("done")) {
            return 0;
          }
          if (!state.equals("running")) {
            System.err.println("meridian " + command + ": the job failed: " + job.getString("error"));
            return Meridian.EXIT_FAILED;
          }
        } catch (java.io.IOException | RuntimeException e) {
          Optional<URI> next = resumedElsewhere(api, on, path);
          if (next.isPresent()) {
            System.out.printf("%s%s does not answer (%s); the job runs on %s: following it there%n", on, path,
                e.getMessage(), next.get());
            on = next.get();
            continue;
          }
          if (trouble.isEmpty()) {
            System.out.printf("the job at %s%s does not answer (%s); trying every coordinator for up to %d s%n", on,
                path, e.getMessage(), LOST_AFTER.toSeconds());
          }
          trouble = String.valueOf(e.getMessage());
          if (System.nanoTime() - lastAnswer > LOST_AFTER.toNanos()) {
            System.err.println("meridian " + command + ": lost the job " + id + " for " + LOST_AFTER.toSeconds()
                + " s (" + trouble + "); no coordinator reports it running: run the command again to resume");
            return Meridian.EXIT_FAILED;
          }
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
      }
    }

    private static JsonObject jobOn(ApiTargets one, String path) throws java.io.IOException, InterruptedException {
      OperatorCommands.Answer a = OperatorCommands.call(one, "GET", path, null, Duration.ofSeconds(5));
      if (a.status() != 200) {
        throw new java.io.IOException("answered " + a.status() + ": " + a.body().getString("error", ""));
      }
      return a.body();
    }

    /** A configured coordinator, other than {@code not}, that has the job running or done. */
    private static Optional<URI> resumedElsewhere(ApiTargets api, URI not, String path) throws InterruptedException {
      for (URI url : api.urls()) {
        if (url.equals(not)) {
          continue;
        }
        try {
          String state = jobOn(api.only(url), path).getString("state");
          if (state.equals("running") || state.equals("done")) {
            return Optional.of(url);
          }
        } catch (java.io.IOException | RuntimeException e) {
          // Not there, or not reachable: the next one.
        }
      }
      return Optional.empty();
    }
  }

  /** One run of either command. */
  static final class Scaling {
    private final ClusterSpec spec;
    private final NodeSpec node;
    private final int batch;
    private final Duration timeout;
    private final long startedAt = System.nanoTime();

    Scaling(ClusterSpec spec, NodeSpec node, int batch, Duration timeout) {
      this.spec = spec;
      this.node = node;
      this.batch = batch;
      this.timeout = timeout;
    }

    int run(Callable<Integer> work) {
      try {
        return work.call();
      } catch (AdminCommandException | IllegalStateException e) {
        System.err.println("meridian: " + e.getMessage() + "; running the command again continues from here");
        return Meridian.EXIT_FAILED;
      } catch (Exception e) {
        System.err.println("meridian: " + e);
        return Meridian.EXIT_FAILED;
      }
    }

    void say(String line) {
      System.out.printf("[%5.1f s] %s%n", (System.nanoTime() - startedAt) / 1e9, line);
      System.out.flush();
    }

    int add(String role) {
      String me = node.announced();
      try (NodeAdmin admin = new NodeAdmin(node.address(), spec.auth(), timeout)) {
        List<String> set = new Bootstrap(spec.auth(), timeout, false, this::say)
            .configureNode(admin, new BootstrapPlan.Member(node.address(), me, node.announceBusPort()),
                spec.settings().asConfig());
        if (!set.isEmpty()) {
          say("set " + String.join(", ", set) + " on " + me);
        }
        LiveTopology live = LiveTopology.read(spec, timeout);
        if (ClusterNodesReply.parse(admin.clusterNodes()).entries().size() <= 1) {
          long keys = InfoText.parse(admin.info("keyspace")).fields().keySet().stream().filter(k -> k.startsWith("db"))
              .count();
          if (keys > 0) {
            throw new IllegalStateException(me + " holds keys and is in no cluster: empty it (FLUSHALL) first");
          }
          String peer = members(live.topology(), me).stream().findFirst()
              .orElseThrow(() -> new IllegalStateException("no node of the cluster answers"));
          NodeSpec p = spec.node(peer).orElseThrow();
          admin.call("CLUSTER", "MEET", NodeAddress.host(peer), NodeAddress.port(peer),
              p.announceBusPort().orElse(NodeAddress.port(peer) + 10000));
          say(me + " met " + peer);
        }
        List<String> members = members(live.topology(), me);
        waitFor("the cluster to know " + me, () -> {
          List<String> unaware = members.stream().filter(a -> !knows(a, me)).toList();
          return unaware.isEmpty() ? null : "not known yet by " + unaware;
        });
        // A node that has just met the cluster answers CLUSTERDOWN (also to MIGRATE's RESTORE) until it has learned
        // every slot's owner and its cluster_state turns ok.
        waitFor("cluster_state:ok on " + me, () -> {
          String state = InfoText.parse(admin.clusterInfo()).get("cluster_state").orElse("unknown");
          return state.equals("ok") ? null : "cluster_state:" + state;
        });
        live = LiveTopology.read(spec, timeout);
        List<String> shards = shards(live.topology());
        if (!ScalePlanner.becomesPrimary(spec, live.topology(), me, ScalePlanner.Role.parse(role).orElseThrow())) {
          return attach(admin, live.topology(), shards);
        }
        Optional<String> notPrimary = ScalePlanner.primaryRefusal(node);
        if (notPrimary.isPresent()) {
          throw new IllegalStateException(notPrimary.get());
        }
        reshard(live.topology(), ScalePlanner.withPrimary(live.topology(), me));
        return report("added " + me + " as a primary");
      }
    }

    int remove() {
      String me = node.announced();
      LiveTopology live = LiveTopology.read(spec, timeout);
      NodeRole mine = live.topology().nodes().get(me);
      if (mine == null) {
        say(me + " is not in the cluster (or does not answer): nothing to move");
        return report("nothing to do");
      }
      List<String> shards = shards(live.topology());
      if (shards.contains(me)) {
        reshard(live.topology(), ScalePlanner.withoutPrimary(live.topology(), me));
        live = LiveTopology.read(spec, timeout);
      }
      Topology t = live.topology();
      for (NodeRole r : t.nodes().values()) {
        if (r.primaryOf().filter(me::equals).isPresent()) {
          String to = bestPrimaryFor(t, r.address(), shards(t).stream().filter(p -> !p.equals(me)).toList());
          try (NodeAdmin replica = new NodeAdmin(reach(r.address()), spec.auth(), timeout)) {
            replica.call("CLUSTER", "REPLICATE", idOf(to));
          }
          say("moved replica " + r.address() + " of " + me + " to " + to);
        }
      }
      String id;
      try (NodeAdmin admin = new NodeAdmin(node.address(), spec.auth(), timeout)) {
        id = admin.myId();
        admin.call("CLUSTER", "RESET", "SOFT");
      }
      for (String other : t.nodes().keySet()) {
        if (!other.equals(me)) {
          try (NodeAdmin admin = new NodeAdmin(reach(other), spec.auth(), timeout)) {
            admin.call("CLUSTER", "FORGET", id);
          } catch (AdminCommandException e) {
            say("warning: " + other + " could not forget " + me + ": " + e.getMessage());
          }
        }
      }
      say("every node forgot " + me + "; stop its redis-server and delete it from the spec");
      return report("removed " + me);
    }

    private int attach(NodeAdmin admin, Topology t, List<String> shards) {
      String me = node.announced();
      NodeRole mine = t.nodes().get(me);
      if (mine != null && mine.primaryOf().isPresent()) {
        say(me + " already replicates " + mine.primaryOf().get());
      } else {
        String to = bestPrimaryFor(t, me, shards);
        admin.call("CLUSTER", "REPLICATE", idOf(to));
        say(me + " replicates " + to + " now");
      }
      waitFor(me + " to sync", () -> InfoText.parse(admin.info("replication")).get("master_link_status")
          .filter("up"::equals).isPresent() ? null : "link not up yet");
      return report("added " + me + " as a replica");
    }

    /** Live resharding to even shares over {@code after}, finishing any slot an interrupted run left half-moved. */
    private void reshard(Topology t, List<String> after) {
      Resharding resharding = new Resharding(spec.auth(), timeout, batch, this::say);
      List<Resharding.Node> all = new ArrayList<>();
      List<String> primaries = new ArrayList<>(shards(t));
      after.stream().filter(p -> !primaries.contains(p)).forEach(primaries::add);
      primaries.forEach(p -> all.add(new Resharding.Node(reach(p), p)));
      int finished = resharding.finishOpen(all);
      Topology now = finished > 0 ? LiveTopology.read(spec, timeout).topology() : t;
      List<SlotShare.Transfer> transfers = ScalePlanner.transfers(now, after);
      int slots = transfers.stream().mapToInt(tr -> tr.slots().size()).sum();
      say("resharding to " + after.size() + " primaries: " + slots + " slots move in " + transfers.size() + " transfer(s)");
      long keys = 0;
      for (SlotShare.Transfer tr : transfers) {
        Resharding.Node from = new Resharding.Node(reach(tr.from()), tr.from());
        Resharding.Node to = new Resharding.Node(reach(tr.to()), tr.to());
        List<Resharding.Node> others = all.stream().filter(n -> !n.announced().equals(tr.from())
            && !n.announced().equals(tr.to())).toList();
        keys += resharding.move(from, to, tr.slots(), others);
      }
      say("resharding done: " + slots + " slots and " + keys + " keys moved");
    }

    private String bestPrimaryFor(Topology t, String replica, List<String> primaries) {
      return ScalePlanner.bestPrimaryFor(spec, t, replica, primaries);
    }

    private static List<String> shards(Topology t) {
      return ScalePlanner.shards(t);
    }

    /** The nodes already in the cluster (a spec node not met yet knows only itself), but {@code me}. */
    private List<String> members(Topology t, String me) {
      List<String> members = new ArrayList<>();
      for (String a : t.nodes().keySet()) {
        if (a.equals(me)) {
          continue;
        }
        try (NodeAdmin admin = new NodeAdmin(reach(a), spec.auth(), timeout)) {
          if (ClusterNodesReply.parse(admin.clusterNodes()).entries().size() > 1) {
            members.add(a);
          }
        }
      }
      return members;
    }

    private boolean knows(String observer, String target) {
      try (NodeAdmin admin = new NodeAdmin(reach(observer), spec.auth(), timeout)) {
        return ClusterNodesReply.parse(admin.clusterNodes()).byAddress(target)
            .filter(e -> !e.flags().contains("handshake") && !e.flags().contains("noaddr")).isPresent();
      }
    }

    private String idOf(String announced) {
      try (NodeAdmin admin = new NodeAdmin(reach(announced), spec.auth(), timeout)) {
        return admin.myId();
      }
    }

    /** Where this process reaches a node the cluster names by its announced address. */
    private String reach(String announced) {
      return spec.node(announced).map(NodeSpec::address).orElse(announced);
    }

    private int report(String what) {
      LiveTopology live = LiveTopology.read(spec, timeout);
      var violations = PlacementRules.check(spec, live.topology());
      say(what + "; check: " + (violations.isEmpty() ? "clean" : violations.size() + " violation(s)"));
      CheckCommand.print(spec, violations);
      return 0;
    }

    private void waitFor(String what, Supplier<String> check) {
      StatusPoll.await(timeout, Duration.ofMillis(100), check, status -> say("waiting for " + what + ": " + status))
          .ifPresent(status -> {
            throw new IllegalStateException("gave up after " + timeout.toSeconds() + " s waiting for " + what);
          });
    }
  }
}
