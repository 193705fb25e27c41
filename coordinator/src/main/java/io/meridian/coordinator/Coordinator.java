package io.meridian.coordinator;

import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.coordinator.config.Leadership;
import io.meridian.coordinator.leadership.CpSettings;
import io.meridian.coordinator.leadership.LeadershipCluster;
import io.meridian.coordinator.leadership.LeadershipMember;
import io.meridian.runtime.bus.BusProcess;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a coordinator process: with leadership on, first its member of the leadership cluster,
 * then a full member of the bus running the {@link CoordinatorVerticle}.
 */
public final class Coordinator {

  private Coordinator() {
  }

  public static Future<BusProcess<CoordinatorVerticle>> start(CoordinatorConfig config) {
    Map<String, String> tags = Map.of("cluster", config.cluster(), "region", config.region(), "coordinator",
        config.coordinatorId());
    Leadership l = config.leadership();
    if (!l.enabled()) {
      return BusProcess.start("coordinator", config.coordinatorId(), tags, config.bus(),
          metrics -> new CoordinatorVerticle(config, metrics, Optional.empty(), Clock.systemUTC()));
    }
    CpSettings cp = new CpSettings(l.cpMembers(), l.sessionTtl(), Duration.ofSeconds(1),
        Duration.ofSeconds(Math.max(10, l.sessionTtl().toSeconds())));
    return LeadershipCluster.start(new LeadershipMember.Settings(config.bus().clusterName(), config.bus().host(),
            l.port(), l.members(), cp, l.memberTimeout()))
        .compose(leadership -> BusProcess.start("coordinator", config.coordinatorId(), tags, config.bus(),
                metrics -> new CoordinatorVerticle(config, metrics, Optional.of(leadership), Clock.systemUTC()))
            .map(process -> process.alongside(leadership))
            .onFailure(err -> leadership.close()));
  }
}
