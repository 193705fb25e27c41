package io.meridian.coordinator.config;

import io.meridian.coordinator.placement.PlacementPlanner;
import io.meridian.coordinator.placement.PlanResult;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.config.Durations;
import io.meridian.runtime.config.Reload;
import io.meridian.runtime.bus.BusConfig;
import io.meridian.runtime.http.HttpTls;
import java.util.Optional;

/**
 * What a coordinator can take from a re-read {@code coordinator.yaml} without a restart: when a
 * silent node counts as stale, the log level, and a changed spec that can be laid out and keeps its
 * cluster, topology and regions (nodes added to or removed from regions, settings), and its HTTPS
 * certificate (see {@link HttpTls#reload}) and its bus TLS files ({@link BusConfig#reload}). Its identity, the regions it
 * listens to, any other spec change, its bus membership and its HTTP socket are fixed at start. Pure.
 */
public final class CoordinatorReload {

  private CoordinatorReload() {
  }

  public static Reload<CoordinatorConfig> plan(CoordinatorConfig running, CoordinatorConfig loaded) {
    Optional<String> unplannable = loaded.spec().flatMap(s -> PlacementPlanner.plan(s) instanceof PlanResult.Refused r
        ? Optional.of(r.reason()) : Optional.empty());
    boolean specLive = unplannable.isEmpty() && liveSpecChange(running.spec(), loaded.spec());
    Optional<ClusterSpec> spec = specLive ? loaded.spec() : running.spec();
    Reload.Builder builder = new Reload.Builder();
    Optional<HttpTls> httpTls = HttpTls.reload(builder, running.httpTls(), loaded.httpTls());
    BusConfig bus = BusConfig.reload(builder, running.bus(), loaded.bus());
    CoordinatorConfig effective = new CoordinatorConfig(running.coordinatorId(), running.cluster(), running.region(),
        running.regions(), loaded.staleAfter(), running.httpHost(), running.httpPort(), bus, spec,
        loaded.logLevel(), running.leadership(), running.operatorToken(), running.notifications(),
        running.rebalance(), httpTls, running.redisTls());
    if (specLive) {
      builder.safe("spec", running.spec(), loaded.spec(),
          s -> s == running.spec() ? summary(s) : summary(s) + nodeChanges(running.spec(), s));
    } else {
      builder.restart("spec", running.spec(), loaded.spec(), s -> s == running.spec() || unplannable.isEmpty()
          ? summary(s) : summary(s) + " that cannot be laid out (" + unplannable.get() + "); the running spec stays");
    }
    return builder
        .safe("staleAfter", Durations.format(running.staleAfter()), Durations.format(loaded.staleAfter()))
        .safe("log.level", running.logLevel(), loaded.logLevel())
        .restart("cluster", running.cluster(), loaded.cluster())
        .restart("region", running.region(), loaded.region())
        .restart("coordinatorId", running.coordinatorId(), loaded.coordinatorId())
        .restart("regions", running.regions(), loaded.regions())
        .restart("http", running.httpHost() + ":" + running.httpPort(), loaded.httpHost() + ":" + loaded.httpPort())
        .restart("leadership", running.leadership(), loaded.leadership())
        .restart("rebalance", running.rebalance(), loaded.rebalance())
        .restart("redis.tls", running.redisTls(), loaded.redisTls())
        .restart("operator.tokenEnv", running.operatorToken(), loaded.operatorToken(),
            token -> token.isPresent() ? "****" : "(none)")
        .restart("notifications", running.notifications(), loaded.notifications(), CoordinatorReload::webhooks)
        .build(effective);
  }

  /**
   * A spec may change live when both exist and keep the cluster name, the topology and the regions
   * (names, in order): nodes added to or removed from regions, tags, settings. Anything else (a
   * spec added or dropped, another topology or cluster) needs a restart.
   */
  static boolean liveSpecChange(Optional<ClusterSpec> running, Optional<ClusterSpec> loaded) {
    if (running.isEmpty() || loaded.isEmpty() || running.equals(loaded)) {
      return false;
    }
    ClusterSpec a = running.get();
    ClusterSpec b = loaded.get();
    return a.cluster().equals(b.cluster()) && a.topology() == b.topology() && a.regionNames().equals(b.regionNames());
  }

  /** {@code ; nodes added [x], removed [y]} between two specs, or nothing when the nodes are the same. */
  private static String nodeChanges(Optional<ClusterSpec> before, Optional<ClusterSpec> after) {
    java.util.List<String> was = before.map(s -> s.nodes().stream().map(n -> n.address()).toList())
        .orElse(java.util.List.of());
    java.util.List<String> is = after.map(s -> s.nodes().stream().map(n -> n.address()).toList())
        .orElse(java.util.List.of());
    java.util.List<String> added = is.stream().filter(n -> !was.contains(n)).toList();
    java.util.List<String> removed = was.stream().filter(n -> !is.contains(n)).toList();
    return added.isEmpty() && removed.isEmpty() ? "; same nodes" : "; nodes added " + added + ", removed " + removed;
  }

  /** Webhooks by name only: a URL or token may hold a secret. */
  private static String webhooks(io.meridian.coordinator.notify.Notifications n) {
    return n.webhooks().isEmpty() ? "(none)" : n.webhooks().stream().map(w -> w.name()).toList().toString();
  }

  /** A spec in a few words (the whole of it would bury the log line; its password never shows). */
  private static String summary(Optional<ClusterSpec> spec) {
    return spec.map(s -> "cluster " + s.cluster() + ", " + s.topology().label() + ", " + s.regions().size()
        + " regions, " + s.nodes().size() + " nodes").orElse("(none)");
  }
}
