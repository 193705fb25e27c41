package io.meridian.messages;

/** A message that failed strict decoding: why (a metric label) and where (a sentence for the log). */
public final class MessageRejected extends Exception {

  /** Closed list of rejection causes; each becomes a {@code reason} label value. */
  public enum Reason {
    OVERSIZED, MALFORMED_JSON, UNKNOWN_TYPE, UNSUPPORTED_VERSION, MISSING_FIELD, WRONG_TYPE, INVALID_VALUE, UNEXPECTED_TYPE,
    /** Stamped further ahead of the receiver's clock than clock skew explains. */
    FUTURE_TIMESTAMP;

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
