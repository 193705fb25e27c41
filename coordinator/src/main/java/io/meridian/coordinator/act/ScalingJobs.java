package io.meridian.coordinator.act;

import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.coordinator.placement.Topology;
import io.meridian.coordinator.rebalance.NodeFacts;
import io.meridian.coordinator.rebalance.Snapshot;
import io.meridian.coordinator.scale.JobRecord;
import io.meridian.coordinator.scale.ScalePlanner;
import io.meridian.coordinator.spec.ClusterSpec;
import io.meridian.coordinator.spec.NodeSpec;
import io.meridian.coordinator.state.TermRegister;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.NodeView;
import io.meridian.messages.Command;
import io.meridian.messages.CommandResult;
import io.meridian.messages.NodeAddress;
import io.meridian.messages.RedisState;
import io.meridian.messages.SlotRange;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's scaling jobs ({@code POST/DELETE /api/v1/nodes}): one at a time, each a sequence
 * of fenced commands to the agents, decided by the pure {@link ScalePlanner} from the current
 * snapshot, every step recorded in the history with its reason. Safe to interrupt: a job run again
 * finishes half-moved slots first and skips what is done. Stops at once when leadership is lost;
 * the jobs are kept in the CP group ({@link JobRecord}), and the next leader resumes a job left
 * running. Runs on the coordinator's context only.
 */
public final class ScalingJobs implements LeaderWork {

  private static final Logger LOG = LoggerFactory.getLogger(ScalingJobs.class);
  /** Slots per MIGRATE_SLOTS command: each answers within seconds, far inside the bus timeout. */
  static final int SLOTS_PER_COMMAND = 128;
  /** Keys per MIGRATE. */
  static final int KEYS_PER_MIGRATE = 100;
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration MIGRATE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int KEEP = 20;
  public static final String LEADERSHIP_LOST = "leadership lost; the next leader resumes this job";

  /** A job's step that stopped because this coordinator no longer leads: the job ends, it does not go on. */
  static final class LeadershipLost extends RuntimeException {
    LeadershipLost() {
      super(LEADERSHIP_LOST, null, false, false);
    }
  }

  /** One job: add or remove one node. Mutable, on the coordinator's context only. */
  public static final class Job {
    final String id;
    final String operation;
    final String node;
    final ScalePlanner.Role role;
    final long term;
    final Instant started;
    final List<JobRecord.Line> progress = new ArrayList<>();
    String state = "running";
    String result;
    String error;
    Instant finished;

    Job(String id, String operation, String node, ScalePlanner.Role role, long term, Instant started) {
      this.id = id;
      this.operation = operation;
      this.node = node;
      this.role = role;
      this.term = term;
      this.started = started;
    }

    /** As stored; a job of a previous leader, or the same job taken over under {@code term}. */
    static Job of(JobRecord r, long term) {
      Job job = new Job(r.id(), r.operation(), r.node(), r.role().flatMap(ScalePlanner.Role::parse).orElse(null), term,
          r.startedAt());
      job.progress.addAll(r.progress());
      job.state = r.state();
      job.result = r.result().orElse(null);
      job.error = r.error().orElse(null);
      job.finished = r.finishedAt().orElse(null);
      return job;
    }

    JobRecord record() {
      return new JobRecord(id, operation, node, Optional.ofNullable(role).map(r -> r.name().toLowerCase(
          java.util.Locale.ROOT)), term, started, state, Optional.ofNullable(result), Optional.ofNullable(error),
          Optional.ofNullable(finished), progress);
    }

    public String id() {
      return id;
    }

    public String operation() {
      return operation;
    }

    public String node() {
      return node;
    }

    public boolean running() {
      return state.equals("running");
    }

    public JsonObject document(String url) {
      JsonArray lines = new JsonArray();
      progress.forEach(l -> lines.add(new JsonObject().put("at", l.at().toString()).put("text", l.text())));
      return new JsonObject().put("id", id).put("url", url).put("operation", operation).put("node", node)
          .put("role", role == null ? null : role.name().toLowerCase(java.util.Locale.ROOT)).put("term", term)
          .put("state", state).put("startedAt", started.toString())
          .put("finishedAt", finished == null ? null : finished.toString()).put("result", result).put("error", error)
          .put("progress", lines);
    }
  }

