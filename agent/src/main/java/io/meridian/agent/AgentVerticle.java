package io.meridian.agent;

import io.meridian.agent.config.AgentConfig;
import io.meridian.agent.fence.ObservedOwners;
import io.meridian.agent.metrics.RedisSeries;
import io.meridian.agent.metrics.SendFailures;
import io.meridian.monitoring.GaugeSet;
import io.meridian.monitoring.MeridianVersion;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageProducer;
import io.meridian.agent.probe.NodeProbe;
import io.meridian.agent.probe.NodeStats;
import io.meridian.agent.probe.ProbeResources;
import io.meridian.agent.probe.ProbeResult;
import io.meridian.agent.report.HealthTransitions;
import io.meridian.agent.report.ReportGate;
import io.meridian.messages.Addresses;
import io.meridian.messages.NodeHealthReport;
import io.meridian.monitoring.MeridianMetrics;
import io.meridian.runtime.http.HttpEndpoints;
import io.meridian.runtime.http.HttpTls;
import io.meridian.runtime.http.Readiness;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every local Redis node on a fixed cadence and publishes its health report to its
 * region's address when it changed, or when the node went unreported for {@code probe.reportEvery}
 * ({@link ReportGate}); metrics and the log follow every round. A round that is still running
 * when the next is due is not doubled up: the slow node is simply probed again when its probe
 * completes (its own timeout bounds how late that is). Serves {@code /health}, {@code /ready} and {@code /metrics} when its
 * config gives an HTTP port.
 */
