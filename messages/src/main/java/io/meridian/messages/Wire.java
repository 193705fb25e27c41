package io.meridian.messages;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.meridian.messages.MessageRejected.Reason;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Map;

/**
 * Encoding and strict decoding of {@link Message}s. On the bus every message is a JSON document
 * in a {@link Buffer}: {@code {"type": …, "v": …, "sender": …, …body}}. Fields a version does not
 * know are ignored (senders may add optional fields without a new version); a missing field, a
 * wrong type, an unknown type or version, or a document over its kind's limit ({@link #MAX_BYTES},
 * {@link #MAX_REACHABILITY_BYTES} for a reachability report) is rejected.
 */
public final class Wire {

  private static final JsonFactory SENDER_PARSER = new JsonFactory();

  /** Largest accepted document of every kind but one. A health report is about 1 KiB. */
  public static final int MAX_BYTES = 64 * 1024;

  /**
   * Largest accepted reachability report. It names every node its coordinator probes and, when a
   * region is lost, every node of it as failing: about 60 bytes a node. 1 MiB holds over 10,000
   * nodes; 64 KiB, about 1,500 (docs/decisions/011).
   */
  public static final int MAX_REACHABILITY_BYTES = 1024 * 1024;

  /** The largest document of any kind: what may be parsed before its kind is known. */
  static final int MAX_ANY_BYTES = MAX_REACHABILITY_BYTES;

  private Wire() {
  }

  public static Buffer encode(Message message) {
    return toJson(message).toBuffer();
  }

  public static JsonObject toJson(Message message) {
    JsonObject json = new JsonObject()
        .put("type", message.wireType())
        .put("v", KINDS.get(message.wireType()).version())
        .put("sender", message.sender());
    json.mergeIn(message.body());
    return json;
  }

  /** How to read one kind from the wire. */
  @FunctionalInterface
  private interface Reader {
    Message read(String sender, Fields fields) throws MessageRejected;
  }

  private record Kind(int version, Reader reader) {
  }

  private static final Map<String, Kind> KINDS = Map.of(
      NodeHealthReport.TYPE, new Kind(NodeHealthReport.VERSION, NodeHealthReport::from),
      Command.TYPE, new Kind(Command.VERSION, Command::from),
      CommandResult.TYPE, new Kind(CommandResult.VERSION, CommandResult::from),
      LeaderAnnouncement.TYPE, new Kind(LeaderAnnouncement.VERSION, LeaderAnnouncement::from),
      ClusterEvent.TYPE, new Kind(ClusterEvent.VERSION, ClusterEvent::from),
      ReachabilityReport.TYPE, new Kind(ReachabilityReport.VERSION, ReachabilityReport::from));

  /** Decodes any message kind, within its kind's size limit. */
  public static Message decode(Buffer raw) throws MessageRejected {
    JsonObject json = parse(raw, MAX_ANY_BYTES);
    checkSize(peekType(json), raw.length());
    return decode(json);
  }

  /** Rejects a document of {@code length} bytes over its kind's limit (a known {@code type}). */
  static void checkSize(String type, int length) throws MessageRejected {
    int limit = ReachabilityReport.TYPE.equals(type) ? MAX_REACHABILITY_BYTES : MAX_BYTES;
    if (length > limit) {
      throw new MessageRejected(Reason.OVERSIZED, type,
          "a '" + type + "' message of " + length + " bytes exceeds the limit of " + limit + " bytes");
    }
  }

  static Message decode(JsonObject json) throws MessageRejected {
    String type = peekType(json);
    Fields f = Fields.of(json, type);
    String sender = f.string("sender");
    long version = f.integer("v");
    Kind kind = KINDS.get(type);
    if (version != kind.version()) {
      throw new MessageRejected(Reason.UNSUPPORTED_VERSION, type,
          type + ": version " + version + " is not supported (this build speaks version " + kind.version() + ")");
    }
    return kind.reader().read(sender, f);
  }

  /** Decodes a message that must be of one kind (an address carries one kind only). */
  public static <T extends Message> T decode(Buffer raw, Class<T> expected) throws MessageRejected {
    return expect(decode(raw), expected);
  }

  static <T extends Message> T expect(Message message, Class<T> expected) throws MessageRejected {
    if (!expected.isInstance(message)) {
      String type = message.wireType();
      throw new MessageRejected(Reason.UNEXPECTED_TYPE, type,
          "got a '" + type + "' message where only " + expected.getSimpleName() + " is accepted");
    }
    return expected.cast(message);
  }

  /** Best-effort sender of a raw message, for logging a rejection once per sender. */
  public static String senderOf(Buffer raw) {
    if (raw == null || raw.length() > 2 * MAX_ANY_BYTES) {
      return "unknown";
    }
    // Streamed, not parsed into a tree: a rejected frame can be 2 MiB, and this runs for every one.
    try (JsonParser p = SENDER_PARSER.createParser(raw.getBytes())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return "unknown";
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean sender = "sender".equals(p.currentName());
        JsonToken value = p.nextToken();
        if (sender) {
          return value == JsonToken.VALUE_STRING && !p.getText().isBlank() ? p.getText() : "unknown";
        }
        p.skipChildren();
      }
      return "unknown";
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** @param limit {@link #MAX_ANY_BYTES}, or twice that for a signed frame (its message is escaped inside) */
  static JsonObject parse(Buffer raw, int limit) throws MessageRejected {
    if (raw == null) {
      throw new MessageRejected(Reason.MALFORMED_JSON, null, "empty message");
    }
    if (raw.length() > limit) {
      throw new MessageRejected(Reason.OVERSIZED, null,
          "message of " + raw.length() + " bytes exceeds the limit of " + limit + " bytes");
    }
    try {
      return new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      throw new MessageRejected(Reason.MALFORMED_JSON, null, "not a JSON object: " + firstLine(e.getMessage()));
    }
  }

  /** The type of a message, which must be a known one. */
  static String peekType(JsonObject json) throws MessageRejected {
    Object type = json.getValue("type");
    if (type == null) {
      throw new MessageRejected(Reason.MISSING_FIELD, null, "missing field 'type'");
    }
    if (!(type instanceof String s)) {
      throw new MessageRejected(Reason.WRONG_TYPE, null, "field 'type' must be a string");
    }
    if (!KINDS.containsKey(s)) {
      throw new MessageRejected(Reason.UNKNOWN_TYPE, null,
          "unknown message type \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"");
    }
    return s;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 160 ? line.substring(0, 160) + "…" : line;
  }
}
