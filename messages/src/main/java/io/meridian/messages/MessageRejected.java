package io.meridian.messages;

/** A message that failed strict decoding: why (a metric label) and where (a sentence for the log). */
public final class MessageRejected extends Exception {

  /** Closed list of rejection causes; each becomes a {@code reason} label value. */
  public enum Reason {
    OVERSIZED, MALFORMED_JSON, UNKNOWN_TYPE, UNSUPPORTED_VERSION, MISSING_FIELD, WRONG_TYPE, INVALID_VALUE, UNEXPECTED_TYPE,
    /** Stamped further ahead of the receiver's clock than clock skew explains. */
    FUTURE_TIMESTAMP,
    /** A plain message where this process requires signed ones. */
    UNSIGNED,
    /** Signed with a key this process does not hold. */
    UNKNOWN_KEY,
    /** The signature does not match the content: altered, or signed with another secret. */
    BAD_SIGNATURE,
    /** Signed, but its validity ended (replayed late, or the clocks disagree). */
    EXPIRED,
    /** A message id this process has already accepted. */
    REPLAYED,
    /** From, or about, a region this process is not configured with. */
    UNKNOWN_REGION,
    /** A command or leader announcement without a valid signature of the coordinators' leader key. */
    UNVERIFIED_LEADER;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Reason reason;
  private final String messageType;

  public MessageRejected(Reason reason, String messageType, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
    this.messageType = messageType == null ? "unknown" : messageType;
  }

  public Reason reason() {
    return reason;
  }

  /** The wire type the message claimed, or {@code unknown}. */
  public String messageType() {
    return messageType;
  }
}
