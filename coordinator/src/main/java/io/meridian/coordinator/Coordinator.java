package io.meridian.coordinator;

import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.runtime.bus.BusProcess;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Map;

/** Starts a coordinator process: a full member of the bus running the {@link CoordinatorVerticle}. */
public final class Coordinator {

  private Coordinator() {
  }

  public static Future<BusProcess<CoordinatorVerticle>> start(CoordinatorConfig config) {
    return BusProcess.start("coordinator", config.coordinatorId(),
        Map.of("cluster", config.cluster(), "region", config.region(), "coordinator", config.coordinatorId()),
        config.bus(), metrics -> new CoordinatorVerticle(config, metrics, Clock.systemUTC()));
  }
}
