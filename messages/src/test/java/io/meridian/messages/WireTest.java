package io.meridian.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.messages.MessageRejected.Reason;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WireTest {

  static Stream<Message> samples() {
    return Samples.all().stream();
  }

  @Test
  void everyMessageKindHasASample() {
    Set<Class<?>> covered = Samples.all().stream().map(Object::getClass).collect(Collectors.toSet());
    assertThat(covered).containsExactlyInAnyOrder(Message.class.getPermittedSubclasses());
  }

  @ParameterizedTest
  @MethodSource("samples")
  void roundTripsUnchanged(Message message) throws MessageRejected {
    Buffer wire = Wire.encode(message);
    assertThat(Wire.decode(wire)).isEqualTo(message);
    assertThat(Wire.decode(wire, message.getClass())).isEqualTo(message);
  }

  @ParameterizedTest
  @MethodSource("samples")
  void envelopeCarriesTypeVersionAndSender(Message message) {
    JsonObject json = Wire.toJson(message);
    assertThat(json.getString("type")).isEqualTo(message.wireType());
    assertThat(json.getInteger("v")).isEqualTo(1);
    assertThat(json.getString("sender")).isEqualTo(message.sender());
  }

  @ParameterizedTest
  @MethodSource("samples")
  void unknownVersionIsRejected(Message message) {
    JsonObject json = Wire.toJson(message).put("v", 2);
    assertRejected(json, Reason.UNSUPPORTED_VERSION, "version 2 is not supported");
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everyMissingBodyFieldIsRejectedByName(Message message) {
    JsonObject full = Wire.toJson(message);
    for (String field : full.fieldNames()) {
      if (field.equals("type")) {
        continue;
      }
      JsonObject json = full.copy();
      json.remove(field);
      if (isOptional(message, field)) {
        continue;
      }
      assertThatThrownBy(() -> Wire.decode(json.toBuffer()))
          .as("without '%s'", field)
          .isInstanceOf(MessageRejected.class)
          .hasMessageContaining("'" + field + "'");
    }
  }

  /** Optional fields, and the fields added within version 1 that an older sender leaves out. */
  private static boolean isOptional(Message message, String field) {
    return (message instanceof ClusterEvent && (field.equals("region") || field.equals("node")))
        || (message instanceof NodeHealthReport
            && (field.equals("fenceAfterMs") || field.equals("writesHeld") || field.equals("agentVersion")
                || field.equals("termSeen")))
        || (message instanceof LeaderAnnouncement && (field.equals("regions") || field.equals("regionsHeard")))
        || (message instanceof CommandResult && field.equals("primaryAfterMs"));
  }

  @Test
  void fieldsAnOlderSenderLeavesOutTakeTheirSafeDefaults() throws MessageRejected {
    JsonObject report = Wire.toJson(Samples.healthyPrimary());
    assertThat(report.getLong("fenceAfterMs")).isEqualTo(1000);
    report.remove("fenceAfterMs");
    assertThat(((NodeHealthReport) Wire.decode(report.toBuffer())).fenceAfterMs()).as("no fencing said").isZero();
    assertThat(report.getBoolean("writesHeld")).isTrue();
    report.remove("writesHeld");
    assertThat(((NodeHealthReport) Wire.decode(report.toBuffer())).writesHeld()).as("no hold said").isFalse();
    report.remove("agentVersion");
    assertThat(((NodeHealthReport) Wire.decode(report.toBuffer())).agentVersion()).isEqualTo("unknown");
    JsonObject leader = Wire.toJson(Samples.leader());
    leader.remove("regions");
    leader.remove("regionsHeard");
    assertThat(((LeaderAnnouncement) Wire.decode(leader.toBuffer())).quorate()).isTrue();
  }

  @Test
  void slotsOutsideTheSlotSpaceOrOutOfOrderAreRejectedAtDecode() throws MessageRejected {
    for (String bad : List.of("16384", "0-16384", "5460-0", "-1", "a-b", "1,2", "[5->-abc]", "")) {
      JsonObject report = Wire.toJson(Samples.healthyPrimary());
      report.getJsonObject("state").put("slots", new JsonArray().add(bad));
      assertRejected(report, Reason.INVALID_VALUE, "slots");
    }
    JsonObject tooMany = Wire.toJson(Samples.healthyPrimary());
    tooMany.getJsonObject("state").put("slotCount", 16385);
    assertRejected(tooMany, Reason.INVALID_VALUE, "slotCount");
    JsonObject fine = Wire.toJson(Samples.healthyPrimary());
    fine.getJsonObject("state").put("slots", new JsonArray().add("0").add("5-16383")).put("slotCount", 16380);
    assertThat(((NodeHealthReport) Wire.decode(fine.toBuffer())).state().orElseThrow().slots()).containsExactly("0",
        "5-16383");
  }

  @Test
  void aCommandKindTheLeaderNeverSendsIsNotAKind() {
    assertRejected(Wire.toJson(Samples.command()).put("kind", "PAUSE_WRITES"), Reason.INVALID_VALUE, "kind");
  }

  @Test
  void aTermAboveAnyALeaderIssuesIsRejectedAtDecodeSoThatOneForgedTermCannotRaiseEveryAgentsFloor()
      throws MessageRejected {
    long max = Terms.MAX;
    assertRejected(Wire.toJson(Samples.command()).put("term", Long.MAX_VALUE), Reason.INVALID_VALUE, "term");
    assertRejected(Wire.toJson(Samples.command()).put("term", max + 1), Reason.INVALID_VALUE, "term");
    assertRejected(Wire.toJson(Samples.leader()).put("term", max + 1), Reason.INVALID_VALUE, "term");
    assertRejected(Wire.toJson(Samples.healthyPrimary()).put("termSeen", max + 1), Reason.INVALID_VALUE, "termSeen");
    assertThat(((Command) Wire.decode(Wire.toJson(Samples.command()).put("term", max).toBuffer())).term())
        .isEqualTo(max);
  }

  @Test
  void aReportCarriesTheTermItsAgentHasSeenAndAnAgentThatDoesNotSayHasSeenNone() throws MessageRejected {
    NodeHealthReport r = Samples.healthyPrimary();
    NodeHealthReport seen = new NodeHealthReport(r.sender(), r.cluster(), r.region(), r.node(), r.seq(),
        r.observedAt(), r.latencyMicros(), r.failure(), r.state(), r.fenceAfterMs(), r.writesHeld(), "1.2.3", 4711);
    assertThat(((NodeHealthReport) Wire.decode(Wire.encode(seen))).termSeen()).isEqualTo(4711);
    JsonObject silent = Wire.toJson(seen);
    silent.remove("termSeen");
    assertThat(((NodeHealthReport) Wire.decode(silent.toBuffer())).termSeen()).isZero();
    assertRejected(Wire.toJson(seen).put("termSeen", -1), Reason.INVALID_VALUE, "termSeen");
  }

  @Test
  void anAgentVersionTravelsAndAnEmptyOrOverlongOneIsRejected() throws MessageRejected {
    NodeHealthReport r = Samples.healthyPrimary();
    NodeHealthReport versioned = new NodeHealthReport(r.sender(), r.cluster(), r.region(), r.node(), r.seq(),
        r.observedAt(), r.latencyMicros(), r.failure(), r.state(), r.fenceAfterMs(), r.writesHeld(), "1.2.3");
    assertThat(((NodeHealthReport) Wire.decode(Wire.encode(versioned))).agentVersion()).isEqualTo("1.2.3");
    assertRejected(Wire.toJson(versioned).put("agentVersion", ""), Reason.INVALID_VALUE, "agentVersion");
    assertRejected(Wire.toJson(versioned).put("agentVersion", "x".repeat(65)), Reason.INVALID_VALUE, "agentVersion");
  }

  @Test
  void aLeaderThatHearsOnlyAMinorityOfRegionsSaysSoAndCannotClaimMoreThanThereAre() throws MessageRejected {
    LeaderAnnouncement cutOff = new LeaderAnnouncement("coord-eu", "eu-west", 17, 1L, "http://10.0.0.2:8080", 1, 3);
    assertThat(((LeaderAnnouncement) Wire.decode(Wire.encode(cutOff))).quorate()).isFalse();
    assertThat(Samples.leader().quorate()).isTrue();
    assertRejected(Wire.toJson(Samples.leader()).put("regionsHeard", 4), Reason.INVALID_VALUE,
        "field 'regionsHeard' must be at most regions (3), got 4");
  }

  @ParameterizedTest
  @MethodSource("samples")
  void wrongTypeIsRejectedWithTheFieldName(Message message) {
    JsonObject json = Wire.toJson(message).put("sender", 12);
    assertRejected(json, Reason.WRONG_TYPE, "field 'sender' must be a string, got integer 12");
  }

  @Test
  void nestedFieldErrorsNameTheirPath() {
    JsonObject json = Wire.toJson(Samples.healthyPrimary());
    json.getJsonObject("state").put("replOffset", "18273");
    assertRejected(json, Reason.WRONG_TYPE, "field 'state.replOffset' must be an integer");

    JsonObject missing = Wire.toJson(Samples.healthyPrimary());
    missing.getJsonObject("state").remove("clusterEnabled");
    assertRejected(missing, Reason.MISSING_FIELD, "missing field 'state.clusterEnabled'");
  }

  @Test
  void reachableFlagMustAgreeWithTheBody() {
    JsonObject json = Wire.toJson(Samples.refused()).put("reachable", true);
    assertRejected(json, Reason.INVALID_VALUE, "'state' must be present");
  }

  @Test
  void badEnumValueListsTheAllowedOnes() {
    JsonObject json = Wire.toJson(Samples.command()).put("kind", "reboot");
    assertRejected(json, Reason.INVALID_VALUE, "must be one of [failover, failover_force");
  }

  @Test
  void badAddressIsRejected() {
    JsonObject json = Wire.toJson(Samples.command()).put("target", "10.1.0.7");
    assertRejected(json, Reason.INVALID_VALUE, "must be host:port");
    assertThat(NodeAddress.isValid("10.1.0.7:0")).isFalse();
    assertThat(NodeAddress.isValid("[::1]:7000")).isTrue();
    assertThat(NodeAddress.isValid("::1:7000")).isFalse();
  }

  @Test
  void negativeCountersAreRejected() {
    JsonObject json = Wire.toJson(Samples.leader()).put("term", -1);
    assertRejected(json, Reason.INVALID_VALUE, "must be >= 0");
  }

  @Test
  void aPromotionsTimeToTakeEffectIsOptionalAndNeverNegative() throws MessageRejected {
    assertThat(((CommandResult) Wire.decode(Wire.encode(Samples.promoted()))).primaryAfterMs()).contains(212L);
    // An agent older than the field: the same message without it.
    JsonObject older = Wire.toJson(Samples.promoted());
    older.remove("primaryAfterMs");
    assertThat(((CommandResult) Wire.decode(older.toBuffer())).primaryAfterMs()).isEmpty();
    assertRejected(Wire.toJson(Samples.promoted()).put("primaryAfterMs", -5), Reason.INVALID_VALUE, "must be >= 0");
    assertRejected(Wire.toJson(Samples.promoted()).put("primaryAfterMs", "212 ms"), Reason.WRONG_TYPE,
        "must be an integer");
  }

  @Test
  void fractionalNumberIsNotAnInteger() {
    JsonObject json = Wire.toJson(Samples.leader()).put("term", 1.5);
    assertRejected(json, Reason.WRONG_TYPE, "must be an integer");
  }

  @Test
  void unknownTypeMalformedJsonAndOversizedAreRejected() {
    assertRejected(new JsonObject().put("type", "gossip").put("v", 1).put("sender", "x"), Reason.UNKNOWN_TYPE,
        "unknown message type \"gossip\"");
    assertRejected(new JsonObject().put("v", 1), Reason.MISSING_FIELD, "missing field 'type'");
    assertThatThrownBy(() -> Wire.decode(Buffer.buffer("{\"type\": ")))
        .isInstanceOfSatisfying(MessageRejected.class, r -> assertThat(r.reason()).isEqualTo(Reason.MALFORMED_JSON));
    assertThatThrownBy(() -> Wire.decode(Buffer.buffer("[1,2]")))
        .isInstanceOfSatisfying(MessageRejected.class, r -> assertThat(r.reason()).isEqualTo(Reason.MALFORMED_JSON));

    char[] filler = new char[Wire.MAX_BYTES];
    Arrays.fill(filler, 'x');
    JsonObject huge = Wire.toJson(Samples.event()).put("summary", new String(filler));
    assertRejected(huge, Reason.OVERSIZED, "exceeds the limit of 65536 bytes");
  }

  @Test
  void aMessageOfAnotherKindIsRejectedWhereOneKindIsExpected() {
    Buffer command = Wire.encode(Samples.command());
    assertThatThrownBy(() -> Wire.decode(command, NodeHealthReport.class))
        .isInstanceOfSatisfying(MessageRejected.class, r -> {
          assertThat(r.reason()).isEqualTo(Reason.UNEXPECTED_TYPE);
          assertThat(r.messageType()).isEqualTo("command");
        });
  }

  @Test
  void unknownExtraFieldsAreIgnoredWithinAVersion() throws MessageRejected {
    JsonObject json = Wire.toJson(Samples.leader()).put("addedLater", "x");
    assertThat(Wire.decode(json.toBuffer())).isEqualTo(Samples.leader());
  }

  @Test
  void senderIsFoundForLoggingEvenInABadMessage() {
    assertThat(Wire.senderOf(new JsonObject().put("sender", "agent-7").put("v", "x").toBuffer())).isEqualTo("agent-7");
    assertThat(Wire.senderOf(Buffer.buffer("not json"))).isEqualTo("unknown");
    assertThat(Wire.senderOf(Buffer.buffer("[\"sender\"]"))).isEqualTo("unknown");
    assertThat(Wire.senderOf(new JsonObject().put("sender", 7).toBuffer())).isEqualTo("unknown");
    // Nested objects and a large field ahead of it are stepped over, not mistaken for the sender.
    assertThat(Wire.senderOf(new JsonObject().put("body", new JsonObject().put("sender", "inner"))
        .put("msg", "x".repeat(1_000_000)).put("sender", "coordinator-2").toBuffer())).isEqualTo("coordinator-2");
    assertThat(Wire.senderOf(Buffer.buffer("{\"v\":1,\"sender\":\"agent-3\",\"msg\":\"trunc"))).isEqualTo("agent-3");
  }

  private static void assertRejected(JsonObject json, Reason reason, String text) {
    assertThatThrownBy(() -> Wire.decode(json.toBuffer()))
        .isInstanceOfSatisfying(MessageRejected.class, r -> assertThat(r.reason()).isEqualTo(reason))
        .hasMessageContaining(text);
  }
}
