package io.meridian.messages;

import io.meridian.messages.MessageRejected.Reason;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Signs what a process sends on the bus and checks what it receives, with the cluster's
 * {@link BusKey}s. A signed frame wraps the message's own JSON text:
 * <pre>{"type":"sealed","v":1,"sender":…,"kid":…,"mid":…,"until":…,"sig":…,"msg":"{…the message…}"}</pre>
 * The HMAC covers the key id, a message id unique to this process ({@code mid}), the end of its
 * validity ({@code until}, epoch ms) and the message text byte for byte, so that nothing in it can
 * be changed, it cannot be used after {@code until}, and a receiver that remembers the ids it took
 * ({@link InboundGate}) refuses it a second time. Signing the text as sent (rather than a
 * re-encoding) keeps fields a receiver's version does not know covered too.
 *
 * <p>Commands and leader announcements carry a second signature over the same bytes, with the
 * coordinators' Ed25519 leader key ({@code lkid}, {@code lsig}): a process that accepts
 * {@link LeaderKey}s refuses them without it ({@code unverified_leader}). Every agent's host holds
 * the bus key, so the HMAC alone proves only "a Meridian process"; the leader signature proves "a
 * coordinator", and so no other key holder can command an agent or raise the term it obeys.
 *
 * <p>An insecure seal (the explicit {@code bus.insecure: true}) sends plain messages and opens
 * signed ones without checking them; a secure one refuses plain messages.
 */
public final class Seal {

  public static final String TYPE = "sealed";
  static final int VERSION = 1;
  /** How long a signed message stays valid: long enough for clock skew and a slow bus, short for replays. */
  public static final Duration VALIDITY = Duration.ofSeconds(30);
  /**
   * How long a cluster event stays valid. Events only inform (webhooks, history), and one sent
   * during a cut is delivered when the cut heals, often more than 30 s later: it still says what
   * happened, with its own time.
   */
  public static final Duration EVENT_VALIDITY = Duration.ofMinutes(10);
  private static final String DOMAIN = "meridian-bus-v1\n";
  private static final String LEADER_DOMAIN = "meridian-leader-v1\n";
  private static final int MAX_MID = 64;

  private final Optional<BusKey> signing;
  private final Map<String, BusKey> accepted;
  private final Optional<LeaderSigner> leaderSigner;
  private final Map<String, LeaderKey> leaderKeys;
  private final Clock clock;
  private final String idPrefix;
  private final AtomicLong next = new AtomicLong();

  private Seal(Optional<BusKey> signing, List<BusKey> alsoAccepted, Optional<LeaderSigner> leaderSigner,
      List<LeaderKey> leaderKeys, Clock clock) {
    this.signing = signing;
    Map<String, BusKey> keys = new LinkedHashMap<>();
    signing.ifPresent(k -> keys.put(k.kid(), k));
    alsoAccepted.forEach(k -> keys.putIfAbsent(k.kid(), k));
    this.accepted = Map.copyOf(keys);
    this.leaderSigner = leaderSigner;
    Map<String, LeaderKey> leaders = new LinkedHashMap<>();
    leaderSigner.ifPresent(k -> leaders.put(k.publicKey().kid(), k.publicKey()));
    leaderKeys.forEach(k -> leaders.putIfAbsent(k.kid(), k));
    this.leaderKeys = Map.copyOf(leaders);
    this.clock = clock;
    byte[] random = new byte[9];
    new SecureRandom().nextBytes(random);
    // A random prefix per process and a counter: unique across restarts without a random draw per message.
    this.idPrefix = Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "-";
  }

  /** Plain messages out; signed ones are opened without a check. */
  public static Seal insecure() {
    return new Seal(Optional.empty(), List.of(), Optional.empty(), List.of(), Clock.systemUTC());
  }

  /** Signs with {@code key}; accepts messages signed with it or with any of {@code alsoAccepted} (rotation). */
  public static Seal signed(BusKey key, List<BusKey> alsoAccepted) {
    return signed(key, alsoAccepted, Clock.systemUTC());
  }

  public static Seal signed(BusKey key, List<BusKey> alsoAccepted, Clock clock) {
    return new Seal(Optional.of(key), alsoAccepted, Optional.empty(), List.of(), clock);
  }