  /** Sends one fenced command ({@link CommandSender#send}); a failed future when it was not sent or not answered. */
  @FunctionalInterface
  public interface Sender {
    Future<CommandResult> send(String agent, String target, Command.Kind kind, Map<String, String> args, String reason,
        String id, Duration timeout);
  }

  private final Vertx vertx;
  private final Sender sender;
  private final Supplier<Long> term;
  private final Supplier<Snapshot> snapshot;
  private final Supplier<ClusterView> view;
  private final Supplier<Duration> staleAfter;
  private final Supplier<Optional<ClusterSpec>> spec;
  private final History history;
  private final Clock clock;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final KeptInCp<List<JobRecord>> stored;
  private Job current;

  /**
   * @param term  the term while leading, else -1
   * @param store where the jobs are kept for the next leader
   */
  public ScalingJobs(Vertx vertx, Sender sender, Supplier<Long> term, Supplier<Snapshot> snapshot,
      Supplier<ClusterView> view, Supplier<Duration> staleAfter, Supplier<Optional<ClusterSpec>> spec,
      History history, TermRegister<List<JobRecord>> store, Clock clock) {
    this.stored = new KeptInCp<>(vertx, store, "the scaling jobs");
    this.vertx = vertx;
    this.sender = sender;
    this.term = term;
    this.snapshot = snapshot;
    this.view = view;
    this.staleAfter = staleAfter;
    this.spec = spec;
    this.history = history;
    this.clock = clock;
  }

  /** The job running now, if any. */
  public Optional<Job> running() {
    return Optional.ofNullable(current).filter(Job::running);
  }

