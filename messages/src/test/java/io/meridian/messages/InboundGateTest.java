package io.meridian.messages;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class InboundGateTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final InboundGate gate = new InboundGate(registry, "coordinator", Seal.insecure());

  @Test
  void goodMessagePassesAndNothingIsCounted() {
    assertThat(gate.accept(Wire.encode(Samples.refused()), "a", NodeHealthReport.class)).contains(Samples.refused());
    assertThat(registry.find("meridian_messages_rejected").counters()).isEmpty();
  }

  @Test
  void everyRejectionIsCountedByTypeAndReason() {
    Buffer bad = Wire.toJson(Samples.refused()).put("seq", "x").toBuffer();
    for (int i = 0; i < 3; i++) {
      assertThat(gate.accept(bad, "a", NodeHealthReport.class)).isEmpty();
    }
    assertThat(gate.accept(Buffer.buffer("}{"), "a", NodeHealthReport.class)).isEmpty();
    assertThat(gate.accept("a string body", "a", NodeHealthReport.class)).isEmpty();

    assertThat(registry.get("meridian_messages_rejected").tags("type", "node-health", "reason", "wrong_type")
        .counter().count()).isEqualTo(3.0);
    assertThat(registry.get("meridian_messages_rejected").tags("type", "unknown", "reason", "malformed_json")
        .counter().count()).isEqualTo(2.0);
  }

  @Test
  void wrongKindOnAnAddressIsRejected() {
    assertThat(gate.accept(Wire.encode(Samples.leader()), "a", NodeHealthReport.class)).isEmpty();
    assertThat(registry.get("meridian_messages_rejected").tags("type", "leader", "reason", "unexpected_type")
        .counter().count()).isEqualTo(1.0);
  }

  @Test
  void aMessageStampedBeyondClockSkewIsRejectedAndOneWithinItPasses() {
    // The samples are stamped 1_764_000_000_000; this receiver's clock reads 40 s and then 20 s before that.
    InboundGate early = new InboundGate(registry, "coordinator", Seal.insecure(), java.time.Clock.fixed(
        java.time.Instant.ofEpochMilli(1_764_000_000_000L - 40_000), java.time.ZoneOffset.UTC));
    assertThat(early.accept(Wire.encode(Samples.healthyPrimary()), "a", NodeHealthReport.class)).isEmpty();
    assertThat(early.accept(Wire.encode(Samples.command()), "a", Command.class)).isEmpty();
    assertThat(registry.get("meridian_messages_rejected").tags("type", "node-health", "reason", "future_timestamp")
        .counter().count()).isEqualTo(1.0);
    assertThat(registry.get("meridian_messages_rejected").tags("type", "command", "reason", "future_timestamp")
        .counter().count()).isEqualTo(1.0);
    InboundGate skewed = new InboundGate(registry, "coordinator", Seal.insecure(), java.time.Clock.fixed(
        java.time.Instant.ofEpochMilli(1_764_000_000_000L - 20_000), java.time.ZoneOffset.UTC));
    assertThat(skewed.accept(Wire.encode(Samples.healthyPrimary()), "a", NodeHealthReport.class)).isPresent();
    // A leader announcement carries no send time (its since may be old): not judged by it.
    assertThat(early.accept(Wire.encode(Samples.leader()), "a", LeaderAnnouncement.class)).isPresent();
  }

  @Test
  void aWellFormedMessageOutsideTheReceiversScopeIsRefusedAndCounted() {
    java.util.function.Function<NodeHealthReport, java.util.Optional<MessageRejected>> only = r ->
        r.region().equals("us-east") ? java.util.Optional.empty() : java.util.Optional.of(new MessageRejected(
            MessageRejected.Reason.UNKNOWN_REGION, r.wireType(), "region " + r.region()));
    // The sample is from eu-west.
    assertThat(gate.accept(Wire.encode(Samples.refused()), "a", NodeHealthReport.class, only)).isEmpty();
    assertThat(gate.accept(Wire.encode(Samples.refused()), "a", NodeHealthReport.class,
        r -> java.util.Optional.empty())).contains(Samples.refused());
    assertThat(registry.get("meridian_messages_rejected").tags("type", "node-health", "reason", "unknown_region")
        .counter().count()).isEqualTo(1.0);
  }

  @Test
  void senderControlledTypeNamesDoNotBecomeLabels() {
    for (int i = 0; i < 50; i++) {
      gate.accept(new JsonObject().put("type", "t" + i).put("v", 1).toBuffer(), "a", NodeHealthReport.class);
    }
    assertThat(registry.find("meridian_messages_rejected").counters()).hasSize(1);
  }
}