  /**
   * This seal, also requiring the leader signature of one of {@code accepted} on commands and
   * leader announcements, and making it with {@code signer} (coordinators; empty on agents).
   */
  public Seal withLeaderKeys(Optional<LeaderSigner> signer, List<LeaderKey> accepted) {
    if (signing.isEmpty()) {
      throw new IllegalStateException("an unsigned bus carries no leader signatures");
    }
    if (signer.isEmpty() && accepted.isEmpty()) {
      throw new IllegalArgumentException("at least one leader public key is needed to check leader signatures");
    }
    return new Seal(signing, List.copyOf(this.accepted.values()), signer, accepted, clock);
  }

  /** Whether commands and leader announcements must carry a leader signature here. */
  public boolean requiresLeaderSignature() {
    return !leaderKeys.isEmpty();
  }

  /** Whether this process can sign as a leader (a coordinator with the leader key). */
  public boolean signsAsLeader() {
    return leaderSigner.isPresent();
  }

  public boolean secure() {
    return signing.isPresent();
  }

  /** For the start-up log: which key signs and which are accepted (ids only). */
  public String describe() {
    return signing.map(k -> "signed with bus key " + k.kid() + ", accepting " + accepted.keySet().stream().sorted()
        .toList() + leaderSigner.map(l -> ", commands and announcements signed with leader key " + l.publicKey().kid())
        .orElse("") + (leaderKeys.isEmpty() ? ", leader signatures NOT checked"
        : ", leader keys accepted " + leaderKeys.keySet().stream().sorted().toList()))
        .orElse("UNSIGNED (bus.insecure: true)");
  }

  /** Equal when the same key signs and the same keys are accepted: a reloaded config can tell a rotation. */
  @Override
  public boolean equals(Object other) {
    return other instanceof Seal s && s.signing.map(BusKey::kid).equals(signing.map(BusKey::kid))
        && s.accepted.keySet().equals(accepted.keySet()) && s.leaderKid().equals(leaderKid())
        && s.leaderKeys.keySet().equals(leaderKeys.keySet());
  }

  private Optional<String> leaderKid() {
    return leaderSigner.map(l -> l.publicKey().kid());
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(signing.map(BusKey::kid), accepted.keySet(), leaderKid(), leaderKeys.keySet());
  }

  @Override
  public String toString() {
    return describe();
  }

  public Buffer encode(Message message) {
    if (signing.isEmpty()) {
      return Wire.encode(message);
    }
    BusKey key = signing.get();
    String text = Wire.toJson(message).encode();
    String mid = idPrefix + next.incrementAndGet();
    long until = clock.millis() + validity(message).toMillis();
    byte[] sig = key.sign(signedBytes(DOMAIN, key.kid(), mid, until, text));
    JsonObject frame = new JsonObject()
        .put("type", TYPE)
        .put("v", VERSION)
        .put("sender", message.sender())
        .put("kid", key.kid())
        .put("mid", mid)
        .put("until", until)
        .put("sig", Base64.getEncoder().encodeToString(sig));
    if (fromLeader(message) && leaderSigner.isPresent()) {
      LeaderSigner leader = leaderSigner.get();
      frame.put("lkid", leader.publicKey().kid())
          .put("lsig", Base64.getEncoder().encodeToString(leader.sign(signedBytes(LEADER_DOMAIN, key.kid(), mid, until,
              text))));
    }
    return frame.put("msg", text).toBuffer();
  }

  /**
   * A message that passed the seal: on a secure seal, with the id and validity end of its
   * signature (for replay checks); on an insecure one, without.
   */
  public record Opened(Message message, Optional<String> id, long until) {
  }

