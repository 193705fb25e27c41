package io.meridian.agent;

import io.meridian.agent.config.AgentConfig;
import io.meridian.monitoring.MeridianMetrics;
import io.meridian.runtime.bus.ClusteredVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running agent process: clustered Vert.x (lite member), metrics and the probing verticle. */
public final class Agent {

  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final AgentConfig config;
  private final Vertx vertx;
  private final MeridianMetrics metrics;
  private final AgentVerticle verticle;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private Agent(AgentConfig config, Vertx vertx, MeridianMetrics metrics, AgentVerticle verticle) {
    this.config = config;
    this.vertx = vertx;
    this.metrics = metrics;
    this.verticle = verticle;
  }

  public static Future<Agent> start(AgentConfig config) {
    MeridianMetrics metrics = MeridianMetrics.create("agent",
        Map.of("cluster", config.cluster(), "region", config.region(), "agent", config.agentId()));
    return ClusteredVertx.start(config.bus(), true)
        .compose(vertx -> {
          AgentVerticle verticle = new AgentVerticle(config, metrics.registry(), Clock.systemUTC());
          return vertx.deployVerticle(verticle)
              .map(id -> new Agent(config, vertx, metrics, verticle))
              .recover(err -> vertx.close().transform(ignored -> Future.<Agent>failedFuture(err)));
        })
        .onFailure(err -> metrics.close());
  }

  public AgentConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public MeridianMetrics metrics() {
    return metrics;
  }

  public long reportsPublished() {
    return verticle.reportsPublished();
  }

  /** Stops probing, leaves the cluster and releases everything; safe to call twice. */
  public Future<Void> stop() {
    if (!stopped.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    LOG.info("agent {} stopping: leaving the cluster", config.agentId());
    return vertx.close().onComplete(ar -> metrics.close());
  }
}
