package io.meridian.agent.fence;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.config.AgentConfig;
import io.meridian.messages.Addresses;
import io.meridian.messages.ClusterEvent;
import io.meridian.messages.Wire;
import io.meridian.messages.InboundGate;
import io.meridian.messages.LeaderAnnouncement;
import io.meridian.messages.ReachabilityReport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses writes ({@code CLIENT PAUSE … WRITE}) on the primaries of this host while the agent is
 * isolated (see {@link WriteFence}), renews the pause every second, and lifts it when contact
 * returns. The pause outlives a dead agent by at most {@link #PAUSE} and then expires by itself.
 */
public final class FenceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FenceVerticle.class);
  /** Length of each pause; renewed every second, so writes resume at most this long after the agent is gone. */
  static final Duration PAUSE = Duration.ofSeconds(3);

  private final AgentConfig config;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, Instant> heardFrom = new HashMap<>();
  private final Map<String, NodeAdmin> admins = new HashMap<>();
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private Optional<Instant> lastLeader = Optional.empty();
  private Instant startedAt;
  private volatile boolean fenced;
  private boolean busy;
  private long timer = -1;

  public FenceVerticle(AgentConfig config, MeterRegistry registry, Clock clock) {
    this.config = config;
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    startedAt = clock.instant();
    InboundGate gate = new InboundGate(registry, "agent");
    MessageConsumer<Object> leaders = vertx.eventBus().consumer(Addresses.LEADER,
        m -> gate.accept(m.body(), Addresses.LEADER, LeaderAnnouncement.class)
            .ifPresent(a -> lastLeader = Optional.of(clock.instant())));
    MessageConsumer<Object> reach = vertx.eventBus().consumer(Addresses.REACHABILITY,
        m -> gate.accept(m.body(), Addresses.REACHABILITY, ReachabilityReport.class)
            .ifPresent(r -> heardFrom.put(r.region(), clock.instant())));
    consumers.add(leaders);
    consumers.add(reach);
    Gauge.builder("meridian_agent_write_fence", () -> fenced ? 1 : 0)
        .description("1 while this agent pauses writes on its primaries because it is isolated")
        .register(registry);
    timer = vertx.setPeriodic(1000, id -> check());
    return Future.all(leaders.completion(), reach.completion());
  }

  private void check() {
    if (busy) {
      return;
    }
    Instant now = clock.instant();
    WriteFence.Verdict verdict = WriteFence.decide(now, lastLeader, heardFrom, config.fencing().regions(),
        config.fencing().after(), startedAt);
    if (verdict == WriteFence.Verdict.LIFT && !fenced) {
      return;
    }
    boolean wasFenced = fenced;
    if ((verdict == WriteFence.Verdict.FENCE) != wasFenced) {
      TreeSet<String> recent = new TreeSet<>();
      heardFrom.forEach((region, at) -> {
        if (!at.isBefore(now.minus(config.fencing().after()))) {
          recent.add(region);
        }
      });
      String reason = WriteFence.reason(verdict, lastLeader, recent, config.fencing().regions(), config.fencing().after());
      if (verdict == WriteFence.Verdict.FENCE) {
        LOG.atWarn().addKeyValue("agent", config.agentId()).log(reason);
      } else {
        LOG.atInfo().addKeyValue("agent", config.agentId()).log(reason);
      }
      // For the notification webhooks. Sent into a partition it may reach no one; fence off (contact
      // back) always gets through, and says what happened.
      boolean on = verdict == WriteFence.Verdict.FENCE;
      vertx.eventBus().publish(Addresses.EVENTS, Wire.encode(new ClusterEvent(config.agentId(),
          on ? ClusterEvent.Kind.FENCE_ON : ClusterEvent.Kind.FENCE_OFF,
          on ? ClusterEvent.Severity.CRITICAL : ClusterEvent.Severity.INFO, Optional.of(config.region()),
          Optional.empty(), reason, clock.millis())));
    }
    fenced = verdict == WriteFence.Verdict.FENCE;
    busy = true;
    vertx.executeBlocking(() -> {
      apply(verdict);
      return null;
    }, true).onComplete(ar -> {
      busy = false;
      if (ar.failed()) {
        LOG.warn("write fence {} failed: {}", verdict, ar.cause().getMessage());
      }
    });
  }

  /** On a worker: pause (renew) writes on every local primary, or lift the pause everywhere. */
  private void apply(WriteFence.Verdict verdict) {
    for (String node : config.nodes()) {
      NodeAdmin admin = admins.computeIfAbsent(node, n -> new NodeAdmin(n, config.auth(), Duration.ofSeconds(2)));
      try {
        if (verdict == WriteFence.Verdict.FENCE) {
          if (admin.info("replication").contains("role:master")) {
            admin.call("CLIENT", "PAUSE", PAUSE.toMillis(), "WRITE");
          }
        } else {
          admin.call("CLIENT", "UNPAUSE");
        }
      } catch (RuntimeException e) {
        LOG.debug("write fence on {}: {}", node, e.getMessage());
      }
    }
  }

  public boolean fenced() {
    return fenced;
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    consumers.forEach(MessageConsumer::unregister);
    return vertx.executeBlocking(() -> {
      admins.values().forEach(NodeAdmin::close);
      return null;
    });
  }
}
