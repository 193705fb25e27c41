package io.meridian.coordinator.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.coordinator.rebalance.RebalanceCycle;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The operator's holds a leader hands to the next: kept whole, merged by their later end, expired by time. */
class RebalanceHoldsCodecTest {

  private static final Instant T = Instant.parse("2026-12-05T05:00:00Z");
  private static final RebalanceHoldsCodec CODEC = new RebalanceHoldsCodec();

  @Test
  void holdsReadBackAsWrittenWithTheTerm() {
    RebalanceCycle.Holds holds = new RebalanceCycle.Holds(Optional.of(T.plusSeconds(60)),
        Map.of("0-5461", T.plusSeconds(600), "5462-10922", T.plusSeconds(30)));
    CpTermRegister.Stamped<RebalanceCycle.Holds> back = CODEC.decode(CODEC.encode(holds, 9));
    assertThat(back.term()).isEqualTo(9);
    assertThat(back.value()).isEqualTo(holds);
    assertThat(CODEC.decode(CODEC.encode(RebalanceCycle.Holds.none(), 1)).value()).isEqualTo(RebalanceCycle.Holds.none());
  }

  @Test
  void aDamagedRegisterIsRejectedSayingWhatAndWhere() {
    JsonObject good = new JsonObject(CODEC.encode(new RebalanceCycle.Holds(Optional.of(T), Map.of("0-5461", T)), 3));
    assertRejected("[]", "not a JSON object");
    assertRejected(good.copy().put("version", 7).encode(), "field 'version': expected 1, got 7");
    assertRejected(good.copy().put("term", -1).encode(), "field 'term': expected a non-negative integer");
    assertRejected(good.copy().put("failbackHeld", "x").encode(), "field 'failbackHeld': expected an object");
    assertRejected(good.copy().put("failbackHeld", new JsonObject().put("0-5461", "soon")).encode(),
        "field 'failbackHeld.0-5461': expected an ISO-8601 instant, got soon");
    assertRejected(good.copy().put("failbackApprovedUntil", 5).encode(),
        "field 'failbackApprovedUntil': expected an ISO-8601 instant, got 5");
  }

  @Test
  void holdsMergeByTheLaterEndAndExpireByTime() {
    RebalanceCycle.Holds mine = new RebalanceCycle.Holds(Optional.empty(), Map.of("0-5461", T.plusSeconds(10)));
    RebalanceCycle.Holds previous = new RebalanceCycle.Holds(Optional.of(T.plusSeconds(60)),
        Map.of("0-5461", T.plusSeconds(300), "5462-10922", T.plusSeconds(5)));
    RebalanceCycle.Holds merged = mine.merge(previous);
    assertThat(merged).isEqualTo(previous.merge(mine));
    assertThat(merged.failbackApprovedUntil()).contains(T.plusSeconds(60));
    assertThat(merged.failbackHeld()).containsEntry("0-5461", T.plusSeconds(300)).containsEntry("5462-10922",
        T.plusSeconds(5));
    RebalanceCycle.Holds later = merged.current(T.plusSeconds(61));
    assertThat(later.failbackApprovedUntil()).isEmpty();
    assertThat(later.failbackHeld()).containsOnlyKeys("0-5461");
  }

  private static void assertRejected(String text, String message) {
    assertThatThrownBy(() -> CODEC.decode(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
