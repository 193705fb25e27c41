package io.meridian.coordinator.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.Topology;
import io.meridian.coordinator.scale.ScalePlanner;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.RedisSettings;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import io.meridian.messages.Command;
import io.meridian.messages.SlotRange;
import io.meridian.runtime.config.RedisAuth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scaling steps, written once for the leader's jobs and the direct CLI, against a cluster
 * simulated in memory (pure logic: the hands are the simulation). Scenarios: a node joins as a
 * primary and gets an even share; run again, nothing moves; it leaves and every slot goes back.
 */
class ScaleWorkflowTest {

  private static final List<String> PRIMARIES = List.of("10.0.0.1:6379", "10.1.0.1:6379", "10.2.0.1:6379");
  private static final String NEW = "10.0.0.9:6379";

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void aNewNodeJoinsAsAPrimaryWithAnEvenShareAndARunAgainMovesNothing() throws Exception {
    SimulatedCluster cluster = new SimulatedCluster();
    String result = run(cluster, w -> w.add(NEW, ScalePlanner.Role.PRIMARY));

    assertThat(result).isEqualTo("added " + NEW + " as a primary");
    assertThat(cluster.kinds().subList(0, 2)).containsExactly(Command.Kind.CONFIGURE, Command.Kind.MEET);
    assertThat(cluster.owned(NEW)).isEqualTo(Topology.SLOTS / 4);
    PRIMARIES.forEach(p -> assertThat(cluster.owned(p)).isBetween(4095, 4096));
    assertThat(cluster.applied).filteredOn(s -> s.kind() == Command.Kind.MIGRATE_SLOTS)
        .allMatch(s -> SlotRange.decode(s.args().get("slots")).size() <= ScaleWorkflow.SLOTS_PER_COMMAND)
        .allMatch(s -> s.args().get("toAddress").equals(NEW) && s.args().get("batch").equals("7"));

    cluster.applied.clear();
    run(cluster, w -> w.add(NEW, ScalePlanner.Role.PRIMARY));
    assertThat(cluster.kinds()).doesNotContain(Command.Kind.MEET, Command.Kind.MIGRATE_SLOTS);
  }

  @Test
  void aPrimaryLeavesAfterItsSlotsMoveAndEveryOtherNodeForgetsIt() throws Exception {
    SimulatedCluster cluster = new SimulatedCluster();
    run(cluster, w -> w.add(NEW, ScalePlanner.Role.PRIMARY));
    cluster.applied.clear();

    String result = run(cluster, w -> w.remove(NEW));

    assertThat(result).startsWith("removed " + NEW);
    assertThat(cluster.nodes).doesNotContainKey(NEW);
    assertThat(PRIMARIES.stream().mapToInt(cluster::owned).sum()).isEqualTo(Topology.SLOTS);
    List<Command.Kind> kinds = cluster.kinds();
    assertThat(kinds.indexOf(Command.Kind.RESET_SOFT)).isGreaterThan(kinds.lastIndexOf(Command.Kind.MIGRATE_SLOTS));
    assertThat(cluster.applied).filteredOn(s -> s.kind() == Command.Kind.FORGET).extracting(ScaleWorkflow.Step::node)
        .containsExactlyInAnyOrderElementsOf(PRIMARIES);
  }

  @Test
  void aStepThatFailsEndsTheRunWithWhatFailedAndHowToGoOn() throws Exception {
    SimulatedCluster cluster = new SimulatedCluster();
    cluster.refuse = Command.Kind.MEET;
    CompletableFuture<String> done = start(cluster, w -> w.add(NEW, ScalePlanner.Role.PRIMARY));
    Throwable failure = done.handle((r, e) -> e).get(10, TimeUnit.SECONDS);
    assertThat(ScaleWorkflow.failure(failure.getCause() == null ? failure : failure.getCause(),
        "run again to resume"))
        .isEqualTo("MEET on 10.0.0.1:6379 refused; run again to resume");
    assertThat(cluster.kinds()).containsExactly(Command.Kind.CONFIGURE, Command.Kind.MEET);
    assertThat(cluster.owned(NEW)).isZero();
  }