  /** Checks the signature (on a secure seal) and decodes the message strictly. */
  public Opened open(Buffer raw) throws MessageRejected {
    JsonObject frame = Wire.parse(raw, 2 * Wire.MAX_ANY_BYTES);
    if (!TYPE.equals(frame.getValue("type"))) {
      if (secure()) {
        // Refused for what it is, unsigned, before any of its fields is read.
        String type = Wire.peekType(frame);
        throw new MessageRejected(Reason.UNSIGNED, type, "an unsigned '" + type
            + "' message: this process accepts only messages signed with the cluster's bus key");
      }
      Wire.checkSize(Wire.peekType(frame), raw.length());
      return new Opened(Wire.decode(frame), Optional.empty(), 0);
    }
    Fields f = Fields.of(frame, TYPE);
    String sender = f.string("sender");
    String kid = f.string("kid");
    String mid = f.string("mid");
    long until = f.nonNegative("until");
    String sig = f.string("sig");
    String text = f.string("msg");
    if (mid.length() > MAX_MID) {
      throw new MessageRejected(Reason.INVALID_VALUE, TYPE, "sealed: field 'mid' is longer than " + MAX_MID);
    }
    if (secure()) {
      BusKey key = accepted.get(kid);
      if (key == null) {
        throw new MessageRejected(Reason.UNKNOWN_KEY, TYPE, "signed with bus key " + printable(kid)
            + ", which this process does not hold (it accepts " + accepted.keySet().stream().sorted().toList() + ")");
      }
      byte[] signature;
      try {
        signature = Base64.getDecoder().decode(sig);
      } catch (IllegalArgumentException e) {
        throw new MessageRejected(Reason.BAD_SIGNATURE, TYPE, "sealed: field 'sig' is not base64");
      }
      if (!key.verify(signedBytes(DOMAIN, kid, mid, until, text), signature)) {
        throw new MessageRejected(Reason.BAD_SIGNATURE, TYPE, "the signature does not match the message (altered, "
            + "or signed with another secret under key id " + kid + ")");
      }
      long now = clock.millis();
      if (until < now) {
        throw new MessageRejected(Reason.EXPIRED, TYPE, "its signature expired " + (now - until)
            + " ms ago (replayed late, or this host's clock is ahead of the sender's: check NTP)");
      }
    }
    Message message = Wire.decode(Buffer.buffer(text));
    if (!message.sender().equals(sender)) {
      throw new MessageRejected(Reason.INVALID_VALUE, message.wireType(), "sealed by " + printable(sender)
          + " but sent as " + printable(message.sender()));
    }
    if (secure() && fromLeader(message) && !leaderKeys.isEmpty()) {
      checkLeaderSignature(f, message.wireType(), signedBytes(LEADER_DOMAIN, kid, mid, until, text));
    }
    long ahead = until - clock.millis();
    if (secure() && ahead > validity(message).plus(InboundGate.MAX_AHEAD).toMillis()) {
      throw new MessageRejected(Reason.FUTURE_TIMESTAMP, message.wireType(), "its signature is valid for another "
          + ahead + " ms, longer than any sender signs a '" + message.wireType() + "' for (or the sender's clock is "
          + "ahead: check NTP)");
    }
    return new Opened(message, secure() ? Optional.of(mid) : Optional.empty(), until);
  }

  /** {@link #open} for a message that must be of one kind (a command's reply). */
  public <T extends Message> T open(Buffer raw, Class<T> expected) throws MessageRejected {
    return Wire.expect(open(raw).message(), expected);
  }

  /** The kinds only a leader sends: what needs the leader signature. */
  static boolean fromLeader(Message message) {
    return message instanceof Command || message instanceof LeaderAnnouncement;
  }

  private void checkLeaderSignature(Fields f, String type, byte[] signed) throws MessageRejected {
    Optional<String> lkid = f.optString("lkid");
    Optional<String> lsig = f.optString("lsig");
    if (lkid.isEmpty() || lsig.isEmpty()) {
      throw new MessageRejected(Reason.UNVERIFIED_LEADER, type, "a '" + type + "' without the coordinators' leader "
          + "signature: signed with the bus key only, so by some Meridian process that is not a coordinator holding "
          + "the leader key (or a coordinator whose bus.signing has no leaderKeyFile)");
    }
    LeaderKey key = leaderKeys.get(lkid.get());
    if (key == null) {
      throw new MessageRejected(Reason.UNVERIFIED_LEADER, type, "leader-signed with key " + printable(lkid.get())
          + ", which is not among this process's leaderPublicKeyFiles " + leaderKeys.keySet().stream().sorted()
          .toList());
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(lsig.get());
    } catch (IllegalArgumentException e) {
      throw new MessageRejected(Reason.UNVERIFIED_LEADER, type, "sealed: field 'lsig' is not base64");
    }
    if (!key.verify(signed, signature)) {
      throw new MessageRejected(Reason.UNVERIFIED_LEADER, type, "the leader signature does not match the message "
          + "(altered, or made with another private key under leader key id " + key.kid() + ")");
    }
  }

  static Duration validity(Message message) {
    return message instanceof ClusterEvent ? EVENT_VALIDITY : VALIDITY;
  }

  private static byte[] signedBytes(String domain, String kid, String mid, long until, String text) {
    return BusKey.utf8(domain + kid + "\n" + mid + "\n" + until + "\n" + text);
  }

  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    return "\"" + cut.replaceAll("\\p{Cntrl}", "?") + "\"";
  }

  /** Reads a key file's text: base64 of at least {@link BusKey#MIN_BYTES} random bytes. */
  public static BusKey keyFromText(String text) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("is not base64 (make one with: meridian keygen --out FILE)");
    }
    return new BusKey(bytes);
  }
}
