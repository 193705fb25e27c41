package io.meridian.cli;

import io.meridian.cli.demo.DemoCommand;
import io.meridian.cli.spec.BootstrapCommand;
import io.meridian.cli.spec.CheckCommand;
import io.meridian.cli.spec.EndpointsCommand;
import io.meridian.cli.spec.FailoverCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code meridian} command. */
@Command(name = "meridian",
    mixinStandardHelpOptions = true,
    versionProvider = Meridian.Version.class,
    description = "Control plane for Redis Cluster spread over several regions.",
    subcommands = {AgentCommand.class, CoordinatorCommand.class, DemoCommand.class, BootstrapCommand.class,
        CheckCommand.class, EndpointsCommand.class, StatusCommand.class, HistoryCommand.class,
        OperatorCommands.Pause.class, OperatorCommands.Resume.class,
        OperatorCommands.Acknowledge.class, FailoverCommand.class, RebalanceCommand.class, OperatorCommands.Switchover.class,
        io.meridian.cli.spec.ScaleCommands.AddNode.class, io.meridian.cli.spec.ScaleCommands.RemoveNode.class,
        io.meridian.cli.bench.BenchCommand.class, WebhookReceiverCommand.class, io.meridian.cli.security.KeygenCommand.class, io.meridian.cli.security.CertsCommand.class, CommandLine.HelpCommand.class})
public final class Meridian implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Exit code for bad input: command line or config file. */
  public static final int EXIT_USAGE = 2;
  /** Exit code when starting failed for another reason (port taken, cluster unreachable). */
  public static final int EXIT_FAILED = 1;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Meridian());
    cli.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      cmd.getErr().println("meridian: " + ex.getMessage());
      cmd.getErr().println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
      return EXIT_USAGE;
    });
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required, e.g. demo, status, history, agent or coordinator (meridian --help lists them all)");
  }

  /** The version written into the build, as /health and meridian_build_info say it. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"meridian " + io.meridian.monitoring.MeridianVersion.current()};
    }
  }
}
