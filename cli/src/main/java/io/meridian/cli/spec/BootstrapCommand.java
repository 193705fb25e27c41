package io.meridian.cli.spec;

import io.meridian.agent.admin.AdminCommandException;
import io.meridian.agent.admin.Bootstrap;
import io.meridian.cli.Meridian;
import io.meridian.coordinator.endpoints.Endpoints;
import io.meridian.coordinator.placement.PlacementPlan;
import io.meridian.coordinator.placement.PlacementPlanner;
import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.coordinator.placement.PlanResult;
import io.meridian.coordinator.placement.Violation;
import io.meridian.runtime.spec.ClusterSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian bootstrap}: plan the spec's topology and build it on the nodes, idempotently;
 * then check the result. Exit 0 formed and clean, 1 refused or failed, 2 bad input.
 */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
    description = "Build the Redis Cluster the spec describes (safe to re-run; completes an interrupted run).")
public final class BootstrapCommand implements Callable<Integer> {

  @Option(names = "--spec", required = true, paramLabel = "FILE", description = "cluster spec (see docs/reference/configuration.md: spec.yaml)")
  Path spec;

  @Option(names = "--force", description = "wipe nodes that hold data or belong to another cluster and take them in "
      + "(FLUSHALL and CLUSTER RESET HARD on those nodes only)")
  boolean force;

  @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
      description = "give up waiting for the cluster to converge after this long (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Option(names = "--dry-run", description = "print the plan and change nothing")
  boolean dryRun;

  @Override
  public Integer call() {
    ClusterSpec loaded = SpecFiles.load(spec, "bootstrap");
    if (loaded == null) {
      return Meridian.EXIT_USAGE;
    }
    PlanResult result = PlacementPlanner.plan(loaded);
    if (result instanceof PlanResult.Refused refused) {
      System.err.println("meridian bootstrap: the spec cannot be built (rule " + refused.rule() + "): "
          + refused.reason());
      return Meridian.EXIT_USAGE;
    }
    PlacementPlan plan = ((PlanResult.Planned) result).plan();
    System.out.println(PlanSummary.describe(loaded, plan));
    if (dryRun) {
      return 0;
    }
    Bootstrap.Result done;
    try {
      done = new Bootstrap(loaded.auth(), Duration.ofSeconds(timeoutSeconds), force,
          line -> System.out.println("  " + line)).run(PlanConversion.toBootstrapPlan(loaded, plan));
    } catch (Bootstrap.Refused e) {
      System.err.println("meridian bootstrap: refused, nothing was changed:");
      e.reasons().forEach(r -> System.err.println("  " + r));
      return Meridian.EXIT_FAILED;
    } catch (AdminCommandException | IllegalStateException e) {
      System.err.println("meridian bootstrap: " + e.getMessage());
      return Meridian.EXIT_FAILED;
    }
    if (done.changedNothing()) {
      System.out.println("bootstrap: the cluster was already formed as planned; nothing changed");
    } else {
      System.out.printf("bootstrap: done in %.1f s, %d change(s):%n", done.took().toMillis() / 1000.0,
          done.changes().size());
      done.changes().forEach(c -> System.out.println("  " + c));
    }
    done.keptAsIs().forEach(k -> System.out.println("  kept: " + k));
    LiveTopology live = LiveTopology.read(loaded, Duration.ofSeconds(5));
    List<Violation> violations = PlacementRules.check(loaded, live.topology());
    CheckCommand.print(loaded, violations);
    EndpointsCommand.print(Endpoints.of(loaded.regionNames(), live.topology()), loaded.auth());
    return violations.isEmpty() ? 0 : Meridian.EXIT_FAILED;
  }
}
