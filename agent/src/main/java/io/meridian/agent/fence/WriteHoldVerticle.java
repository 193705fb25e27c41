package io.meridian.agent.fence;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.config.AgentConfig;
import io.meridian.agent.redis.InfoText;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leader's holds ({@link HeldWrites}) in force: renews the pause on a held node while it
 * is still a primary, and releases it once the node follows another primary (Redis demotes a
 * replaced primary when it hears the new one) or is no longer watched. The pause itself lasts
 * {@link FenceVerticle#PAUSE}: an agent that dies stops renewing it, and writes resume by themselves.
 */
public final class WriteHoldVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WriteHoldVerticle.class);

  private final AgentConfig config;
  private final Supplier<java.util.List<String>> watched;
  private final HeldWrites held;
  private final MeterRegistry registry;
  private final Map<String, NodeAdmin> admins = new HashMap<>();
  private boolean busy;
  private long timer = -1;
  /** Its own thread, for the reason the fence has one (see {@code FenceVerticle}). */
  private WorkerExecutor worker;
  /** Held nodes the last renewal failed on (reported once per failure). */
  private final java.util.Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public WriteHoldVerticle(AgentConfig config, Supplier<java.util.List<String>> watched, HeldWrites held,
      MeterRegistry registry) {
    this.config = config;
    this.watched = watched;
    this.held = held;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    worker = vertx.createSharedWorkerExecutor("meridian-write-hold-" + config.agentId(), 1);
    Gauge.builder("meridian_agent_writes_held", () -> held.snapshot().size())
        .description("Nodes whose writes this agent holds paused on the leader's order (before it promotes in "
            + "their place)")
        .register(registry);
    timer = vertx.setPeriodic(FenceVerticle.CHECK_EVERY.toMillis(), id -> renew());
    return Future.succeededFuture();
  }

  private void renew() {
    if (busy || held.snapshot().isEmpty()) {
      return;
    }
    busy = true;
    worker.executeBlocking(() -> {
      held.snapshot().forEach(this::renew);
      return null;
    }, false).onComplete(ar -> busy = false);
  }

  /** On a worker. */
  private void renew(String node, HeldWrites.Hold hold) {
    if (!watched.get().contains(node)) {
      held.release(node);
      LOG.atWarn().addKeyValue("node", node).log("released the leader's write hold on {}: the agent no longer watches "
          + "it", node);
      return;
    }
    NodeAdmin admin = admins.computeIfAbsent(node, n -> new NodeAdmin(n, config.auth(), Duration.ofSeconds(2)));
    try {
      InfoText info = InfoText.parse(admin.info("replication"));
      if (info.get("role").filter("master"::equals).isPresent()) {
        admin.call("CLIENT", "PAUSE", FenceVerticle.PAUSE.toMillis(), "WRITE");
        if (failing.remove(node)) {
          LOG.atInfo().addKeyValue("node", node).log("the write hold on {} is renewed again", node);
        }
        return;
      }
      held.release(node);
      admin.call("CLIENT", "UNPAUSE");
      LOG.atInfo().addKeyValue("node", node).addKeyValue("term", hold.term()).log("{} follows {} now: the write "
          + "hold leader {} ordered at {} is released", node, info.get("master_host").map(h -> h + ":"
          + info.get("master_port").orElse("?")).orElse("another primary"), hold.leader(), hold.since());
    } catch (RuntimeException e) {
      // A node that does not answer takes no writes either; the hold stays for when it does.
      if (failing.add(node)) {
        LOG.atWarn().addKeyValue("node", node).log("could not renew the write hold on {}: {}; retried every {} ms",
            node, e.getMessage(), FenceVerticle.CHECK_EVERY.toMillis());
      }
    }
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return worker.executeBlocking(() -> {
      admins.values().forEach(NodeAdmin::close);
      return null;
    }, false).andThen(ar -> worker.close());
  }
}
