package io.meridian.agent.config;

import io.meridian.runtime.config.Durations;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.config.Reload;
import io.meridian.runtime.bus.BusConfig;
import io.meridian.runtime.http.HttpTls;
import io.meridian.runtime.spec.ClusterSpec;
import java.util.Optional;

/**
 * What an agent can take from a re-read {@code agent.yaml} without a restart: the nodes it
 * watches, the spec it checks the leader's cluster changes against (re-read too), how often and how patiently it probes them, how often it reports an unchanged node, the log level, and
 * its HTTPS certificate (see {@link HttpTls#reload}) and its bus TLS files ({@link BusConfig#reload}). Its identity, its
 * credentials, its bus membership and its HTTP socket are fixed at start. Pure.
 */
public final class AgentReload {

  private AgentReload() {
  }

  private static String summary(Optional<ClusterSpec> spec) {
    return spec.map(s -> "cluster " + s.cluster() + ", " + s.nodeCount() + " nodes").orElse("(none)");
  }

  public static Reload<AgentConfig> plan(AgentConfig running, AgentConfig loaded) {
    Reload.Builder plan = new Reload.Builder();
    Optional<HttpTls> httpTls = HttpTls.reload(plan, running.httpTls(), loaded.httpTls());
    BusConfig bus = BusConfig.reload(plan, running.bus(), loaded.bus());
    AgentConfig effective = new AgentConfig(running.agentId(), running.cluster(), running.region(), loaded.nodes(),
        loaded.probeInterval(), loaded.probeTimeout(), loaded.reportEvery(), running.auth(), bus, running.httpHost(),
        running.httpPort(), loaded.logLevel(), running.fencing(), httpTls, loaded.spec());
    return plan
        .safe("nodes", running.nodes(), loaded.nodes())
        .safe("probe.interval", Durations.format(running.probeInterval()), Durations.format(loaded.probeInterval()))
        .safe("probe.timeout", Durations.format(running.probeTimeout()), Durations.format(loaded.probeTimeout()))
        .safe("probe.reportEvery", Durations.format(running.reportEvery()), Durations.format(loaded.reportEvery()))
        .safe("log.level", running.logLevel(), loaded.logLevel())
        .safe("spec", running.spec(), loaded.spec(), AgentReload::summary)
        .restart("cluster", running.cluster(), loaded.cluster())
        .restart("region", running.region(), loaded.region())
        .restart("agentId", running.agentId(), loaded.agentId())
        .restart("redis.user", running.auth().user().orElse("(none)"), loaded.auth().user().orElse("(none)"))
        .restart("redis.password", running.auth().password(), loaded.auth().password(),
            password -> password.isPresent() ? "****" : "(none)")
        .restart("redis.replication", running.auth().replication(), loaded.auth().replication(),
            r -> r.map(RedisAuth.Replication::toString).orElse("(Meridian's own credentials)"))
        // New contents at the same paths need no reload at all (RenewingTlsFiles); other paths do.
        .restart("redis.tls", running.auth().tls(), loaded.auth().tls(),
            t -> t.map(Object::toString).orElse("(plain TCP)"))
        .restart("http", running.httpHost() + ":" + running.httpPort(), loaded.httpHost() + ":" + loaded.httpPort())
        .restart("fencing", running.fencing(), loaded.fencing())
        .build(effective);
  }
}
