package io.meridian.cli.spec;

import io.meridian.agent.admin.AdminCommandException;
import io.meridian.agent.admin.ClusterChanges;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.redis.InfoText;
import io.meridian.cli.Meridian;
import io.meridian.coordinator.act.ScaleWorkflow;
import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.messages.Command;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code meridian add-node}/{@code remove-node} without {@code --api}: the {@link ScaleWorkflow}'s
 * steps, the same the leader's jobs send to agents, applied by this process to the nodes directly
 * (through the agent's own {@link ClusterChanges}), the cluster seen by reading every spec node.
 */
final class DirectScaling implements ScaleWorkflow.Hands {

  private final ClusterSpec spec;
  private final Duration timeout;
  private final Vertx vertx;
  private final ClusterChanges changes;
  private final long startedAt = System.nanoTime();

  private DirectScaling(ClusterSpec spec, Duration timeout, Vertx vertx) {
    this.spec = spec;
    this.timeout = timeout;
    this.vertx = vertx;
    this.changes = new ClusterChanges(spec.auth(), this::reach);
  }

  /**
   * Runs {@code work} over a workflow with these hands, then prints the placement check.
   *
   * @param timeout how long each wait for the cluster to take in a change may last, and each Redis call
   * @param keys    keys per MIGRATE while resharding
   * @return the exit code: 0 done, 1 failed (running the command again continues)
   */
  static int run(ClusterSpec spec, Duration timeout, int keys, Function<ScaleWorkflow, Future<String>> work) {
    Vertx vertx = Vertx.vertx();
    try {
      DirectScaling hands = new DirectScaling(spec, timeout, vertx);
      ScaleWorkflow workflow = new ScaleWorkflow(vertx, spec, hands, timeout, Duration.ofMillis(100), keys);
      CompletableFuture<String> done = new CompletableFuture<>();
      vertx.runOnContext(v -> {
        Future<String> f;
        try {
          f = work.apply(workflow);
        } catch (RuntimeException e) {
          f = Future.failedFuture(e);
        }
        f.onComplete(ar -> {
          if (ar.succeeded()) {
            done.complete(ar.result());
          } else {
            done.completeExceptionally(ar.cause());
          }
        });
      });
      String what;
      try {
        what = done.get();
      } catch (ExecutionException e) {
        System.err.println("meridian: " + ScaleWorkflow.failure(e.getCause(),
            "running the command again continues from here"));
        return Meridian.EXIT_FAILED;
      }
      var violations = PlacementRules.check(spec, LiveTopology.read(spec, timeout).topology());
      hands.say(what + "; check: " + (violations.isEmpty() ? "clean" : violations.size() + " violation(s)"));
      CheckCommand.print(spec, violations);
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Meridian.EXIT_FAILED;
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("meridian: closing: " + e);
      }
    }
  }

  /** Every spec node's place in the cluster (as {@code meridian check} reads it) and its membership facts. */
  @Override
  public Future<ScaleWorkflow.Seen> look() {
    return vertx.executeBlocking(() -> {
      Map<String, ScaleWorkflow.Member> members = new LinkedHashMap<>();
      LiveTopology live = LiveTopology.read(spec, timeout, (node, admin, myself) -> {
        InfoText cluster = InfoText.parse(admin.clusterInfo());
        InfoText replication = InfoText.parse(admin.info("replication"));
        members.put(node.announced(), new ScaleWorkflow.Member(myself.id(),
            cluster.get("cluster_known_nodes").map(Long::parseLong).orElse(0L), cluster.get("cluster_state"),
            replication.get("master_link_status").filter("up"::equals).isPresent()));
      });
      return new ScaleWorkflow.Seen(live.topology(), members);
    });
  }

  @Override
  public Future<String> apply(ScaleWorkflow.Step step) {
    say(step.reason());
    return vertx.executeBlocking(() -> {
      try (NodeAdmin admin = new NodeAdmin(reach(step.node()), spec.auth(), timeout)) {
        if (step.kind() == Command.Kind.MEET) {
          refuseKeys(step.args().get("host") + ":" + step.args().get("port"));
        }
        return changes.apply(admin, step.kind(), step.args(), this::say);
      } catch (AdminCommandException | IllegalArgumentException | IllegalStateException e) {
        throw new IllegalStateException(step.kind() + " on " + step.node() + " failed: " + e.getMessage(), e);
      }
    }).onSuccess(detail -> say(step.kind() + " on " + step.node() + ": " + detail));
  }

  @Override
  public void say(String line) {
    System.out.printf("[%5.1f s] %s%n", (System.nanoTime() - startedAt) / 1e9, line);
    System.out.flush();
  }

  /**
   * A node that holds keys and is in no cluster is not met: its keys would sit in slots others own.
   * (The leader's jobs leave this to the operator: the demo's and compose's new nodes start empty.)
   */
  private void refuseKeys(String announced) {
    try (NodeAdmin admin = new NodeAdmin(reach(announced), spec.auth(), timeout)) {
      boolean hasKeys = InfoText.parse(admin.info("keyspace")).fields().keySet().stream()
          .anyMatch(k -> k.startsWith("db"));
      if (hasKeys) {
        throw new IllegalStateException(announced + " holds keys and is in no cluster: empty it (FLUSHALL) first");
      }
    }
  }

  /** Where this process reaches a node the cluster names by its announced address. */
  private String reach(String announced) {
    return spec.node(announced).map(NodeSpec::address).orElse(announced);
  }
}
