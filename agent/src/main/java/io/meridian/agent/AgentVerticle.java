package io.meridian.agent;

import io.meridian.agent.config.AgentConfig;
import io.meridian.agent.probe.NodeProbe;
import io.meridian.agent.probe.ProbeResources;
import io.meridian.agent.probe.ProbeResult;
import io.meridian.agent.report.HealthTransitions;
import io.meridian.messages.Addresses;
import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.Wire;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every local Redis node on a fixed cadence and publishes one health report per node per
 * round to its region's address. A round that is still running when the next is due is not
 * doubled up: the slow node is simply probed again when its probe completes (its own timeout
 * bounds how late that is).
 */
public final class AgentVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);

  private final AgentConfig config;
  private final MeterRegistry registry;
  private final Clock clock;
  private final List<Slot> slots = new ArrayList<>();
  private final HealthTransitions transitions = new HealthTransitions();
  private ProbeResources resources;
  private long timerId = -1;
  private volatile long reportsPublished;

  public AgentVerticle(AgentConfig config, MeterRegistry registry, Clock clock) {
    this.config = config;
    this.registry = registry;
    this.clock = clock;
  }

  /** One node: its probe, whether a probe is running, and its report sequence. */
  private static final class Slot {
    final NodeProbe probe;
    boolean inFlight;
    long seq;

    Slot(NodeProbe probe) {
      this.probe = probe;
    }
  }

  @Override
  public Future<?> start() {
    resources = new ProbeResources();
    for (String node : config.nodes()) {
      slots.add(new Slot(new NodeProbe(node, context, resources, config.probeTimeout(), config.auth())));
    }
    timerId = vertx.setPeriodic(0, config.probeInterval().toMillis(), id -> round());
    LOG.atInfo()
        .addKeyValue("agent", config.agentId())
        .addKeyValue("region", config.region())
        .log("agent {} probing {} every {} ms (timeout {} ms), reporting to {}", config.agentId(), config.nodes(),
            config.probeInterval().toMillis(), config.probeTimeout().toMillis(), Addresses.health(config.region()));
    return Future.succeededFuture();
  }

  private void round() {
    for (Slot slot : slots) {
      if (slot.inFlight) {
        continue;
      }
      slot.inFlight = true;
      slot.probe.probe().onComplete(ar -> {
        slot.inFlight = false;
        if (ar.succeeded()) {
          publish(slot, ar.result());
        } else {
          // probe() recovers every failure; reaching here is a bug worth a stack trace.
          LOG.error("probe of {} failed unexpectedly", slot.probe.node(), ar.cause());
        }
      });
    }
  }

  private void publish(Slot slot, ProbeResult result) {
    NodeHealthReport report = new NodeHealthReport(config.agentId(), config.cluster(), config.region(),
        slot.probe.node(), ++slot.seq, clock.millis(), result.latencyMicros(), result.failure(), result.state());
    Timer.builder("meridian_agent_probe_duration")
        .description("Probe round-trip time per node")
        .tag("node", report.node())
        .publishPercentileHistogram()
        .maximumExpectedValue(Duration.ofSeconds(5))
        .register(registry)
        .record(Duration.ofNanos(result.latencyMicros() * 1000));
    result.failure().ifPresent(f -> Counter.builder("meridian_agent_probe_failures")
        .description("Probes that got no answer, by reason")
        .tag("node", report.node())
        .tag("reason", f.kind().name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment());
    transitions.observe(report).ifPresent(change -> LOG.atInfo()
        .addKeyValue("node", report.node())
        .addKeyValue("region", config.region())
        .log(change));
    vertx.eventBus().publish(Addresses.health(config.region()), Wire.encode(report));
    reportsPublished++;
  }

  /** Reports published since start (for readiness checks and tests). */
  public long reportsPublished() {
    return reportsPublished;
  }

  @Override
  public Future<?> stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    slots.forEach(s -> s.probe.close());
    slots.clear();
    if (resources != null) {
      resources.close();
    }
    return Future.succeededFuture();
  }
}