  private String run(SimulatedCluster cluster, Function<ScaleWorkflow, Future<String>> work) throws Exception {
    return start(cluster, work).get(10, TimeUnit.SECONDS);
  }

  private CompletableFuture<String> start(SimulatedCluster cluster, Function<ScaleWorkflow, Future<String>> work) {
    ScaleWorkflow workflow = new ScaleWorkflow(vertx, spec(), cluster, Duration.ofSeconds(5), Duration.ofMillis(5), 7);
    CompletableFuture<String> done = new CompletableFuture<>();
    vertx.runOnContext(v -> work.apply(workflow).onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(ar.result());
      } else {
        done.completeExceptionally(ar.cause());
      }
    }));
    return done;
  }

  private static ClusterSpec spec() {
    return new ClusterSpec("c", TopologyKind.PERFORMANCE, List.of(
        new RegionSpec("r1", List.of(NodeSpec.of(PRIMARIES.get(0)), NodeSpec.of(NEW))),
        new RegionSpec("r2", List.of(NodeSpec.of(PRIMARIES.get(1)))),
        new RegionSpec("r3", List.of(NodeSpec.of(PRIMARIES.get(2))))), 0, RedisSettings.defaults(), RedisAuth.none());
  }

  /** Three primaries with even shares and a lone new node; steps change it as Redis would. */
  private static final class SimulatedCluster implements ScaleWorkflow.Hands {
    final Map<String, List<Integer>> nodes = new LinkedHashMap<>();
    final List<ScaleWorkflow.Step> applied = new ArrayList<>();
    final String[] owners = new String[Topology.SLOTS];
    boolean met;
    Command.Kind refuse;

    SimulatedCluster() {
      for (int i = 0; i < PRIMARIES.size(); i++) {
        for (int slot = i * 5462; slot < Math.min(Topology.SLOTS, (i + 1) * 5462); slot++) {
          owners[slot] = PRIMARIES.get(i);
        }
        nodes.put(PRIMARIES.get(i), new ArrayList<>());
      }
      nodes.put(NEW, new ArrayList<>());
    }

    List<Command.Kind> kinds() {
      return applied.stream().map(ScaleWorkflow.Step::kind).toList();
    }

    int owned(String node) {
      return (int) java.util.Arrays.stream(owners).filter(node::equals).count();
    }

    @Override
    public Future<ScaleWorkflow.Seen> look() {
      Map<String, NodeRole> roles = new LinkedHashMap<>();
      Map<String, ScaleWorkflow.Member> members = new LinkedHashMap<>();
      for (String n : nodes.keySet()) {
        roles.put(n, new NodeRole(n, n.startsWith("10.0.") ? "r1" : n.startsWith("10.1.") ? "r2" : "r3",
            Optional.empty(), owned(n)));
        boolean lone = n.equals(NEW) && !met;
        members.put(n, new ScaleWorkflow.Member("id-" + n, lone ? 1 : nodes.size(), Optional.of("ok"), false));
      }
      return Future.succeededFuture(new ScaleWorkflow.Seen(new Topology(roles,
          Collections.unmodifiableList(java.util.Arrays.asList(owners.clone())), Map.of()), members));
    }

    @Override
    public Future<String> apply(ScaleWorkflow.Step step) {
      applied.add(step);
      if (step.kind() == refuse) {
        return Future.failedFuture(step.kind() + " on " + step.node() + " refused");
      }
      switch (step.kind()) {
        case MEET -> met = true;
        case MIGRATE_SLOTS -> {
          String to = step.args().get("toAddress");
          assertThat(step.args().get("to")).isEqualTo("id-" + to);
          for (int slot : SlotRange.decode(step.args().get("slots"))) {
            assertThat(owners[slot]).as("slot %d moved from its owner", slot).isEqualTo(step.node());
            owners[slot] = to;
          }
        }
        case RESET_SOFT -> {
          assertThat(owned(step.node())).isZero();
          nodes.remove(step.node());
        }
        default -> {
        }
      }
      return Future.succeededFuture("ok");
    }

    @Override
    public void say(String line) {
    }
  }
}
