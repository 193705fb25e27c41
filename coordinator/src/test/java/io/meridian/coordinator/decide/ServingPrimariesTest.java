package io.meridian.coordinator.decide;

import static io.meridian.coordinator.decide.FailoverPlannerTest.A;
import static io.meridian.coordinator.decide.FailoverPlannerTest.B;
import static io.meridian.coordinator.decide.FailoverPlannerTest.D;
import static io.meridian.coordinator.decide.FailoverPlannerTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeView;
import io.meridian.messages.ProbeFailure;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServingPrimariesTest {

  private static final Duration STALE = Duration.ofSeconds(2);

  @Test
  void eachShardIsServedByThePrimaryOwningItsSlotsAndNotByAStaleOrCrashedOne() {
    ServingPrimaries serving = ServingPrimaries.of(FailoverPlannerTest.healthy(), T0, STALE);
    assertThat(serving.serving(List.of("0-5461")).map(NodeView::address)).contains(A);
    assertThat(serving.serving(List.of("5462-10922")).map(NodeView::address)).contains(B);

    ClusterView crashed = FailoverPlannerTest.healthy()
        .apply(FailoverPlannerTest.down(A, "r1", ProbeFailure.Kind.REFUSED, 2), T0.plusMillis(500));
    assertThat(ServingPrimaries.of(crashed, T0.plusSeconds(1), STALE).serving(List.of("0-5461"))).isEmpty();
    // Two seconds on, nobody reported again: every node is stale and serves nothing.
    assertThat(ServingPrimaries.of(FailoverPlannerTest.healthy(), T0.plusSeconds(3), STALE).serving(List.of("0-5461")))
        .isEmpty();
  }

  @Test
  void aPrimaryThatTookOverMoreThanTheShardServesItToo() {
    // D took over A's slots and also owns another range.
    ClusterView view = FailoverPlannerTest.healthy()
        .apply(FailoverPlannerTest.down(A, "r1", ProbeFailure.Kind.REFUSED, 2), T0.plusMillis(100))
        .apply(FailoverPlannerTest.up(D, "r2", FailoverPlannerTest.state(D,
            io.meridian.messages.RedisState.Role.PRIMARY, Optional.empty(), List.of("0-5461", "16000-16100"), 900), 2),
            T0.plusMillis(200));
    Optional<NodeView> served = ServingPrimaries.of(view, T0.plusMillis(300), STALE).serving(List.of("0-5461"));
    assertThat(served.map(NodeView::address)).contains(D);
    assertThat(Analyzer.servingNode(view, List.of("0-5461"), T0.plusMillis(300), STALE)).isEqualTo(served);
  }

  @Test
  void ofTwoPrimariesClaimingTheSameSlotsTheOneWithTheHigherConfigEpochServesAsRedisDecides() {
    // The moment a cut heals, both the old primary and its replacement report owning 0-5461.
    for (long[] epochs : new long[][] {{16, 14}, {14, 16}}) {
      ClusterView view = FailoverPlannerTest.healthy()
          .apply(FailoverPlannerTest.up(D, "r2", FailoverPlannerTest.epoch(FailoverPlannerTest.primary(D, "0-5461"),
              epochs[0]), 2), T0)
          .apply(FailoverPlannerTest.up(A, "r1", FailoverPlannerTest.epoch(FailoverPlannerTest.primary(A, "0-5461"),
              epochs[1]), 2), T0);
      assertThat(ServingPrimaries.of(view, T0, STALE).serving(List.of("0-5461")).map(NodeView::address))
          .as("config epochs D %d, A %d", epochs[0], epochs[1]).contains(epochs[0] > epochs[1] ? D : A);
    }
  }
}
