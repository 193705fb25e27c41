package io.meridian.coordinator.config;

import io.meridian.coordinator.spec.ClusterSpec;
import io.meridian.runtime.config.Durations;
import io.meridian.runtime.config.Reload;
import java.util.Optional;

/**
 * What a coordinator can take from a re-read {@code coordinator.yaml} without a restart: when a
 * silent node counts as stale, and the log level. Its identity, the regions it listens to, the
 * spec, its bus membership and its HTTP socket are fixed at start. Pure.
 */
public final class CoordinatorReload {

  private CoordinatorReload() {
  }

  public static Reload<CoordinatorConfig> plan(CoordinatorConfig running, CoordinatorConfig loaded) {
    CoordinatorConfig effective = new CoordinatorConfig(running.coordinatorId(), running.cluster(), running.region(),
        running.regions(), loaded.staleAfter(), running.httpHost(), running.httpPort(), running.bus(), running.spec(),
        loaded.logLevel(), running.leadership(), running.operatorToken(), running.notifications(),
        running.rebalance());
    return new Reload.Builder()
        .safe("staleAfter", Durations.format(running.staleAfter()), Durations.format(loaded.staleAfter()))
        .safe("log.level", running.logLevel(), loaded.logLevel())
        .restart("cluster", running.cluster(), loaded.cluster())
        .restart("region", running.region(), loaded.region())
        .restart("coordinatorId", running.coordinatorId(), loaded.coordinatorId())
        .restart("regions", running.regions(), loaded.regions())
        .restart("spec", running.spec(), loaded.spec(), CoordinatorReload::summary)
        .restart("http", running.httpHost() + ":" + running.httpPort(), loaded.httpHost() + ":" + loaded.httpPort())
        .restart("bus", running.bus(), loaded.bus())
        .restart("leadership", running.leadership(), loaded.leadership())
        .restart("rebalance", running.rebalance(), loaded.rebalance())
        .restart("operator.tokenEnv", running.operatorToken(), loaded.operatorToken(),
            token -> token.isPresent() ? "****" : "(none)")
        .restart("notifications", running.notifications(), loaded.notifications(), CoordinatorReload::webhooks)
        .build(effective);
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
