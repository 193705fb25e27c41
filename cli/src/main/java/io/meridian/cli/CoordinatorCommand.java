package io.meridian.cli;

import io.meridian.coordinator.Coordinator;
import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.runtime.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "coordinator", mixinStandardHelpOptions = true,
    description = "Observe the whole cluster from the agents' reports and serve the HTTP API.")
final class CoordinatorCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "coordinator.yaml (see README: Configuration)")
  Path config;

  @Override
  public Integer call() {
    CoordinatorConfig loaded;
    try {
      loaded = CoordinatorConfig.load(config, System.getenv());
    } catch (ConfigException e) {
      System.err.println("meridian coordinator: invalid config: " + e.getMessage());
      return Meridian.EXIT_USAGE;
    }
    return Daemon.run("coordinator " + loaded.coordinatorId(), () -> Coordinator.start(loaded));
  }
}
