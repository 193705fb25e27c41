package io.meridian.coordinator.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.decide.Recovery;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HistoryBucketCodecTest {

  private static final History.Recorded DECISION = new History.Recorded(OptionalLong.of(50), "coordinator-1",
      new History.Entry(Instant.parse("2026-12-05T04:00:00.123Z"), 7, "0-5460", "decision", "promote …", Optional.empty()));
  private static final History.Recorded COMMAND = new History.Recorded(OptionalLong.of(51), "coordinator-2",
      new History.Entry(Instant.parse("2026-12-05T04:00:01Z"), -1, "-", "command", "FAILOVER_FORCE on x: executed",
          Optional.of("0-5460/7/1")));

  @Test
  void aBucketReadsBackAsWritten() {
    HistoryBucketCodec.Bucket bucket = new HistoryBucketCodec.Bucket(2, List.of(DECISION, COMMAND));
    assertThat(HistoryBucketCodec.decode(HistoryBucketCodec.encode(bucket))).isEqualTo(bucket);
  }

  @Test
  void aRunawayTextIsCutSoThatABucketStaysSmall() {
    History.Recorded huge = new History.Recorded(OptionalLong.of(3), "c", new History.Entry(Instant.EPOCH, 1, "-",
        "decision", "x".repeat(100_000), Optional.empty()));
    String text = HistoryBucketCodec.decode(HistoryBucketCodec.encode(new HistoryBucketCodec.Bucket(0, List.of(huge))))
        .entries().get(0).entry().text();
    assertThat(text).hasSize(HistoryBucketCodec.MAX_TEXT).endsWith("…");
  }

  @Test
  void aRecoveryEntryCarriesItsWholeRecord() {
    Recovery ended = Recovery.start("0-5460", 7, "dead_primary", "primary 10.0.0.1:7000 is dead: …", "10.0.0.1:7000",
        Optional.of("region-1"), Instant.parse("2026-12-05T04:00:00Z"))
        .step(new Recovery.Step(Instant.parse("2026-12-05T04:00:00.200Z"), 7, "FAILOVER_FORCE", "10.0.0.2:7000",
            "executed by agent-2 (term 7): promoted", "0-t7-1764907200000/t7/1/failover_force"))
        .ended(new Recovery.Outcome(Recovery.Outcome.SUCCEEDED, Instant.parse("2026-12-05T04:00:00.900Z"), "done"));
    History.Recorded recorded = new History.Recorded(OptionalLong.of(52), "coordinator-1", History.Entry.of(ended, 7));
    HistoryBucketCodec.Bucket back = HistoryBucketCodec.decode(HistoryBucketCodec.encode(
        new HistoryBucketCodec.Bucket(2, List.of(DECISION, recorded))));
    assertThat(back.entries()).containsExactly(DECISION, recorded);
    assertThat(back.entries().get(1).entry().recovery().orElseThrow().duration(Instant.MAX).toMillis()).isEqualTo(900);

    JsonObject good = new JsonObject(HistoryBucketCodec.encode(new HistoryBucketCodec.Bucket(2, List.of(recorded))));
    JsonObject entry = good.getJsonArray("entries").getJsonObject(0);
    JsonObject badStep = entry.copy();
    badStep.getJsonObject("recovery").getJsonArray("steps").getJsonObject(0).put("commandId", "");
    assertRejected(withEntry(good, badStep),
        "field 'entries[0].recovery.steps[0].commandId': expected a non-empty string");
  }

  @Test
  void aDamagedBucketIsRejectedSayingWhatAndWhere() {
    JsonObject good = new JsonObject(HistoryBucketCodec.encode(new HistoryBucketCodec.Bucket(2, List.of(DECISION))));
    assertRejected("not json", "not a JSON object");
    assertRejected(good.copy().put("version", 2).encode(), "field 'version': expected 1, got 2");
    assertRejected(good.copy().put("generation", -1).encode(), "field 'generation': expected an integer of at least 0");
    assertRejected(good.copy().put("entries", "x").encode(), "field 'entries': expected an array");
    JsonObject entry = good.getJsonArray("entries").getJsonObject(0);
    assertRejected(withEntry(good, entry.copy().put("seq", 1.5)), "field 'entries[0].seq': expected an integer");
    assertRejected(withEntry(good, entry.copy().put("term", -2)), "field 'entries[0].term': expected an integer of at least -1");
    assertRejected(withEntry(good, entry.copy().put("at", "yesterday")),
        "field 'entries[0].at': expected an ISO-8601 instant, got yesterday");
    JsonObject noBy = entry.copy();
    noBy.remove("by");
    assertRejected(withEntry(good, noBy), "field 'entries[0].by': expected a string, got null");
  }

  private static String withEntry(JsonObject bucket, JsonObject entry) {
    JsonObject copy = bucket.copy();
    copy.getJsonArray("entries").set(0, entry);
    return copy.encode();
  }

  private static void assertRejected(String text, String message) {
    assertThatThrownBy(() -> HistoryBucketCodec.decode(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
