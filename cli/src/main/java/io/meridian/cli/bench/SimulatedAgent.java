package io.meridian.cli.bench;

import io.meridian.agent.config.AgentConfig;
import io.meridian.agent.report.ReportGate;
import io.meridian.messages.Addresses;
import io.meridian.messages.Command;
import io.meridian.messages.CommandResult;
import io.meridian.messages.MessageRejected;
import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.ProbeFailure;
import io.meridian.messages.RedisState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * One agent host of {@code meridian bench scale}: "probes" its simulated nodes at the agent's
 * default interval and reports them on the real event bus as a real agent does (a change at once,
 * an unchanged node once per default {@code reportEvery}, through the agent's own {@link ReportGate}),
 * in the real wire format, and answers the leader's promotions
 * as a real agent would (the promoted node then reports itself primary of the shard). No Redis.
 */
final class SimulatedAgent extends VerticleBase {

  private final String id;
  private final String cluster;
  private final String region;
  private final List<SimulatedCluster.Node> nodes;
  private final SimulatedCluster topology;
  private final long intervalMs;
  private final BiConsumer<String, Long> onPromotion;
  private final ReportGate gate;
  private long seq;

  /**
   * @param onPromotion told (node address, arrival in System.nanoTime) when a promotion command
   *                    arrives for one of this agent's nodes
   */
  private final io.meridian.messages.Seal seal;

  SimulatedAgent(String id, String cluster, String region, io.meridian.messages.Seal seal,
      List<SimulatedCluster.Node> nodes, SimulatedCluster topology, long intervalMs, BiConsumer<String, Long> onPromotion) {
    this.id = id;
    this.seal = seal;
    this.cluster = cluster;
    this.region = region;
    this.nodes = List.copyOf(nodes);
    this.topology = topology;
    this.intervalMs = intervalMs;
    this.onPromotion = onPromotion;
    this.gate = new ReportGate(AgentConfig.DEFAULT_REPORT_EVERY, java.time.Duration.ofMillis(intervalMs));
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic((long) (Math.random() * intervalMs) + 1, intervalMs, t -> report());
    return vertx.eventBus().<Buffer>consumer(Addresses.commands(id), this::onCommand).completion();
  }

  private void report() {
    long now = System.currentTimeMillis();
    seq++;
    for (SimulatedCluster.Node n : nodes) {
      Optional<ProbeFailure> failure = topology.isDead(n.address())
          ? Optional.of(new ProbeFailure(ProbeFailure.Kind.REFUSED, "connection refused by " + n.address()))
          : Optional.empty();
      Optional<RedisState> state = topology.isDead(n.address()) ? Optional.empty() : Optional.of(topology.state(n));
      NodeHealthReport report = new NodeHealthReport(id, cluster, region, n.address(), seq, now, 150, failure, state);
      if (gate.admit(report, now)) {
        vertx.eventBus().publish(Addresses.health(region), seal.encode(report));
      }
    }
  }

  private void onCommand(Message<Buffer> message) {
    if (message.headers().contains(Addresses.WARM_UP_HEADER)) {
      return;
    }
    long arrived = System.nanoTime();
    Command command;
    try {
      command = seal.open(message.body(), Command.class);
    } catch (MessageRejected e) {
      message.fail(400, e.getMessage());
      return;
    }
    CommandResult.Outcome outcome;
    String detail;
    if (command.kind() == Command.Kind.FAILOVER_FORCE || command.kind() == Command.Kind.FAILOVER_TAKEOVER) {
      onPromotion.accept(command.target(), arrived);
      topology.promote(command.target());
      outcome = CommandResult.Outcome.EXECUTED;
      detail = "OK (simulated)";
    } else {
      outcome = CommandResult.Outcome.REFUSED;
      detail = "the scale benchmark simulates promotions only";
    }
    message.reply(seal.encode(new CommandResult(id, command.id(), command.term(), command.target(), outcome, detail,
        System.currentTimeMillis())));
  }
}
