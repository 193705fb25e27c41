package io.meridian.coordinator;

import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.runtime.bus.BusProcess;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import io.meridian.runtime.bus.CpSettings;

/** Starts a coordinator process: a full member of the bus running the {@link CoordinatorVerticle}. */
public final class Coordinator {

  private Coordinator() {
  }

  public static Future<BusProcess<CoordinatorVerticle>> start(CoordinatorConfig config) {
    Optional<CpSettings> cp = config.leadership().enabled()
        ? Optional.of(new CpSettings(config.leadership().cpMembers(), config.leadership().sessionTtl(),
            Duration.ofSeconds(1), Duration.ofSeconds(Math.max(10, config.leadership().sessionTtl().toSeconds()))))
        : Optional.empty();
    return BusProcess.start("coordinator", config.coordinatorId(),
        Map.of("cluster", config.cluster(), "region", config.region(), "coordinator", config.coordinatorId()),
        config.bus(), cp, (metrics, hazelcast) -> new CoordinatorVerticle(config, metrics, hazelcast,
            Clock.systemUTC()));
  }
}