  public Optional<Job> job(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Newest last. */
  public List<Job> jobs() {
    return List.copyOf(jobs.values());
  }

  /**
   * Why {@code node} has no agent to take commands: the job needs the node's agent (configure,
   * replicate, reset), so it is refused before it starts; or empty.
   */
  public Optional<String> agentMissing(String announced) {
    return snapshot.get().factsOf(announced).isPresent() ? Optional.empty()
        : Optional.of("no agent reports " + announced + " (or it does not answer): start an agent beside it, or add it"
            + " to an agent's nodes and reload that agent, then try again");
  }

  /** Starts a job (the caller checked token, leadership, gates and that none runs). */
  public Job start(String operation, String node, Optional<ScalePlanner.Role> role) {
    Job job = new Job(UUID.randomUUID().toString().substring(0, 8), operation, node, role.orElse(null), term.get(),
        clock.instant());
    jobs.put(job.id, job);
    while (jobs.size() > KEEP) {
      jobs.remove(jobs.keySet().iterator().next());
    }
    record(job, operation + " " + node + (role.isPresent() ? " (role " + job.document("").getString("role") + ")" : "")
        + " started by an operator through the API", Optional.empty());
    run(job);
    return job;
  }

  private void run(Job job) {
    current = job;
    Future<String> work;
    try {
      work = job.operation.equals("add-node") ? add(job, Optional.ofNullable(job.role).orElse(ScalePlanner.Role.AUTO))
          : remove(job);
    } catch (RuntimeException e) {
      work = Future.failedFuture(e);
    }
    work.onComplete(ar -> finish(job, ar.succeeded() ? null : ar.cause().getMessage(), ar.result()));
  }

  /**
   * Once a second while leading: the first call of a term reads the jobs the previous leader left
   * in the CP group (and resumes one it left running); later calls save what changed.
   */
  public void cycle(long term) {
    if (stored.claimed(term, left -> handover(term, left.orElse(List.of())))) {
      stored.save(jobs.values().stream().map(Job::record).toList(), term);
    }
  }

  /** Whether this leader has read the previous leader's jobs: before that it takes none. */
  public boolean ready(long term) {
    return stored.holds(term);
  }

  private void handover(long term, List<JobRecord> left) {
    jobs.clear();
    current = null;
    Job resume = null;
    for (JobRecord r : left) {
      boolean unfinished = (r.state().equals("running") || r.state().equals("interrupted")) && r.term() < term;
      Job job = Job.of(r, unfinished ? term : r.term());
      if (unfinished && resume != null) {
        finish(resume, "another job was left unfinished after it; run this one again", null);
      }
      if (unfinished) {
        job.state = "running";
        job.error = null;
        resume = job;
      }
      jobs.put(job.id, job);
    }
    if (resume != null) {
      record(resume, "resumed by the new leader (term " + term + ") after a change of leader: what is done is skipped",
          Optional.empty());
      run(resume);
    }
  }

  /** Leadership is gone: the running job stops at once (its next step is not sent); the next leader resumes it. */
  @Override
  public void leadershipLost() {
    running().ifPresent(job -> finish(job, LEADERSHIP_LOST, null));
    stored.reset();
  }

  private void finish(Job job, String error, String result) {
    if (!job.running()) {
      return;
    }
    job.finished = clock.instant();
    job.state = error == null ? "done" : LEADERSHIP_LOST.equals(error) ? "interrupted" : "failed";
    job.error = error;
    job.result = result;
    say(job, error == null ? "done: " + result : "failed: " + error);
    history.add(new History.Entry(clock.instant(), job.term, "-", "scaling", job.operation + " " + job.node + " "
        + (error == null ? "done: " + result : job.state + ": " + error), Optional.empty()));
  }

  // ---- add-node ----

  private Future<String> add(Job job, ScalePlanner.Role role) {
    ClusterSpec s = spec.get().orElseThrow();
    NodeSpec ns = s.node(job.node).orElseThrow();
    String me = ns.announced();
    NodeFacts mine = facts(me);
    Map<String, String> settings = new LinkedHashMap<>(s.settings().asConfig());
    settings.put("announced", me);
    ns.announceBusPort().ifPresent(p -> settings.put("announceBusPort", Integer.toString(p)));
    return command(job, mine, me, Command.Kind.CONFIGURE, settings, "give " + me
        + " the settings the spec owns before it joins the cluster", COMMAND_TIMEOUT)
        .compose(v -> meet(job, ns))
        .compose(v -> {
          Snapshot snap = snapshot.get();
          Topology t = snap.topology();
          if (!ScalePlanner.becomesPrimary(s, t, me, role)) {
            return attach(job, s, me);
          }
          Optional<String> refused = ScalePlanner.primaryRefusal(ns);
          if (refused.isPresent()) {
            return Future.failedFuture(refused.get());
          }
          return reshard(job, me, true).map(v2 -> "added " + me + " as a primary");
        })
        .map(what -> report(what, s));
  }

  /** Joins {@code ns} to the cluster unless it knows the others already, and waits until all know each other. */
  private Future<Void> meet(Job job, NodeSpec ns) {
    String me = ns.announced();
    RedisState state = state(me).orElseThrow(() -> new IllegalStateException(me + " does not answer"));
    List<String> members = members(me);
    if (members.isEmpty()) {
      return Future.failedFuture("no node of the cluster answers");
    }
    Future<String> met;
    if (state.knownNodes() > 1) {
      say(job, me + " is in the cluster already (it knows " + state.knownNodes() + " nodes)");
      met = Future.succeededFuture("");
    } else {
      String peer = members.get(0);
      int bus = ns.announceBusPort().orElse(NodeAddress.port(me) + 10000);
      met = command(job, facts(peer), peer, Command.Kind.MEET, Map.of("host", NodeAddress.host(me), "port",
          Integer.toString(NodeAddress.port(me)), "busPort", Integer.toString(bus)),
          "introduce new node " + me + " to the cluster through " + peer, COMMAND_TIMEOUT);
    }
    int size = members.size() + 1;
    // A node that has just met the cluster answers CLUSTERDOWN (also to MIGRATE's RESTORE) until it has
    // learned every slot's owner and its cluster_state turns ok.
    return met.compose(v -> await(job, "every node to know " + me + " and cluster_state:ok on it", snap -> {
      List<String> unaware = new ArrayList<>();
      for (String a : members(me)) {
        if (state(a).map(RedisState::knownNodes).orElse(0L) < size) {
          unaware.add(a);
        }
      }
      Optional<RedisState> s = state(me);
      if (s.isEmpty() || s.get().knownNodes() < size) {
        return me + " knows " + s.map(RedisState::knownNodes).orElse(0L) + " of " + size + " nodes";
      }
      if (!s.get().clusterState().filter("ok"::equals).isPresent()) {
        return "cluster_state:" + s.get().clusterState().orElse("unknown") + " on " + me;
      }
      return unaware.isEmpty() ? null : "not known yet by " + unaware;
    })).mapEmpty();
  }

  private Future<String> attach(Job job, ClusterSpec s, String me) {
    Snapshot snap = snapshot.get();
    NodeRole role = snap.topology().nodes().get(me);
    Future<String> attached;
    String to;
    if (role != null && role.primaryOf().isPresent()) {
      to = role.primaryOf().get();
      say(job, me + " already replicates " + to);
      attached = Future.succeededFuture("");
    } else {
      to = ScalePlanner.bestPrimaryFor(s, snap.topology(), me, ScalePlanner.shards(snap.topology()));
      attached = command(job, facts(me), me, Command.Kind.REPLICATE, Map.of("primaryId", facts(to).nodeId()),
          "new node " + me + " replicates " + to + ": the primary with the fewest replicas, preferring one without a"
              + " copy in " + s.regionOf(me).orElse("its region"), COMMAND_TIMEOUT);
    }
    return attached.compose(v -> await(job, me + " to sync with " + to, x -> {
      NodeRole r = x.topology().nodes().get(me);
      boolean follows = r != null && r.primaryOf().filter(to::equals).isPresent();
      return follows && x.factsOf(me).map(NodeFacts::linkUp).orElse(false) ? null : "link not up yet";
    })).map(v -> "added " + me + " as a replica of " + to);
  }

  // ---- remove-node ----

  private Future<String> remove(Job job) {
    ClusterSpec s = spec.get().orElseThrow();
    String me = s.node(job.node).orElseThrow().announced();
    Snapshot snap = snapshot.get();
    if (!snap.topology().nodes().containsKey(me)) {
      say(job, me + " is not in the cluster (or does not answer): nothing to move");
      return Future.succeededFuture("nothing to do");
    }
    Future<Void> slotsGone = ScalePlanner.shards(snap.topology()).contains(me) ? reshard(job, me, false)
        : Future.succeededFuture();
    return slotsGone.compose(v -> moveReplicas(job, s, me)).compose(v -> leave(job, me))
        .map(v -> report("removed " + me + "; stop its redis-server and delete it from the spec and its agent", s));
  }

  private Future<Void> moveReplicas(Job job, ClusterSpec s, String me) {
    Future<Void> chain = Future.succeededFuture();
    for (String replica : ScalePlanner.replicasOf(snapshot.get().topology(), me)) {
      chain = chain.compose(v -> {
        Topology t = snapshot.get().topology();
        String to = ScalePlanner.bestPrimaryFor(s, t, replica, ScalePlanner.shards(t).stream()
            .filter(p -> !p.equals(me)).toList());
        return command(job, facts(replica), replica, Command.Kind.REPLICATE, Map.of("primaryId", facts(to).nodeId()),
            "replica " + replica + " of leaving node " + me + " follows " + to + " instead", COMMAND_TIMEOUT)
            .compose(x -> await(job, replica + " to follow " + to, snap -> snap.topology().nodes().get(replica) != null
                && snap.topology().nodes().get(replica).primaryOf().filter(to::equals).isPresent() ? null
                : "not following yet"))
            .mapEmpty();
      });
    }
    return chain;
  }

  /** The node resets (it leaves), then every other node forgets it. */
  private Future<Void> leave(Job job, String me) {
    NodeFacts mine = facts(me);
    List<String> others = new ArrayList<>(snapshot.get().topology().nodes().keySet());
    others.remove(me);
    Future<Void> chain = command(job, mine, me, Command.Kind.RESET_SOFT, Map.of(), me
        + " owns no slots and has no replicas: it leaves the cluster (CLUSTER RESET SOFT)", COMMAND_TIMEOUT).mapEmpty();
    for (String other : others) {
      chain = chain.compose(v -> {
        Optional<NodeFacts> f = snapshot.get().factsOf(other);
        if (f.isEmpty()) {
          say(job, "warning: " + other + " does not answer; it forgets " + me + " only when told by hand");
          return Future.succeededFuture();
        }
        return command(job, f.get(), other, Command.Kind.FORGET, Map.of("nodeId", mine.nodeId()),
            other + " forgets " + me + ", which left the cluster", COMMAND_TIMEOUT)
            .recover(e -> {
              if (e instanceof LeadershipLost) {
                return Future.failedFuture(e);
              }
              say(job, "warning: " + other + " could not forget " + me + ": " + e.getMessage());
              return Future.succeededFuture();
            }).mapEmpty();
      });
    }
    return chain;
  }

  // ---- resharding ----

  /**
   * Even shares over the shards with {@code me} ({@code joining}) or without it: first every slot
   * an interrupted run left half-moved is finished, then one command per batch of slots.
   */
  private Future<Void> reshard(Job job, String me, boolean joining) {
    List<String> primaries = ScalePlanner.withPrimary(snapshot.get().topology(), me);
    Future<Void> chain = Future.succeededFuture();
    for (String p : primaries) {
      chain = chain.compose(v -> command(job, facts(p), p, Command.Kind.FINISH_MIGRATING, Map.of(),
          "finish any slot an interrupted resharding left migrating on " + p, MIGRATE_TIMEOUT).mapEmpty());
    }
    for (String p : primaries) {
      chain = chain.compose(v -> command(job, facts(p), p, Command.Kind.CLEAR_IMPORTING, Map.of(),
          "clear any slot an interrupted resharding left importing on " + p, COMMAND_TIMEOUT).mapEmpty());
    }
    return chain.compose(v -> await(job, "the view to show every slot owned", snap -> {
      long unowned = snap.topology().slotOwners().stream().filter(o -> o == null).count();
      return unowned == 0 ? null : unowned + " slots without an owner in the view";
    })).compose(snap -> {
      Topology t = snap.topology();
      List<String> after = joining ? ScalePlanner.withPrimary(t, me) : ScalePlanner.withoutPrimary(t, me);
      List<ScalePlanner.Batch> batches = ScalePlanner.batches(t, after, SLOTS_PER_COMMAND);
      int slots = batches.stream().mapToInt(b -> b.slots().size()).sum();
      say(job, "resharding to " + after.size() + " primaries: " + slots + " slots move in " + batches.size()
          + " command(s) of at most " + SLOTS_PER_COMMAND + " slots");
      Future<Void> moves = Future.succeededFuture();
      for (int i = 0; i < batches.size(); i++) {
        ScalePlanner.Batch b = batches.get(i);
        String n = (i + 1) + "/" + batches.size();
        moves = moves.compose(v -> command(job, facts(b.from()), b.from(), Command.Kind.MIGRATE_SLOTS, Map.of(
                "to", facts(b.to()).nodeId(), "toAddress", b.to(), "slots", SlotRange.encode(b.slots()), "batch",
                Integer.toString(KEYS_PER_MIGRATE)),
            "batch " + n + ": move slots " + SlotRange.summarize(b.slots(), 3) + " from " + b.from() + " to " + b.to()
                + " for even shares over " + after.size() + " primaries" + (joining ? " (" + me + " joins)"
                : " (" + me + " leaves)"), MIGRATE_TIMEOUT).mapEmpty());
      }
      int target = joining ? Topology.SLOTS / after.size() : 0;
      return moves.compose(v -> await(job, "the view to show " + me + " with " + (joining ? "its share" : "no slots"),
          x -> {
            NodeRole r = x.topology().nodes().get(me);
            int owned = r == null ? 0 : r.slots();
            return joining ? (owned >= target ? null : me + " owns " + owned + " slots")
                : (owned == 0 ? null : me + " still owns " + owned + " slots");
          })).compose(x -> {
            say(job, "resharding done: " + slots + " slots moved");
            return Future.succeededFuture();
          });
    });
  }

  // ---- plumbing ----

  /** Sends one fenced command, recording the decision and its outcome; fails unless executed. */
  private Future<String> command(Job job, NodeFacts node, String announced, Command.Kind kind,
      Map<String, String> args, String reason, Duration timeout) {
    if (!job.running() || term.get() != job.term) {
      return Future.failedFuture(new LeadershipLost());
    }
    String id = UUID.randomUUID().toString();
    record(job, reason, Optional.empty());
    return sender.send(node.agent(), node.probeAddress(), kind, args, reason, id, timeout)
        .transform(ar -> {
          String outcome = CommandSender.describe(ar);
          history.add(new History.Entry(clock.instant(), job.term, "-", "command", kind + " on " + announced + ": "
              + outcome, Optional.of(id)));
          if (!job.running()) {
            return Future.failedFuture(job.error);
          }
          if (ar.succeeded() && ar.result().outcome() == CommandResult.Outcome.EXECUTED) {
            say(job, kind + " on " + announced + ": " + ar.result().detail());
            return Future.succeededFuture(ar.result().detail());
          }
          // Not sent at all (the fence check failed: the lock is gone) is a lost leadership; a bus failure is not.
          if (ar.failed() && (term.get() != job.term || !(ar.cause() instanceof io.vertx.core.eventbus.ReplyException))) {
            LOG.atWarn().addKeyValue("job", job.id).log("job {}: {} on {} not sent: {}", job.id, kind, announced,
                ar.cause().toString());
            return Future.failedFuture(new LeadershipLost());
          }
          return Future.failedFuture(kind + " on " + announced + " " + outcome + "; run again to resume");
        });
  }

  /** Polls the snapshot every 250 ms until {@code status} says nothing is missing (null), or fails after {@link #WAIT}. */
  private Future<Snapshot> await(Job job, String what, Function<Snapshot, String> status) {
    Promise<Snapshot> done = Promise.promise();
    long deadline = System.nanoTime() + WAIT.toNanos();
    String[] last = {null};
    Runnable[] poll = new Runnable[1];
    poll[0] = () -> {
      if (!job.running() || term.get() != job.term) {
        done.tryFail(new LeadershipLost());
        return;
      }
      Snapshot snap = snapshot.get();
      String s;
      try {
        s = status.apply(snap);
      } catch (RuntimeException e) {
        s = e.getMessage();
      }
      if (s == null) {
        done.tryComplete(snap);
        return;
      }
      if (!s.equals(last[0])) {
        say(job, "waiting for " + what + ": " + s);
        last[0] = s;
      }
      if (System.nanoTime() > deadline) {
        done.tryFail("gave up after " + WAIT.toSeconds() + " s waiting for " + what + " (" + s
            + "); run again to resume");
        return;
      }
      vertx.setTimer(250, id -> poll[0].run());
    };
    poll[0].run();
    return done.future();
  }

  private NodeFacts facts(String announced) {
    return snapshot.get().factsOf(announced).orElseThrow(() -> new IllegalStateException(
        announced + " has no fresh report from an agent: it cannot take commands now; run again when it answers"));
  }

  /** The node's last fresh report, by announced (or probed) address. */
  private Optional<RedisState> state(String announced) {
    Instant now = clock.instant();
    for (NodeView n : view.get().nodes().values()) {
      NodeStatus status = n.status(now, staleAfter.get());
      if (status == NodeStatus.STALE || status == NodeStatus.UNREACHABLE || n.report().state().isEmpty()) {
        continue;
      }
      RedisState s = n.report().state().get();
      if (s.announced().orElse(n.address()).equals(announced) || n.address().equals(announced)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Answering nodes, but {@code me}, that are in a cluster (a lone spec node knows only itself). */
  private List<String> members(String me) {
    return snapshot.get().topology().nodes().keySet().stream().filter(a -> !a.equals(me))
        .filter(a -> state(a).map(RedisState::knownNodes).orElse(0L) > 1).sorted().toList();
  }

  private String report(String what, ClusterSpec s) {
    int violations = PlacementRules.check(s, snapshot.get().topology()).size();
    return what + "; check as the leader sees it now: " + (violations == 0 ? "clean" : violations + " violation(s)"
        + " (the view may lag by a probe round; see /api/v1/check)");
  }

  private void record(Job job, String text, Optional<String> id) {
    say(job, text);
    history.add(new History.Entry(clock.instant(), job.term, "-", "scaling", "job " + job.id + ": " + text, id));
  }

  private void say(Job job, String line) {
    job.progress.add(new JobRecord.Line(clock.instant(), line));
    if (job.progress.size() > JobRecord.MAX_LINES) {
      job.progress.remove(0);
    }
    LOG.atInfo().addKeyValue("job", job.id).addKeyValue("node", job.node).log("{} {} (job {}): {}", job.operation,
        job.node, job.id, line);
  }
}
