package io.meridian.cli;

import io.meridian.coordinator.Coordinator;
import io.meridian.coordinator.CoordinatorVerticle;
import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.coordinator.config.CoordinatorReload;
import io.meridian.runtime.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "coordinator", mixinStandardHelpOptions = true,
    description = "Observe the whole cluster from the agents' reports and serve the HTTP API.")
final class CoordinatorCommand implements Callable<Integer> {

  /** How the daemon loads, starts and reconfigures a coordinator. */
  static final Daemon.Role<CoordinatorConfig, CoordinatorVerticle> ROLE = new Daemon.Role<>(
      "coordinator", CoordinatorConfig::coordinatorId, file -> CoordinatorConfig.load(file, System.getenv()),
      Coordinator::start, CoordinatorReload::plan, CoordinatorVerticle::reconfigure, CoordinatorConfig::logLevel,
      CoordinatorConfig::bus);

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "coordinator.yaml (see docs/reference/configuration.md)")
  Path config;

  @Override
  public Integer call() {
    CoordinatorConfig loaded;
    try {
      loaded = ROLE.loader().load(config);
    } catch (ConfigException e) {
      System.err.println("meridian coordinator: invalid config: " + e.getMessage());
      return Meridian.EXIT_USAGE;
    }
    return new Daemon<>(ROLE, config).run(loaded);
  }
}
