package io.meridian.cli.spec;

import io.meridian.cli.Meridian;
import io.meridian.coordinator.endpoints.Endpoints;
import io.meridian.runtime.spec.ClusterSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meridian endpoints}: what to give a cluster-mode client. */
@Command(name = "endpoints", mixinStandardHelpOptions = true,
    description = "List the addresses to give a cluster-mode client: primaries first, grouped by region.")
public final class EndpointsCommand implements Callable<Integer> {

  @Option(names = "--spec", required = true, paramLabel = "FILE", description = "cluster spec (see docs/reference/configuration.md: spec.yaml)")
  Path spec;

  @Override
  public Integer call() {
    ClusterSpec loaded = SpecFiles.load(spec, "endpoints");
    if (loaded == null) {
      return Meridian.EXIT_USAGE;
    }
    LiveTopology live = LiveTopology.read(loaded, Duration.ofSeconds(5));
    List<Endpoints.Endpoint> endpoints = Endpoints.of(loaded.regionNames(), live.topology());
    if (endpoints.isEmpty()) {
      System.err.println("meridian endpoints: no node of the spec answered: " + live.unreachable());
      return Meridian.EXIT_FAILED;
    }
    print(endpoints, loaded.auth());
    return 0;
  }

  public static void print(List<Endpoints.Endpoint> endpoints, io.meridian.runtime.config.RedisAuth auth) {
    for (Endpoints.Endpoint e : endpoints) {
      System.out.printf("  %-8s %-12s %s%n", e.primary() ? "primary" : "replica", e.region(), e.address());
    }
    System.out.println("seeds:  " + String.join(",", endpoints.stream().filter(Endpoints.Endpoint::primary)
        .map(Endpoints.Endpoint::address).toList()));
    System.out.println("client: " + Endpoints.redisCli(endpoints, auth));
  }
}
