package io.meridian.agent;

import io.meridian.agent.command.CommandVerticle;
import io.meridian.agent.config.AgentConfig;
import io.meridian.agent.fence.FenceVerticle;
import io.meridian.agent.fence.HeldWrites;
import io.meridian.agent.fence.ObservedOwners;
import io.meridian.agent.fence.WriteHoldVerticle;
import io.meridian.messages.NodeAddress;
import io.meridian.runtime.bus.BusProcess;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts an agent process: a lite member of the bus running the {@link AgentVerticle}. */
public final class Agent {

  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private Agent() {
  }

  private static boolean isLoopback(String host) {
    return host.startsWith("127.") || host.equals("localhost") || host.equals("::1") || host.equals("[::1]");
  }

  public static Future<BusProcess<AgentVerticle>> start(AgentConfig config) {
    ObservedOwners owners = new ObservedOwners();
    HeldWrites held = new HeldWrites();
    io.meridian.agent.command.TermFloor termFloor = new io.meridian.agent.command.TermFloor();
    if (config.fencing().enabled()) {
      LOG.atInfo().addKeyValue("agent", config.agentId()).log("write fencing on: once isolated for {} ms (no leader "
          + "that hears a majority, coordinators of fewer than a majority of {} regions heard), writes on the local "
          + "primaries are paused", config.fencing().after().toMillis(),
          config.fencing().regions() > 0 ? config.fencing().regions() : "the leader's");
    } else {
      LOG.atWarn().addKeyValue("agent", config.agentId()).log("write fencing is OFF (fencing.enabled: false): a "
          + "primary here that is cut off from the majority keeps acknowledging writes that the majority's failover "
          + "will replace; the leader waits only leadership.failureTimeout before promoting in its place");
    }
    List<String> remote = config.nodes().stream().filter(node -> !isLoopback(NodeAddress.host(node))).toList();
    if (config.auth().tls().isEmpty() && !remote.isEmpty()) {
      LOG.atWarn().addKeyValue("agent", config.agentId()).addKeyValue("setting", "redis.tls")
          .log("Redis on plain TCP (agent.yaml redis.tls is not set): the probes and commands to {}, and the Redis "
              + "password if the nodes require one, cross the network in clear. Serve the nodes on TLS and set "
              + "redis.tls (docs/reference/configuration.md, \"TLS to Redis\")", remote);
    }
    if (config.spec().isEmpty()) {
      LOG.atWarn().addKeyValue("agent", config.agentId()).addKeyValue("setting", "spec")
          .log("no spec (agent.yaml 'spec' is not set): the leader's MEET, MIGRATE_SLOTS and CONFIGURE are not checked "
              + "against the cluster's nodes and settings before they reach Redis (MIGRATE_SLOTS still only to a member "
              + "of the node's cluster). Give the agent the coordinators' spec file");
    }
    return BusProcess.start("agent", config.agentId(),
        Map.of("cluster", config.cluster(), "region", config.region(), "agent", config.agentId()), config.bus(),
        metrics -> new AgentVerticle(config, metrics, Clock.systemUTC(), owners, held, termFloor::get))
        .compose(process -> process.vertx()
            .deployVerticle(new CommandVerticle(config, () -> process.verticle().agentConfig(),
                process.metrics().registry(), Clock.systemUTC(), held, termFloor))
            .compose(id -> process.vertx().deployVerticle(new WriteHoldVerticle(config,
                () -> process.verticle().agentConfig().nodes(), held, process.metrics().registry())))
            .compose(id -> config.fencing().enabled()
                ? process.vertx().deployVerticle(new FenceVerticle(config, process.metrics().registry(),
                    Clock.systemUTC(), owners, held))
                : Future.succeededFuture(id))
            .map(id -> process));
  }
}
