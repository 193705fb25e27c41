package io.meridian.coordinator.metrics;

import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.coordinator.placement.PlacementRules;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.ObservedTopology;
import io.meridian.coordinator.view.Observations;
import io.meridian.monitoring.GaugeSet;
import io.meridian.monitoring.MeridianMetrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster as this coordinator sees it, as gauges: nodes by status, and once a second the
 * cluster-wide series of {@link ClusterSeries} (placement rules included). Those are computed on
 * a worker over the immutable view: with a thousand nodes they take milliseconds that the control
 * loop, on the coordinator's event loop, should not wait. On the coordinator's context.
 */
public final class ClusterGauges {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterGauges.class);

  private final Vertx vertx;
  private final Supplier<CoordinatorConfig> config;
  private final Supplier<ClusterView> view;
  private final Supplier<Observations> observations;
  private final Clock clock;
  private final GaugeSet series;
  private boolean updating;

  public ClusterGauges(Vertx vertx, MeridianMetrics metrics, Supplier<CoordinatorConfig> config,
      Supplier<ClusterView> view, Supplier<Observations> observations, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.view = view;
    this.observations = observations;
    this.clock = clock;
    this.series = new GaugeSet(metrics, ClusterSeries.HELP);
    for (NodeStatus status : NodeStatus.values()) {
      Gauge.builder("meridian_nodes", () -> view.get().countByStatus(clock.instant(), config.get().staleAfter())
              .get(status))
          .description("Nodes by status as this coordinator observes them")
          .tag("status", status.name().toLowerCase(Locale.ROOT))
          .register(metrics.registry());
    }
  }

  /**
   * Computes the series and replaces them; {@code reachable} then gets the regions heard from. An
   * update still under way makes this one a no-op.
   */
  public void update(Consumer<Set<String>> reachable) {
    if (updating) {
      return;
    }
    updating = true;
    CoordinatorConfig c = config.get();
    ClusterView v = view.get();
    Observations seen = observations.get();
    Instant now = clock.instant();
    vertx.executeBlocking(() -> ClusterSeries.of(v, seen, c.regions(), now, c.staleAfter(),
        c.spec().map(spec -> PlacementRules.check(spec, ObservedTopology.of(v, now, c.staleAfter(),
            spec::regionOf)))), false).onComplete(ar -> {
              updating = false;
              if (ar.failed()) {
                LOG.warn("could not compute the cluster series: {}", ar.cause().toString());
                return;
              }
              series.replace(ar.result().samples());
              reachable.accept(ar.result().reachableRegions());
            });
  }
}
