package io.meridian.agent;

import io.meridian.agent.command.CommandVerticle;
import io.meridian.agent.config.AgentConfig;
import io.meridian.agent.fence.FenceVerticle;
import io.meridian.agent.fence.ObservedOwners;
import io.meridian.runtime.bus.BusProcess;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Map;

/** Starts an agent process: a lite member of the bus running the {@link AgentVerticle}. */
public final class Agent {

  private Agent() {
  }

  public static Future<BusProcess<AgentVerticle>> start(AgentConfig config) {
    ObservedOwners owners = new ObservedOwners();
    return BusProcess.start("agent", config.agentId(),
        Map.of("cluster", config.cluster(), "region", config.region(), "agent", config.agentId()), config.bus(),
        metrics -> new AgentVerticle(config, metrics, Clock.systemUTC(), owners))
        .compose(process -> process.vertx()
            .deployVerticle(new CommandVerticle(config, () -> process.verticle().agentConfig().nodes(),
                process.metrics().registry(), Clock.systemUTC()))
            .compose(id -> config.fencing().enabled()
                ? process.vertx().deployVerticle(new FenceVerticle(config, process.metrics().registry(),
                    Clock.systemUTC(), owners))
                : Future.succeededFuture(id))
            .map(id -> process));
  }
}
