package io.meridian.messages;

import io.meridian.messages.MessageRejected.Reason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Strict reader over one JSON object of a message: every accessor names the field's full path
 * in its rejection, so a log line says exactly what was wrong and where.
 */
final class Fields {

  private static final int MAX_SLOT = 16383;
  private static final java.util.regex.Pattern SLOT_RANGE = java.util.regex.Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");

  private final JsonObject json;
  private final String type;
  private final String path;

  Fields(JsonObject json, String type, String path) {
    this.json = json;
    this.type = type;
    this.path = path;
  }

  static Fields of(JsonObject json, String type) {
    return new Fields(json, type, "");
  }

  private String where(String field) {
    return path + field;
  }

  private Object required(String field) throws MessageRejected {
    Object value = json.getValue(field);
    if (value == null) {
      throw new MessageRejected(Reason.MISSING_FIELD, type, type + ": missing field '" + where(field) + "'");
    }
    return value;
  }

  private MessageRejected wrongType(String field, String expected, Object value) {
    return new MessageRejected(Reason.WRONG_TYPE, type,
        type + ": field '" + where(field) + "' must be " + expected + ", got " + describe(value));
  }

  MessageRejected invalid(String field, String why) {
    return new MessageRejected(Reason.INVALID_VALUE, type, type + ": field '" + where(field) + "' " + why);
  }

  private static String describe(Object value) {
    if (value instanceof String s) {
      return "string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    return value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + value;
  }

  String string(String field) throws MessageRejected {
    Object v = required(field);
    if (!(v instanceof String s)) {
      throw wrongType(field, "a string", v);
    }
    if (s.isBlank()) {
      throw invalid(field, "must not be blank");
    }
    return s;
  }

  Optional<String> optString(String field) throws MessageRejected {
    return json.getValue(field) == null ? Optional.empty() : Optional.of(string(field));
  }

  long integer(String field) throws MessageRejected {
    Object v = required(field);
    if (!(v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte)) {
      if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && !Double.isInfinite(n.doubleValue())
          && Math.abs(n.doubleValue()) < 9.0e15) {
        return n.longValue();
      }
      throw wrongType(field, "an integer", v);
    }
    return ((Number) v).longValue();
  }

  Optional<Long> optInteger(String field) throws MessageRejected {
    return json.getValue(field) == null ? Optional.empty() : Optional.of(integer(field));
  }

  long nonNegative(String field) throws MessageRejected {
    long v = integer(field);
    if (v < 0) {
      throw invalid(field, "must be >= 0, got " + v);
    }
    return v;
  }

  /** A leader term: 0 to {@link Terms#MAX}. */
  long term(String field) throws MessageRejected {
    long v = nonNegative(field);
    if (v > Terms.MAX) {
      throw invalid(field, "is above any term a leader issues (" + Terms.MAX + "), got " + v);
    }
    return v;
  }

  Optional<Long> optTerm(String field) throws MessageRejected {
    return json.getValue(field) == null ? Optional.empty() : Optional.of(term(field));
  }

  Optional<Long> optNonNegative(String field) throws MessageRejected {
    return json.getValue(field) == null ? Optional.empty() : Optional.of(nonNegative(field));
  }

  boolean bool(String field) throws MessageRejected {
    Object v = required(field);
    if (!(v instanceof Boolean b)) {
      throw wrongType(field, "a boolean", v);
    }
    return b;
  }

  Optional<Boolean> optBool(String field) throws MessageRejected {
    return json.getValue(field) == null ? Optional.empty() : Optional.of(bool(field));
  }

  <E extends Enum<E>> E enumValue(String field, Class<E> kind) throws MessageRejected {
    String raw = string(field);
    for (E e : kind.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(raw)) {
        return e;
      }
    }
    throw invalid(field, "must be one of " + names(kind) + ", got \"" + raw + "\"");
  }

  <E extends Enum<E>> Optional<E> optEnum(String field, Class<E> kind) throws MessageRejected {
    return json.getValue(field) == null ? Optional.empty() : Optional.of(enumValue(field, kind));
  }

  static <E extends Enum<E>> List<String> names(Class<E> kind) {
    List<String> out = new ArrayList<>();
    for (E e : kind.getEnumConstants()) {
      out.add(e.name().toLowerCase(java.util.Locale.ROOT));
    }
    return out;
  }

  List<String> strings(String field) throws MessageRejected {
    Object v = required(field);
    if (!(v instanceof JsonArray array)) {
      throw wrongType(field, "an array of strings", v);
    }
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (!(item instanceof String s)) {
        throw wrongType(field + "[" + i + "]", "a string", item == null ? "null" : item);
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  /** Slots and slot ranges as CLUSTER NODES writes them ({@code 5}, {@code 0-5460}), within 0-16383, from before to. */
  List<String> slotRanges(String field) throws MessageRejected {
    List<String> ranges = strings(field);
    for (String range : ranges) {
      java.util.regex.Matcher m = SLOT_RANGE.matcher(range);
      boolean valid = m.matches() && Integer.parseInt(m.group(1)) <= MAX_SLOT
          && (m.group(2) == null || Integer.parseInt(m.group(2)) <= MAX_SLOT
              && Integer.parseInt(m.group(1)) <= Integer.parseInt(m.group(2)));
      if (!valid) {
        throw invalid(field, "'" + (range.length() > 24 ? range.substring(0, 24) + "..." : range)
            + "' is not a slot or a slot range within 0-" + MAX_SLOT);
      }
    }
    return ranges;
  }

  Map<String, String> stringMap(String field) throws MessageRejected {
    Object v = required(field);
    if (!(v instanceof JsonObject object)) {
      throw wrongType(field, "an object of strings", v);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : object.fieldNames()) {
      Object item = object.getValue(key);
      if (!(item instanceof String s)) {
        throw wrongType(field + "." + key, "a string", item == null ? "null" : item);
      }
      out.put(key, s);
    }
    return Map.copyOf(out);
  }

  Map<String, List<String>> stringListMap(String field) throws MessageRejected {
    Fields inner = object(field);
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String key : inner.json.fieldNames()) {
      out.put(key, inner.strings(key));
    }
    return Map.copyOf(out);
  }

  Map<String, Long> longMap(String field) throws MessageRejected {
    Fields inner = object(field);
    Map<String, Long> out = new LinkedHashMap<>();
    for (String key : inner.json.fieldNames()) {
      out.put(key, inner.nonNegative(key));
    }
    return Map.copyOf(out);
  }

  Fields object(String field) throws MessageRejected {
    Object v = required(field);
    if (!(v instanceof JsonObject object)) {
      throw wrongType(field, "an object", v);
    }
    return new Fields(object, type, where(field) + ".");
  }

  Optional<Fields> optObject(String field) throws MessageRejected {
    return json.getValue(field) == null ? Optional.empty() : Optional.of(object(field));
  }

  /** An {@code host:port} address; the host is not resolved. */
  String address(String field) throws MessageRejected {
    String raw = string(field);
    if (!NodeAddress.isValid(raw)) {
      throw invalid(field, "must be host:port with a port in 1..65535, got \"" + raw + "\"");
    }
    return raw;
  }

  Optional<String> optAddress(String field) throws MessageRejected {
    return json.getValue(field) == null ? Optional.empty() : Optional.of(address(field));
  }
}
