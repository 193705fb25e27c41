package io.meridian.cli;

import io.meridian.agent.Agent;
import io.meridian.agent.AgentVerticle;
import io.meridian.agent.config.AgentConfig;
import io.meridian.agent.config.AgentReload;
import io.meridian.runtime.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true,
    description = "Probe the Redis nodes on this host and report their health to the coordinators.")
final class AgentCommand implements Callable<Integer> {

  /** How the daemon loads, starts and reconfigures an agent. */
  static final Daemon.Role<AgentConfig, AgentVerticle> ROLE = new Daemon.Role<>(
      "agent", AgentConfig::agentId, file -> AgentConfig.load(file, System.getenv()),
      Agent::start, AgentReload::plan, AgentVerticle::reconfigure, AgentConfig::logLevel,
      AgentConfig::bus);

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "agent.yaml (see docs/reference/configuration.md)")
  Path config;

  @Override
  public Integer call() {
    AgentConfig loaded;
    try {
      loaded = ROLE.loader().load(config);
    } catch (ConfigException e) {
      System.err.println("meridian agent: invalid config: " + e.getMessage());
      return Meridian.EXIT_USAGE;
    }
    return new Daemon<>(ROLE, config).run(loaded);
  }
}
