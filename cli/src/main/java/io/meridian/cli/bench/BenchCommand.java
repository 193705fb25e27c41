package io.meridian.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code meridian bench …}: programs that measure, side by side with a baseline in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks: failover and real partitions against native Redis Cluster, the agent's cost to its node.",
    subcommands = {FailoverBench.class, OverheadBench.class, ScaleBench.class, PartitionBench.class})
public final class BenchCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required: failover, partition, overhead or scale");
  }
}
