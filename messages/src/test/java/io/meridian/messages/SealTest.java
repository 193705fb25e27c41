package io.meridian.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;

/** Given the cluster's bus key, only what its holders signed, unchanged and in time, is taken, and only once. */
class SealTest {

  private static final long NOW = 1_764_000_000_000L;
  private final BusKey key = key(1);
  private final BusKey next = key(2);
  private final Seal sender = Seal.signed(key, List.of(), at(NOW));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void aSignedMessageOpensToTheSameMessage() throws MessageRejected {
    Seal.Opened opened = Seal.signed(key, List.of(), at(NOW + 1000)).open(sender.encode(Samples.command()));
    assertThat(opened.message()).isEqualTo(Samples.command());
    assertThat(opened.id()).isPresent();
    assertThat(opened.until()).isEqualTo(NOW + Seal.VALIDITY.toMillis());
  }

  @Test
  void aPlainMessageIsRefusedWhereSignaturesAreRequired() {
    assertRejected(Seal.signed(key, List.of(), at(NOW)), Wire.encode(Samples.command()), MessageRejected.Reason.UNSIGNED);
  }

  @Test
  void changingAnyByteOfTheMessageBreaksTheSignature() {
    JsonObject frame = sender.encode(Samples.command()).toJsonObject();
    String forged = frame.getString("msg").replace("\"term\":17", "\"term\":9223372036854775807");
    assertThat(forged).isNotEqualTo(frame.getString("msg"));
    assertRejected(Seal.signed(key, List.of(), at(NOW)), frame.copy().put("msg", forged).toBuffer(),
        MessageRejected.Reason.BAD_SIGNATURE);
    // Stretching the validity is a change like any other.
    assertRejected(Seal.signed(key, List.of(), at(NOW)), frame.copy().put("until", NOW + 20_000).toBuffer(),
        MessageRejected.Reason.BAD_SIGNATURE);
  }

  @Test
  void aMessageSignedWithAnotherSecretUnderTheRightKeyIdIsRefused() {
    JsonObject real = sender.encode(Samples.command()).toJsonObject();
    JsonObject forged = Seal.signed(next, List.of(), at(NOW)).encode(Samples.command()).toJsonObject()
        .put("kid", real.getString("kid"));
    assertRejected(Seal.signed(key, List.of(), at(NOW)), forged.toBuffer(), MessageRejected.Reason.BAD_SIGNATURE);
  }

  @Test
  void aKeyTheReceiverDoesNotHoldIsNamedInTheRefusal() {
    Buffer other = Seal.signed(next, List.of(), at(NOW)).encode(Samples.command());
    assertThatThrownBy(() -> Seal.signed(key, List.of(), at(NOW)).open(other))
        .isInstanceOfSatisfying(MessageRejected.class,
            r -> assertThat(r.reason()).isEqualTo(MessageRejected.Reason.UNKNOWN_KEY))
        .hasMessageContaining(next.kid()).hasMessageContaining(key.kid());
  }

  @Test
  void duringARotationBothKeysAreAcceptedAndTheNewOneSigns() throws MessageRejected {
    // Step 1 of a rotation: everyone accepts the new key and still signs with the old one. Step 2:
    // the new key signs, the old one is still accepted. Processes at either step understand each other.
    Seal stepOne = Seal.signed(key, List.of(next), at(NOW));
    Seal stepTwo = Seal.signed(next, List.of(key), at(NOW));
    assertThat(stepTwo.open(stepOne.encode(Samples.leader())).message()).isEqualTo(Samples.leader());
    assertThat(stepOne.open(stepTwo.encode(Samples.leader())).message()).isEqualTo(Samples.leader());
    assertRejected(sender, stepTwo.encode(Samples.leader()), MessageRejected.Reason.UNKNOWN_KEY);
  }

  @Test
  void aSignedMessageIsRefusedOnceItsValidityEnded() {
    Buffer sealed = sender.encode(Samples.command());
    assertRejected(Seal.signed(key, List.of(), at(NOW + Seal.VALIDITY.toMillis() + 1)), sealed,
        MessageRejected.Reason.EXPIRED);
  }

  @Test
  void aClusterEventSentDuringACutIsStillTakenWhenTheCutHeals() throws MessageRejected {
    Buffer event = sender.encode(Samples.event());
    assertThat(Seal.signed(key, List.of(), at(NOW + 300_000)).open(event).message()).isEqualTo(Samples.event());
    assertRejected(Seal.signed(key, List.of(), at(NOW + Seal.EVENT_VALIDITY.toMillis() + 1)), event,
        MessageRejected.Reason.EXPIRED);
  }

  @Test
  void aSignatureValidLongerThanAnySenderSignsForIsRefused() {
    // A sender whose clock runs 10 minutes ahead: its commands would stay valid here for 10.5 minutes.
    Buffer ahead = Seal.signed(key, List.of(), at(NOW + 600_000)).encode(Samples.command());
    assertRejected(Seal.signed(key, List.of(), at(NOW)), ahead, MessageRejected.Reason.FUTURE_TIMESTAMP);
  }

