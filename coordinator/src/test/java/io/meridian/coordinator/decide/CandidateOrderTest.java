package io.meridian.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.decide.CandidateOrder.Candidate;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.RedisSettings;
import io.meridian.runtime.spec.RegionSpec;
import io.meridian.runtime.spec.TopologyKind;
import io.meridian.runtime.config.RedisAuth;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The one order in which the leader, {@code meridian failover} and the switchover pick a replica to promote. */
class CandidateOrderTest {

  private static final Optional<ClusterSpec> SPEC = Optional.of(new ClusterSpec("test", TopologyKind.RELIABILITY,
      List.of(new RegionSpec("eu", List.of(node("10.0.0.1:6379", false, 100), node("10.0.0.2:6379", false, 300),
          node("10.0.0.3:6379", true, 900))),
          new RegionSpec("us", List.of(node("10.1.0.1:6379", false, 100), node("10.1.0.2:6379", false, 100)))),
      1, RedisSettings.defaults(), RedisAuth.none()));

  private static NodeSpec node(String address, boolean noFailover, int priority) {
    return new NodeSpec(address, Optional.empty(), Optional.empty(), noFailover, priority);
  }

  private static List<String> ranked(Optional<String> preferred, Candidate... candidates) {
    return Stream.of(candidates).sorted(CandidateOrder.best(preferred)).map(Candidate::address).toList();
  }

  @Test
  void givenReplicasOfOneFailedPrimaryThenThePreferredRegionComesFirstThenTheMostDataThenPriorityThenAddress() {
    Candidate euLow = CandidateOrder.of("10.0.0.1:6379", "eu", 500, SPEC);
    Candidate euHighPriority = CandidateOrder.of("10.0.0.2:6379", "eu", 500, SPEC);
    Candidate usMostData = CandidateOrder.of("10.1.0.1:6379", "us", 900, SPEC);
    Candidate usSameAsOther = CandidateOrder.of("10.1.0.2:6379", "us", 900, SPEC);

    assertThat(euHighPriority.priority()).isEqualTo(300);
    assertThat(ranked(Optional.of("eu"), usSameAsOther, euLow, usMostData, euHighPriority))
        .as("the preferred region before more data; priority breaks an offset tie; the address breaks the rest")
        .containsExactly("10.0.0.2:6379", "10.0.0.1:6379", "10.1.0.1:6379", "10.1.0.2:6379");
    assertThat(ranked(Optional.empty(), euLow, usSameAsOther, euHighPriority, usMostData))
        .as("without a preferred region, the most data first")
        .containsExactly("10.1.0.1:6379", "10.1.0.2:6379", "10.0.0.2:6379", "10.0.0.1:6379");
  }

  @Test
  void aNoFailoverNodeIsNeverACandidateAndANodeTheSpecDoesNotNameHasTheDefaultPriority() {
    assertThat(CandidateOrder.mayPromote(SPEC, "10.0.0.3:6379")).isFalse();
    assertThat(CandidateOrder.mayPromote(SPEC, "10.0.0.1:6379")).isTrue();
    assertThat(CandidateOrder.mayPromote(SPEC, "10.9.9.9:6379")).isTrue();
    assertThat(CandidateOrder.mayPromote(Optional.empty(), "10.0.0.3:6379")).isTrue();
    assertThat(CandidateOrder.of("10.9.9.9:6379", "eu", 1, SPEC).priority()).isEqualTo(NodeSpec.DEFAULT_PRIORITY);
  }
}