public final class AgentVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);

  private final MeridianMetrics metrics;
  private final Clock clock;
  private final ObservedOwners owners;
  private final io.meridian.agent.fence.HeldWrites held;
  private final HealthTransitions transitions = new HealthTransitions();
  /** Which rounds' reports go on the bus: changes at once, an unchanged node once per reportEvery. */
  private ReportGate gate;
  /** Watched nodes in config order; touched on this verticle's context only. */
  private final Map<String, Slot> slots = new LinkedHashMap<>();
  private volatile AgentConfig config;
  private ProbeResources resources;
  private HttpServer server;
  private long timerId = -1;
  private volatile long reportsPublished;
  private MessageProducer<Buffer> reports;
  private SendFailures sendFailures;
  private final java.util.function.LongSupplier termSeen;

  /**
   * @param owners   where each answered probe's view of the slot owners goes (the write fence reads it)
   * @param held     the leader's write holds: each report says whether its node is held
   * @param termSeen the highest leader term seen, which each report carries
   */
  public AgentVerticle(AgentConfig config, MeridianMetrics metrics, Clock clock, ObservedOwners owners,
      io.meridian.agent.fence.HeldWrites held, java.util.function.LongSupplier termSeen) {
    this.config = config;
    this.termSeen = termSeen;
    this.metrics = metrics;
    this.clock = clock;
    this.owners = owners;
    this.held = held;
  }

  /**
   * One node: its probe, the probe running now (if any), its report sequence, whether it has
   * reported since it was added, and whether a reload retired it (then it is closed as soon as
   * no probe runs on it).
   */
  private static final class Slot {
    final NodeProbe probe;
    /** The node's redis_* series; kept across a probe replaced by a reload. */
    final GaugeSet series;
    Future<ProbeResult> inFlight;
    long seq;
    boolean reported;
    boolean retired;

    Slot(NodeProbe probe, GaugeSet series) {
      this.probe = probe;
      this.series = series;
    }

    void retire() {
      retired = true;
      if (inFlight == null) {
        probe.close();
      }
    }
  }

  @Override
  public Future<?> start() {
    resources = new ProbeResources();
    AgentConfig c = config;
    reports = vertx.eventBus().publisher(Addresses.health(c.region()));
    gate = new ReportGate(c.reportEvery(), c.probeInterval());
    sendFailures = new SendFailures(metrics.registry(), "health");
    c.nodes().forEach(node -> slots.put(node, newSlot(node, c)));
    timerId = vertx.setPeriodic(0, c.probeInterval().toMillis(), id -> round());
    LOG.atInfo()
        .addKeyValue("agent", c.agentId())
        .addKeyValue("region", c.region())
        .log("agent {} probing {} every {} ms (timeout {} ms), reporting changes at once and an unchanged node every {} ms"
            + " to {}", c.agentId(), c.nodes(), c.probeInterval().toMillis(), c.probeTimeout().toMillis(),
            c.reportEvery().toMillis(), Addresses.health(c.region()));
    if (c.httpPort() == 0) {
      return Future.succeededFuture();
    }
    return HttpEndpoints.serve(vertx, HttpEndpoints.router(vertx, metrics, this::health, this::readiness),
            c.httpHost(), c.httpPort(), c.httpTls())
        .onSuccess(s -> {
          server = s;
          LOG.atInfo().addKeyValue("agent", c.agentId())
              .log("agent {} serves /health, /ready and /metrics on {}://{}:{}", c.agentId(),
                  HttpTls.scheme(c.httpTls()), c.httpHost(), s.actualPort());
        })
        .recover(err -> Future.failedFuture(new IllegalStateException("cannot serve HTTP on " + c.httpHost() + ":"
            + c.httpPort() + " (set http.port in the agent's config, 0 to disable): " + err.getMessage(), err)));
  }

  private Slot newSlot(String node, AgentConfig c) {
    return newSlot(node, c, new GaugeSet(metrics, RedisSeries.HELP));
  }

  private Slot newSlot(String node, AgentConfig c, GaugeSet series) {
    return new Slot(new NodeProbe(node, context, resources, c.probeTimeout(), c.auth()), series);
  }

  private void round() {
    for (Slot slot : slots.values()) {
      if (slot.inFlight != null) {
        continue;
      }
      slot.inFlight = slot.probe.probe();
      slot.inFlight.onComplete(ar -> {
        slot.inFlight = null;
        if (slot.retired) {
          slot.probe.close();
        } else if (ar.succeeded()) {
          publish(slot, ar.result());
        } else {
          // probe() recovers every failure; reaching here is a bug worth a stack trace.
          LOG.error("probe of {} failed unexpectedly", slot.probe.node(), ar.cause());
        }
      });
    }
  }

  private void publish(Slot slot, ProbeResult result) {
    AgentConfig c = config;
    MeterRegistry registry = metrics.registry();
    NodeHealthReport report = new NodeHealthReport(c.agentId(), c.cluster(), c.region(),
        slot.probe.node(), slot.seq + 1, clock.millis(), result.latencyMicros(), result.failure(), result.state(),
        c.fencing().afterMillisReported(), held.held(slot.probe.node()), MeridianVersion.current(),
        termSeen.getAsLong());
    result.stats().flatMap(NodeStats::owners).ifPresent(o -> owners.record(report.node(), o));
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
        .addKeyValue("region", c.region())
        .log(change));
    slot.series.replace(RedisSeries.of(report.node(), result));
    if (!gate.admit(report, report.observedAt())) {
      return;
    }
    slot.seq++;
    sendFailures.watch(reports.write(config.bus().seal().encode(report)));
    slot.reported = true;
    reportsPublished++;
  }

  /** The config in force (a reload replaces it). */
  public AgentConfig agentConfig() {
    return config;
  }

  /**
   * Takes over what a reload may change (see {@code AgentReload}): nodes added start being probed
   * in the next round, nodes removed are closed once their probe in flight (if any) ends, a new
   * timeout gives every node a fresh probe (sequence numbers carry on), a new interval restarts
   * the cadence. Identity, credentials, bus and HTTP are not touched. Runs on this verticle's
   * context; the future completes once the new settings are in force.
   */
  public Future<Void> reconfigure(AgentConfig next) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        // The certificate first: should it not load, nothing else of this reload is taken either.
        HttpTls.renew(server, config.httpTls(), next.httpTls()).onSuccess(x -> {
          apply(next);
          done.complete();
        }).onFailure(done::fail);
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    return done.future();
  }

  private void apply(AgentConfig next) {
    AgentConfig before = config;
    boolean newTimeout = !next.probeTimeout().equals(before.probeTimeout());
    Map<String, Slot> kept = new LinkedHashMap<>();
    for (String node : next.nodes()) {
      Slot old = slots.remove(node);
      if (old == null) {
        kept.put(node, newSlot(node, next));
      } else if (newTimeout) {
        old.retire();
        Slot fresh = newSlot(node, next, old.series);
        fresh.seq = old.seq;
        fresh.reported = old.reported;
        kept.put(node, fresh);
      } else {
        kept.put(node, old);
      }
    }
    for (Slot removed : slots.values()) {
      gate.forget(removed.probe.node());
      removed.retire();
      removed.series.clear();
      forgetMeters(removed.probe.node());
      owners.forget(removed.probe.node());
    }
    slots.clear();
    slots.putAll(kept);
    config = next;
    if (!next.reportEvery().equals(before.reportEvery()) || !next.probeInterval().equals(before.probeInterval())) {
      gate = new ReportGate(next.reportEvery(), next.probeInterval());
    }
    if (!next.probeInterval().equals(before.probeInterval())) {
      vertx.cancelTimer(timerId);
      timerId = vertx.setPeriodic(0, next.probeInterval().toMillis(), id -> round());
    }
  }

  /** A node no longer watched leaves no series behind that would look like a frozen node. */
  private void forgetMeters(String node) {
    MeterRegistry registry = metrics.registry();
    List.copyOf(registry.getMeters()).stream()
        .filter(m -> node.equals(m.getId().getTag("node")))
        .forEach(registry::remove);
  }

  /** Ready once every watched node has been probed and reported at least once. */
  private Readiness readiness() {
    List<String> waiting = new ArrayList<>();
    List<Slot> current = List.copyOf(slots.values());
    for (Slot slot : current) {
      if (!slot.reported) {
        waiting.add(slot.probe.node());
      }
    }
    return waiting.isEmpty()
        ? Readiness.ready("on the bus; every watched node reported: " + config.nodes())
        : Readiness.notReady("on the bus; waiting for the first report of " + waiting);
  }

  private JsonObject health() {
    AgentConfig c = config;
    return new JsonObject()
        .put("status", "up")
        .put("role", "agent")
        .put("agent", c.agentId())
        .put("region", c.region())
        .put("nodes", new JsonArray(c.nodes()))
        .put("probeIntervalMs", c.probeInterval().toMillis())
        .put("reportEveryMs", c.reportEvery().toMillis())
        .put("reportsPublished", reportsPublished);
  }

  /** Reports published since start (for readiness checks and tests). */
  public long reportsPublished() {
    return reportsPublished;
  }

  /** The settings in force (the start config with any reloaded changes). */
  public AgentConfig currentConfig() {
    return config;
  }

  /** The port of the HTTP server, or -1 without one. */
  public int httpPort() {
    return server == null ? -1 : server.actualPort();
  }

  /**
   * Stops probing, lets the probes in flight finish (each is bounded by the probe timeout) so no
   * connection is cut mid-command, then closes connections and the HTTP server. Commands from the
   * leader, once the agent takes them, belong here too: refuse new ones, finish those in flight.
   */
  @Override
  public Future<?> stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    List<Future<ProbeResult>> inFlight = new ArrayList<>();
    for (Slot slot : slots.values()) {
      if (slot.inFlight != null) {
        inFlight.add(slot.inFlight);
      }
    }
    return Future.join(inFlight).transform(ignored -> {
      slots.values().forEach(s -> s.probe.close());
      slots.clear();
      if (reports != null) {
        reports.close();
      }
      if (resources != null) {
        resources.close();
      }
      return server == null ? Future.succeededFuture() : server.close();
    });
  }
}