  @Test
  void aReplayedMessageIsRefusedByTheGateAndCounted() {
    InboundGate gate = new InboundGate(registry, "agent", Seal.signed(key, List.of(), at(NOW)), at(NOW));
    Buffer sealed = sender.encode(Samples.command());
    assertThat(gate.accept(sealed, "a", Command.class)).contains(Samples.command());
    assertThat(gate.accept(sealed, "a", Command.class)).isEmpty();
    assertThat(gate.accept(sender.encode(Samples.command()), "a", Command.class)).as("signed again: a new id")
        .contains(Samples.command());
    assertThat(registry.get("meridian_messages_rejected").tags("receiver", "agent", "type", "command",
        "reason", "replayed").counter().count()).isEqualTo(1.0);
  }

  @Test
  void anIdIsForgottenOnlyAfterItsMessageExpired() {
    long[] now = {NOW};
    Clock moving = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(now[0]);
      }
    };
    InboundGate gate = new InboundGate(registry, "agent", Seal.signed(key, List.of(), moving), moving);
    Buffer sealed = sender.encode(Samples.command());
    assertThat(gate.accept(sealed, "a", Command.class)).isPresent();
    for (int i = 0; i < 5; i++) {
      now[0] += 5_000;
      gate.accept(sender.encode(Samples.leader()), "a", LeaderAnnouncement.class);
      assertThat(gate.accept(sealed, "a", Command.class)).isEmpty();
    }
    now[0] = NOW + Seal.VALIDITY.toMillis() + 1;
    assertThat(gate.accept(sealed, "a", Command.class)).isEmpty();
    assertThat(registry.get("meridian_messages_rejected").tags("reason", "expired").counter().count()).isEqualTo(1.0);
  }

  @Test
  void theSenderInsideMustBeTheSenderOutside() {
    JsonObject frame = sender.encode(Samples.command()).toJsonObject().put("sender", "someone-else");
    assertRejected(Seal.signed(key, List.of(), at(NOW)), frame.toBuffer(), MessageRejected.Reason.INVALID_VALUE);
  }

  @Test
  void anInsecureProcessSendsPlainAndOpensSignedMessagesWithoutKeys() throws MessageRejected {
    assertThat(Seal.insecure().encode(Samples.command())).isEqualTo(Wire.encode(Samples.command()));
    assertThat(Seal.insecure().open(sender.encode(Samples.command())).message()).isEqualTo(Samples.command());
    assertThat(Seal.insecure().open(sender.encode(Samples.command())).id()).isEmpty();
  }

  @Test
  void aCoordinatorsReachabilityReportOverThousandsOfNodesPassesWhereOtherKindsStopAt64KiB() throws MessageRejected {
    // 3,000 nodes probed, a lost region's 1,000 of them failing: about 90 KiB.
    List<String> probed = new java.util.ArrayList<>();
    java.util.Map<String, Long> failing = new java.util.HashMap<>();
    for (int i = 0; i < 3000; i++) {
      String node = "10.0." + (i / 250) + "." + (i % 250) + ":6379";
      probed.add(node);
      if (i < 1000) {
        failing.put(node, NOW - 5000);
      }
    }
    ReachabilityReport big = new ReachabilityReport("coordinator-eu", "eu-west", NOW, probed, failing);
    Buffer sealed = sender.encode(big);
    assertThat(Wire.encode(big).length()).isGreaterThan(Wire.MAX_BYTES);
    assertThat(Seal.signed(key, List.of(), at(NOW)).open(sealed).message()).isEqualTo(big);
    assertThat(Seal.insecure().open(Wire.encode(big)).message()).isEqualTo(big);

    char[] filler = new char[Wire.MAX_BYTES];
    Arrays.fill(filler, 'x');
    Command huge = new Command("coord-eu", "3f2a-1", 17, "10.1.0.7:7001", Command.Kind.FAILOVER_FORCE,
        java.util.Map.of("primaryId", "e7d1"), 1_764_000_001_000L, new String(filler));
    assertThatThrownBy(() -> Seal.signed(key, List.of(), at(NOW)).open(sender.encode(huge)))
        .isInstanceOfSatisfying(MessageRejected.class, r -> {
          assertThat(r.reason()).isEqualTo(MessageRejected.Reason.OVERSIZED);
          assertThat(r.getMessage()).contains("a 'command' message of").contains("exceeds the limit of 65536 bytes");
        });
    assertRejected(Seal.insecure(), Wire.encode(huge), MessageRejected.Reason.OVERSIZED);

    for (int i = 3000; probed.size() < 60_000; i++) {
      probed.add("10.1." + (i / 250) + "." + (i % 250) + ":6379");
    }
    assertRejected(Seal.signed(key, List.of(), at(NOW)),
        sender.encode(new ReachabilityReport("coordinator-eu", "eu-west", NOW, probed, failing)),
        MessageRejected.Reason.OVERSIZED);
  }

  @Test
  void theKeyNeverAppearsInItsTextAndShortKeysAreRefused() {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 'A');
    assertThat(new BusKey(secret).toString()).doesNotContain("AAAA").contains(new BusKey(secret).kid());
    assertThatThrownBy(() -> new BusKey(new byte[16])).hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> Seal.keyFromText("not base64!")).hasMessageContaining("not base64");
  }

  @Test
  void onlyAHolderOfTheLeaderKeyCanCommandOrAnnounceWhereLeaderKeysAreRequired() throws Exception {
    KeyPair pair = leaderPair();
    LeaderKey leaderKey = LeaderKey.of(pair.getPublic());
    Seal coordinator = Seal.signed(key, List.of(), at(NOW))
        .withLeaderKeys(Optional.of(LeaderSigner.pairing(pair.getPrivate().getEncoded(), List.of(leaderKey))),
            List.of());
    Seal agent = Seal.signed(key, List.of(), at(NOW)).withLeaderKeys(Optional.empty(), List.of(leaderKey));
    assertThat(coordinator.signsAsLeader()).isTrue();
    assertThat(agent.requiresLeaderSignature()).isTrue();

    // From a coordinator: taken.
    assertThat(agent.open(coordinator.encode(Samples.command())).message()).isEqualTo(Samples.command());
    assertThat(agent.open(coordinator.encode(Samples.leader())).message()).isEqualTo(Samples.leader());
    // From another holder of the bus key (an agent's host): refused, whatever its term.
    assertRejected(agent, agent.encode(Samples.command()), MessageRejected.Reason.UNVERIFIED_LEADER);
    assertRejected(agent, sender.encode(Samples.leader()), MessageRejected.Reason.UNVERIFIED_LEADER);
    // Reports need no leader: an agent's own seal signs them for the coordinators.
    assertThat(coordinator.open(agent.encode(Samples.healthyPrimary())).message()).isEqualTo(Samples.healthyPrimary());
    assertThat(agent.encode(Samples.healthyPrimary()).toJsonObject().containsKey("lsig")).isFalse();

    // A leader signature lifted onto another message, or made with another private key, does not hold.
    JsonObject real = coordinator.encode(Samples.command()).toJsonObject();
    JsonObject lifted = agent.encode(Samples.command()).toJsonObject()
        .put("lkid", real.getString("lkid")).put("lsig", real.getString("lsig"));
    assertRejected(agent, lifted.toBuffer(), MessageRejected.Reason.UNVERIFIED_LEADER);
    KeyPair other = leaderPair();
    Seal impostor = Seal.signed(key, List.of(), at(NOW)).withLeaderKeys(Optional.of(LeaderSigner.pairing(
        other.getPrivate().getEncoded(), List.of(LeaderKey.of(other.getPublic())))), List.of());
    JsonObject forged = impostor.encode(Samples.command()).toJsonObject().put("lkid", leaderKey.kid());
    assertRejected(agent, forged.toBuffer(), MessageRejected.Reason.UNVERIFIED_LEADER);
    assertThatThrownBy(() -> agent.open(impostor.encode(Samples.command())))
        .hasMessageContaining("not among this process's leaderPublicKeyFiles");
    // A process that checks no leader signature still opens a leader-signed frame (rolling the key out).
    assertThat(Seal.signed(key, List.of(), at(NOW)).open(coordinator.encode(Samples.command())).message())
        .isEqualTo(Samples.command());
  }

  @Test
  void aLeaderPrivateKeyPairsOnlyWithItsOwnPublicHalf() throws Exception {
    KeyPair pair = leaderPair();
    KeyPair other = leaderPair();
    assertThatThrownBy(() -> LeaderSigner.pairing(pair.getPrivate().getEncoded(),
        List.of(LeaderKey.of(other.getPublic())))).hasMessageContaining("is not the private key of any accepted");
    assertThat(LeaderSigner.pairing(pair.getPrivate().getEncoded(), List.of(LeaderKey.of(other.getPublic()),
        LeaderKey.of(pair.getPublic()))).publicKey().kid()).isEqualTo(LeaderKey.of(pair.getPublic()).kid());
    assertThatThrownBy(() -> LeaderKey.fromEncoded(new byte[] {1, 2, 3})).hasMessageContaining("not an Ed25519");
  }

  private static KeyPair leaderPair() throws java.security.GeneralSecurityException {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  private static void assertRejected(Seal seal, Buffer raw, MessageRejected.Reason reason) {
    assertThatThrownBy(() -> seal.open(raw)).isInstanceOfSatisfying(MessageRejected.class,
        r -> assertThat(r.reason()).isEqualTo(reason));
  }

  private static BusKey key(int seed) {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) seed);
    return new BusKey(secret);
  }

  private static Clock at(long millis) {
    return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }
}
