package io.meridian.messages;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a consumer turns raw bus bodies into messages: it opens the {@link Seal} (the signature,
 * on a secure bus), refuses a message id it has already taken (a replay), and decodes strictly. A
 * rejected message is counted in {@code meridian_messages_rejected_total{type,reason}} and logged
 * once per sender and reason (a broken sender repeats itself every probe round; the metric keeps
 * counting). Never throws.
 */
public final class InboundGate {

  private static final Logger LOG = LoggerFactory.getLogger(InboundGate.class);
  /** Bound on remembered (sender, reason) pairs, so a flood of fake senders cannot grow memory. */
  private static final int MAX_REMEMBERED = 10_000;

  /**
   * How far ahead of this process's clock a message may be stamped: clock skew between hosts that
   * run NTP is well under this; more is a broken clock or a forged message, which would otherwise
   * look fresh until that time.
   */
  public static final java.time.Duration MAX_AHEAD = java.time.Duration.ofSeconds(30);

  /**
   * Bound on remembered message ids. Ids leave once their signature expires, so the map holds
   * about the last {@link Seal#VALIDITY} of traffic (a few hundred on an agent); the bound only
   * matters against a flood from a holder of the key, and then the oldest ids go first.
   */
  static final int MAX_TAKEN_IDS = 50_000;

  private final MeterRegistry registry;
  private final String receiver;
  private final Seal seal;
  private final java.time.Clock clock;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();
  /** Ids of accepted signed messages, with the end of their validity, oldest first. */
  private final java.util.LinkedHashMap<String, Long> taken = new java.util.LinkedHashMap<>();

  public InboundGate(MeterRegistry registry, String receiver, Seal seal) {
    this(registry, receiver, seal, java.time.Clock.systemUTC());
  }

  public InboundGate(MeterRegistry registry, String receiver, Seal seal, java.time.Clock clock) {
    this.registry = registry;
    this.receiver = receiver;
    this.seal = seal;
    this.clock = clock;
  }

  /**
   * The message, or empty when it was rejected (already counted and logged) or was only a route
   * warm-up ({@link Addresses#WARM_UP_HEADER}: dropped, neither counted nor logged).
   */
  public <T extends Message> Optional<T> accept(io.vertx.core.eventbus.Message<?> message, String address,
      Class<T> expected) {
    return message.headers().contains(Addresses.WARM_UP_HEADER) ? Optional.empty()
        : accept(message.body(), address, expected);
  }

  /**
   * As {@link #accept(Object, String, Class)}, then refuses a well-formed message that
   * {@code outOfScope} finds outside what this receiver serves (a region it does not know),
   * counted and logged like any rejection.
   */
  public <T extends Message> Optional<T> accept(Object body, String address, Class<T> expected,
      java.util.function.Function<T, Optional<MessageRejected>> outOfScope) {
    Optional<T> message = accept(body, address, expected);
    Optional<MessageRejected> refusal = message.flatMap(outOfScope);
    if (refusal.isPresent()) {
      reject(refusal.get(), message.get().sender(), address);
      return Optional.empty();
    }
    return message;
  }

  /** The message, or empty when it was rejected (already counted and logged). */
  public <T extends Message> Optional<T> accept(Object body, String address, Class<T> expected) {
    if (!(body instanceof Buffer raw)) {
      reject(new MessageRejected(MessageRejected.Reason.MALFORMED_JSON, null,
          "body is " + (body == null ? "empty" : "a " + body.getClass().getSimpleName()) + ", expected JSON bytes"),
          "unknown", address);
      return Optional.empty();
    }
    try {
      Seal.Opened opened = seal.open(raw);
      T decoded = Wire.expect(opened.message(), expected);
      if (opened.id().isPresent()) {
        take(opened, decoded.wireType());
      }
      java.util.OptionalLong sentAt = decoded.sentAtMillis();
      long now = clock.millis();
      if (sentAt.isPresent() && sentAt.getAsLong() > now + MAX_AHEAD.toMillis()) {
        throw new MessageRejected(MessageRejected.Reason.FUTURE_TIMESTAMP, decoded.wireType(), "stamped "
            + (sentAt.getAsLong() - now) + " ms ahead of this process's clock (at most " + MAX_AHEAD.toMillis()
            + " ms of skew is accepted)");
      }
      return Optional.of(decoded);
    } catch (MessageRejected rejected) {
      reject(rejected, Wire.senderOf(raw), address);
      return Optional.empty();
    } catch (RuntimeException bug) {
      // A decoder bug must not kill the consumer; count it like a rejection and keep the stack.
      LOG.error("decoding a message on {} failed unexpectedly", address, bug);
      counter(expected.getSimpleName(), "decoder_error").increment();
      return Optional.empty();
    }
  }

  private synchronized void take(Seal.Opened opened, String type) throws MessageRejected {
    long now = clock.millis();
    var oldest = taken.entrySet().iterator();
    while (oldest.hasNext()) {
      var e = oldest.next();
      if (e.getValue() >= now && taken.size() < MAX_TAKEN_IDS) {
        break;
      }
      oldest.remove();
    }
    if (taken.putIfAbsent(opened.id().get(), opened.until()) != null) {
      throw new MessageRejected(MessageRejected.Reason.REPLAYED, type, "message id " + opened.id().get()
          + " was already taken: a replay of an earlier message");
    }
  }

  private void reject(MessageRejected rejected, String sender, String address) {
    counter(rejected.messageType(), rejected.reason().label()).increment();
    String key = sender + "|" + rejected.reason();
    if (logged.size() < MAX_REMEMBERED && logged.add(key)) {
      LOG.atWarn()
          .addKeyValue("sender", sender)
          .addKeyValue("address", address)
          .addKeyValue("reason", rejected.reason().label())
          .log("rejected a message from {} on {}: {} (further rejections from this sender for this reason are only counted)",
              sender, address, rejected.getMessage());
    }
  }

  private Counter counter(String type, String reason) {
    return Counter.builder("meridian_messages_rejected")
        .description("Messages from the event bus rejected by strict decoding")
        .tag("receiver", receiver)
        .tag("type", type)
        .tag("reason", reason)
        .register(registry);
  }
}
