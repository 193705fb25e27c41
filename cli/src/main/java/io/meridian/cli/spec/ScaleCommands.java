package io.meridian.cli.spec;

import io.meridian.cli.Meridian;
import io.meridian.cli.OperatorCommands;
import io.meridian.cli.api.ApiTargets;
import io.meridian.coordinator.act.ScaleWorkflow;
import io.meridian.coordinator.scale.ScalePlanner;
import io.meridian.runtime.spec.ClusterSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian add-node} / {@code remove-node} for the performance topology: a node joins as
 * a replica where the shards need one, or as a new primary that receives an even share of slots by
 * live resharding; a node leaves after its slots and replicas have moved away. Talks to the nodes
 * directly ({@link DirectScaling}), or with {@code --api} runs as a job on the leader coordinator:
 * both take the same steps ({@link ScaleWorkflow}). Safe to interrupt: running the same command
 * again finishes a half-moved slot and goes on.
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

    /** Runs {@code work} on the nodes directly; exit 2 after saying why it cannot start. */
    int direct(String command, java.util.function.Function<ScaleWorkflow, Future<String>> work) {
      if (spec == null) {
        System.err.println("meridian " + command + ": give --spec FILE (direct mode) or --api URL (through the leader)");
        return Meridian.EXIT_USAGE;
      }
      ClusterSpec loaded = SpecFiles.load(spec, command);
      if (loaded == null) {
        return Meridian.EXIT_USAGE;
      }
      Optional<String> refused = ScalePlanner.refusal(loaded, node, command.equals("add-node"));
      if (refused.isPresent()) {
        System.err.println("meridian " + command + ": " + refused.get());
        return Meridian.EXIT_USAGE;
      }
      if (batch < 1 || batch > 10_000 || timeoutSeconds < 1) {
        System.err.println("meridian " + command + ": --batch must be 1 to 10000 and --timeout at least 1");
        return Meridian.EXIT_USAGE;
      }
      return DirectScaling.run(loaded, Duration.ofSeconds(timeoutSeconds), batch, work);
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
      ScalePlanner.Role asked = ScalePlanner.Role.parse(role).orElseThrow();
      return direct("add-node", w -> w.add(node, asked));
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
      return direct("remove-node", w -> w.remove(node));
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
}
