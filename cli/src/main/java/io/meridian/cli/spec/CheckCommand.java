package io.meridian.cli.spec;

import io.meridian.cli.Meridian;
import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.coordinator.placement.Violation;
import io.meridian.runtime.spec.ClusterSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meridian check}: the live cluster against the spec's rules. Exit 0 clean, 1 violations, 2 bad input. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Read the live cluster and list every violation of the spec's rules (exit 0 clean, 1 violations, 2 bad input).")
public final class CheckCommand implements Callable<Integer> {

  @Option(names = "--spec", required = true, paramLabel = "FILE", description = "cluster spec (see docs/reference/configuration.md: spec.yaml)")
  Path spec;

  @Option(names = "--timeout", defaultValue = "5", paramLabel = "SECONDS",
      description = "how long to wait for each node to answer (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Override
  public Integer call() {
    ClusterSpec loaded = SpecFiles.load(spec, "check");
    if (loaded == null) {
      return Meridian.EXIT_USAGE;
    }
    LiveTopology live = LiveTopology.read(loaded, Duration.ofSeconds(timeoutSeconds));
    List<Violation> violations = PlacementRules.check(loaded, live.topology());
    live.unreachable().forEach((node, why) -> System.out.println("unreachable: " + node + ": " + why));
    print(loaded, violations);
    return violations.isEmpty() ? 0 : 1;
  }

  static void print(ClusterSpec spec, List<Violation> violations) {
    if (violations.isEmpty()) {
      System.out.printf("check: clean: %d nodes in %d regions match the %s topology's rules and settings%n",
          spec.nodeCount(), spec.regions().size(), spec.topology().label());
      return;
    }
    System.out.printf("check: %d violation(s) of the %s topology's rules:%n", violations.size(),
        spec.topology().label());
    for (Violation v : violations) {
      System.out.printf("  %-28s %-22s %s%n", v.rule(), v.subject(), v.message());
    }
  }
}
