package io.meridian.coordinator.act;

import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.coordinator.rebalance.NodeFacts;
import io.meridian.coordinator.rebalance.Snapshot;
import io.meridian.coordinator.scale.JobRecord;
import io.meridian.coordinator.scale.ScalePlanner;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.coordinator.state.TermRegister;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.NodeView;
import io.meridian.messages.Command;
import io.meridian.messages.CommandResult;
import io.meridian.messages.RedisState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's scaling jobs ({@code POST/DELETE /api/v1/nodes}): one at a time, each the
 * {@link ScaleWorkflow}'s steps sent as fenced commands to the agents and seen through the
 * leader's snapshot, every step recorded in the history with its reason. Stops at once when
 * leadership is lost; the jobs are kept in the CP group ({@link JobRecord}), and the next leader
 * resumes a job left running (run again, the workflow skips what is done). Runs on the
 * coordinator's context only.
 */
public final class ScalingJobs implements LeaderWork {

  private static final Logger LOG = LoggerFactory.getLogger(ScalingJobs.class);
  /** Keys per MIGRATE. */
  static final int KEYS_PER_MIGRATE = 100;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int KEEP = 20;
  public static final String LEADERSHIP_LOST = "leadership lost; the next leader resumes this job";

  /** A job's step that stopped because this coordinator no longer leads: the job ends, it does not go on. */
  static final class LeadershipLost extends ScaleWorkflow.Halt {
    LeadershipLost() {
      super(LEADERSHIP_LOST);
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
  private final Map<String, ScalingJob> jobs = new LinkedHashMap<>();
  private final KeptInCp<List<JobRecord>> stored;
  private ScalingJob current;

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
  public Optional<ScalingJob> running() {
    return Optional.ofNullable(current).filter(ScalingJob::running);
  }

  public Optional<ScalingJob> job(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Newest last. */
  public List<ScalingJob> jobs() {
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
  public ScalingJob start(String operation, String node, Optional<ScalePlanner.Role> role) {
    ScalingJob job = new ScalingJob(UUID.randomUUID().toString().substring(0, 8), operation, node, role.orElse(null),
        term.get(), clock.instant());
    jobs.put(job.id, job);
    while (jobs.size() > KEEP) {
      jobs.remove(jobs.keySet().iterator().next());
    }
    record(job, operation + " " + node + (role.isPresent() ? " (role " + job.document("").getString("role") + ")" : "")
        + " started by an operator through the API", Optional.empty());
    run(job);
    return job;
  }

  private void run(ScalingJob job) {
    current = job;
    Future<String> work;
    try {
      ScaleWorkflow steps = workflow(job);
      ClusterSpec s = spec.get().orElseThrow();
      work = (job.operation.equals("add-node") ? steps.add(job.node, Optional.ofNullable(job.role)
          .orElse(ScalePlanner.Role.AUTO)) : steps.remove(job.node)).map(what -> report(what, s));
    } catch (RuntimeException e) {
      work = Future.failedFuture(e);
    }
    work.onComplete(ar -> finish(job, ar.succeeded() ? null : ScaleWorkflow.failure(ar.cause(), "run again to resume"), ar.result()));
  }

  /**
   * Once a second while leading: the first call of a term reads the jobs the previous leader left
   * in the CP group (and resumes one it left running); later calls save what changed.
   */
  public void cycle(long term) {
    if (stored.claimed(term, left -> handover(term, left.orElse(List.of())))) {
      stored.save(jobs.values().stream().map(ScalingJob::record).toList(), term);
    }
  }

  /** Whether this leader has read the previous leader's jobs: before that it takes none. */
  public boolean ready(long term) {
    return stored.holds(term);
  }

  private void handover(long term, List<JobRecord> left) {
    jobs.clear();
    current = null;
    ScalingJob resume = null;
    for (JobRecord r : left) {
      boolean unfinished = (r.state().equals("running") || r.state().equals("interrupted")) && r.term() < term;
      ScalingJob job = ScalingJob.of(r, unfinished ? term : r.term());
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

  private void finish(ScalingJob job, String error, String result) {
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

  // ---- the workflow's hands: fenced commands through the agents, the cluster as the leader sees it ----

  private ScaleWorkflow workflow(ScalingJob job) {
    return new ScaleWorkflow(vertx, spec.get().orElseThrow(), new ScaleWorkflow.Hands() {
      @Override
      public Future<ScaleWorkflow.Seen> look() {
        return leading(job) ? Future.succeededFuture(seen()) : Future.failedFuture(new LeadershipLost());
      }

      @Override
      public Future<String> apply(ScaleWorkflow.Step step) {
        return command(job, step);
      }

      @Override
      public void say(String line) {
        ScalingJobs.this.say(job, line);
      }
    }, WAIT, Duration.ofMillis(250), KEYS_PER_MIGRATE);
  }

  private boolean leading(ScalingJob job) {
    return job.running() && term.get() == job.term;
  }

  /** The snapshot's nodes, with what their agents' last fresh reports say of their cluster membership. */
  private ScaleWorkflow.Seen seen() {
    Snapshot snap = snapshot.get();
    Map<String, RedisState> states = freshStates();
    Map<String, ScaleWorkflow.Member> members = new LinkedHashMap<>();
    snap.facts().forEach((announced, f) -> {
      Optional<RedisState> s = Optional.ofNullable(states.get(announced));
      members.put(announced, new ScaleWorkflow.Member(f.nodeId(), s.map(RedisState::knownNodes).orElse(0L),
          s.flatMap(RedisState::clusterState), f.linkUp()));
    });
    return new ScaleWorkflow.Seen(snap.topology(), members);
  }

  /** Sends one fenced command, recording the decision and its outcome; fails unless executed. */
  private Future<String> command(ScalingJob job, ScaleWorkflow.Step step) {
    if (!leading(job)) {
      return Future.failedFuture(new LeadershipLost());
    }
    Command.Kind kind = step.kind();
    String announced = step.node();
    NodeFacts node;
    try {
      node = facts(announced);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    String id = UUID.randomUUID().toString();
    record(job, step.reason(), Optional.empty());
    return sender.send(node.agent(), node.probeAddress(), kind, step.args(), step.reason(), id, step.timeout())
        .transform(ar -> {
          String outcome = CommandSender.describe(ar);
          history.add(new History.Entry(clock.instant(), job.term, "-", "command", kind + " on " + announced + ": "
              + outcome, Optional.of(id)));
          if (!job.running()) {
            return Future.failedFuture(new ScaleWorkflow.Halt(job.error));
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
          return Future.failedFuture(kind + " on " + announced + " " + outcome);
        });
  }

  private NodeFacts facts(String announced) {
    return snapshot.get().factsOf(announced).orElseThrow(() -> new IllegalStateException(
        announced + " has no fresh report from an agent: it cannot take commands now; run again when it answers"));
  }

  /** Each node's last fresh report, by announced and by probed address (one pass over the view). */
  private Map<String, RedisState> freshStates() {
    Instant now = clock.instant();
    Map<String, RedisState> states = new java.util.HashMap<>();
    for (NodeView n : view.get().nodes().values()) {
      NodeStatus status = n.status(now, staleAfter.get());
      if (status == NodeStatus.STALE || status == NodeStatus.UNREACHABLE || n.report().state().isEmpty()) {
        continue;
      }
      RedisState s = n.report().state().get();
      states.putIfAbsent(s.announced().orElse(n.address()), s);
      states.putIfAbsent(n.address(), s);
    }
    return states;
  }


  private String report(String what, ClusterSpec s) {
    int violations = PlacementRules.check(s, snapshot.get().topology()).size();
    return what + "; check as the leader sees it now: " + (violations == 0 ? "clean" : violations + " violation(s)"
        + " (the view may lag by a probe round; see /api/v1/check)");
  }

  private void record(ScalingJob job, String text, Optional<String> id) {
    say(job, text);
    history.add(new History.Entry(clock.instant(), job.term, "-", "scaling", "job " + job.id + ": " + text, id));
  }

  private void say(ScalingJob job, String line) {
    job.progress.add(new JobRecord.Line(clock.instant(), line));
    if (job.progress.size() > JobRecord.MAX_LINES) {
      job.progress.remove(0);
    }
    LOG.atInfo().addKeyValue("job", job.id).addKeyValue("node", job.node).log("{} {} (job {}): {}", job.operation,
        job.node, job.id, line);
  }
}
