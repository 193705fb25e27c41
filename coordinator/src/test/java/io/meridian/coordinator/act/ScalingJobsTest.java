package io.meridian.coordinator.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.Topology;
import io.meridian.coordinator.rebalance.NodeFacts;
import io.meridian.coordinator.rebalance.Snapshot;
import io.meridian.coordinator.scale.JobRecord;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.RedisSettings;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import io.meridian.coordinator.state.TermRegister;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.messages.Command;
import io.meridian.messages.CommandResult;
import io.meridian.runtime.config.RedisAuth;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A job stops at once when leadership is lost: it says so, and sends nothing more even when the
 * command in flight answers afterwards. The agents are a fake sender; no bus, no Redis.
 */
class ScalingJobsTest {

  private static final String LEAVING = "10.0.0.2:6379";
  private static final String PRIMARY = "10.0.0.1:6379";
  private static final String OTHER = "10.1.0.1:6379";

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  private record Sent(Command.Kind kind, String target, Promise<CommandResult> answer) {
  }

  @Test
  void leadershipLostStopsTheJobAtOnceAndNothingMoreIsSent() {
    List<Sent> sent = new CopyOnWriteArrayList<>();
    AtomicLong term = new AtomicLong(7);
    History history = new History("coordinator-test", 100);
    ScalingJobs jobs = new ScalingJobs(vertx, (agent, target, kind, args, reason, id, timeout) -> {
      Promise<CommandResult> answer = Promise.promise();
      sent.add(new Sent(kind, target, answer));
      return answer.future();
    }, term::get, ScalingJobsTest::snapshot, ClusterView::empty, () -> Duration.ofSeconds(2), () -> Optional.of(spec()),
        history, new MemoryRegister(), Clock.systemUTC());
    List<ScalingJob> started = new ArrayList<>();
    vertx.runOnContext(v -> started.add(jobs.start("remove-node", LEAVING, Optional.empty())));
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
    assertThat(sent.get(0).kind()).isEqualTo(Command.Kind.RESET_SOFT);
    assertThat(sent.get(0).target()).isEqualTo(LEAVING);

    vertx.runOnContext(v -> {
      term.set(-1);
      jobs.leadershipLost();
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> !started.get(0).running());
    assertThat(started.get(0).document("u").getString("state")).isEqualTo("interrupted");
    assertThat(started.get(0).document("u").getString("error")).isEqualTo("leadership lost; the next leader resumes this job");

    // The command in flight answers late: the job does not go on to FORGET.
    vertx.runOnContext(v -> sent.get(0).answer().complete(new CommandResult("agent-a", "x", 7, LEAVING,
        CommandResult.Outcome.EXECUTED, "OK", 1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> history.entries().stream()
        .anyMatch(e -> e.text().startsWith("RESET_SOFT on " + LEAVING + ": executed")));
    assertThat(sent).hasSize(1);
    assertThat(jobs.running()).isEmpty();
    assertThat(history.entries()).extracting(History.Entry::text)
        .anyMatch(t -> t.equals("remove-node " + LEAVING + " interrupted: leadership lost; the next leader resumes this job"));
  }

  @Test
  void withoutLeadershipChangesARemovalRunsToTheEnd() {
    List<Sent> sent = new CopyOnWriteArrayList<>();
    ScalingJobs jobs = new ScalingJobs(vertx, (agent, target, kind, args, reason, id, timeout) -> {
      Promise<CommandResult> answer = Promise.promise();
      sent.add(new Sent(kind, target, answer));
      answer.complete(new CommandResult(agent, id, 7, target, CommandResult.Outcome.EXECUTED, "OK", 1));
      return answer.future();
    }, () -> 7L, ScalingJobsTest::snapshot, ClusterView::empty, () -> Duration.ofSeconds(2), () -> Optional.of(spec()),
        new History("coordinator-test", 100), new MemoryRegister(), Clock.systemUTC());
    List<ScalingJob> started = new ArrayList<>();
    vertx.runOnContext(v -> started.add(jobs.start("remove-node", LEAVING, Optional.empty())));
    await().atMost(Duration.ofSeconds(5)).until(() -> !started.isEmpty() && !started.get(0).running());
    assertThat(started.get(0).document("u").getString("state")).as("%s", started.get(0).document("u")).isEqualTo("done");
    // A replica leaves: it resets, then every other node forgets it.
    List<String> order = sent.stream().map(s -> s.kind() + " " + s.target()).toList();
    assertThat(order.get(0)).isEqualTo("RESET_SOFT " + LEAVING);
    assertThat(order.subList(1, order.size())).containsExactlyInAnyOrder("FORGET " + PRIMARY, "FORGET " + OTHER);
  }

  @Test
  void aJobTheOldLeaderLeftRunningIsResumedByTheNextLeaderUnderItsTerm() {
    MemoryRegister store = new MemoryRegister();
    List<Sent> sent = new CopyOnWriteArrayList<>();
    AtomicLong oldTerm = new AtomicLong(7);
    ScalingJobs.Sender pending = (agent, target, kind, args, reason, id, timeout) -> {
      Promise<CommandResult> answer = Promise.promise();
      sent.add(new Sent(kind, target, answer));
      return answer.future();
    };
    ScalingJobs old = new ScalingJobs(vertx, pending, oldTerm::get, ScalingJobsTest::snapshot, ClusterView::empty,
        () -> Duration.ofSeconds(2), () -> Optional.of(spec()), new History("old", 100), store, Clock.systemUTC());
    List<ScalingJob> started = new ArrayList<>();
    vertx.runOnContext(v -> old.cycle(7));
    await().atMost(Duration.ofSeconds(5)).until(() -> store.term == 7);
    vertx.runOnContext(v -> {
      started.add(old.start("remove-node", LEAVING, Optional.empty()));
      old.cycle(7);
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1 && store.value.stream()
        .anyMatch(j -> j.state().equals("running")));
    // The old leader loses the lead with RESET_SOFT in flight.
    vertx.runOnContext(v -> {
      oldTerm.set(-1);
      old.leadershipLost();
    });

    History history = new History("new", 100);
    ScalingJobs next = new ScalingJobs(vertx, pending, () -> 8L, ScalingJobsTest::snapshot, ClusterView::empty,
        () -> Duration.ofSeconds(2), () -> Optional.of(spec()), history, store, Clock.systemUTC());
    vertx.runOnContext(v -> next.cycle(8));
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 2);
    ScalingJob resumed = next.running().orElseThrow();
    assertThat(resumed.id()).isEqualTo(started.get(0).id());
    JsonObject doc = resumed.document("u");
    assertThat(doc.getLong("term")).isEqualTo(8);
    assertThat(doc.getJsonArray("progress").stream().map(l -> ((JsonObject) l).getString("text")))
        .anyMatch(t -> t.startsWith("resumed by the new leader (term 8)"));
    // Run again from the start: the removal's first step, skipped by Redis if done already.
    assertThat(sent.get(1).kind()).isEqualTo(Command.Kind.RESET_SOFT);
    assertThat(next.ready(8)).isTrue();
    assertThat(old.ready(8)).isFalse();
  }

  /** The CP register in memory: fenced by term like the real one. */
  private static final class MemoryRegister implements TermRegister<List<JobRecord>> {
    volatile long term = -1;
    volatile List<JobRecord> value = List.of();

    @Override
    public synchronized Optional<List<JobRecord>> claim(long claiming) {
      if (claiming < term) {
        throw new IllegalStateException("a later leader claimed it");
      }
      Optional<List<JobRecord>> left = term < 0 ? Optional.empty() : Optional.of(value);
      term = claiming;
      return left;
    }

    @Override
    public synchronized boolean save(List<JobRecord> next, long saving) {
      if (saving < term) {
        return false;
      }
      value = next;
      return true;
    }
  }

  private static ClusterSpec spec() {
    return new ClusterSpec("c", TopologyKind.PERFORMANCE, List.of(
        new RegionSpec("r1", List.of(NodeSpec.of(PRIMARY), NodeSpec.of(LEAVING))),
        new RegionSpec("r2", List.of(NodeSpec.of(OTHER))),
        new RegionSpec("r3", List.of(NodeSpec.of("10.2.0.1:6379")))), 1, RedisSettings.defaults(), RedisAuth.none());
  }

  /** PRIMARY owns every slot; LEAVING and OTHER follow it. */
  private static Snapshot snapshot() {
    Map<String, NodeRole> nodes = Map.of(
        PRIMARY, new NodeRole(PRIMARY, "r1", Optional.empty(), Topology.SLOTS),
        LEAVING, new NodeRole(LEAVING, "r1", Optional.of(PRIMARY), 0),
        OTHER, new NodeRole(OTHER, "r2", Optional.of(PRIMARY), 0));
    Topology t = new Topology(nodes, Collections.nCopies(Topology.SLOTS, PRIMARY), Map.of());
    return new Snapshot(t, Map.of(
        PRIMARY, new NodeFacts(PRIMARY, "agent-a", "a".repeat(40), true, false, 0),
        LEAVING, new NodeFacts(LEAVING, "agent-a", "b".repeat(40), true, true, 0),
        OTHER, new NodeFacts(OTHER, "agent-b", "c".repeat(40), true, true, 0)));
  }
}
