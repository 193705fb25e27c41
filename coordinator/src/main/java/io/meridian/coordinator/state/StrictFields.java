package io.meridian.coordinator.state;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * Strict reads of the fields of a stored JSON document: each names the field by its full path
 * ({@code where} is the path of the object, empty or ending in a dot) and what it expected.
 */
final class StrictFields {

  private StrictFields() {
  }

  static String string(JsonObject json, String field, String where) {
    if (!(json.getValue(field) instanceof String s)) {
      throw new IllegalArgumentException("field '" + where + field + "': expected a string, got " + json.getValue(field));
    }
    return s;
  }

  static String nonEmpty(JsonObject json, String field, String where) {
    String s = string(json, field, where);
    if (s.isEmpty()) {
      throw new IllegalArgumentException("field '" + where + field + "': expected a non-empty string, got \"\"");
    }
    return s;
  }

  static Optional<String> optionalString(JsonObject json, String field, String where) {
    return json.containsKey(field) ? Optional.of(string(json, field, where)) : Optional.empty();
  }

  static long number(JsonObject json, String field, String where, long min) {
    Object value = json.getValue(field);
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min) {
      throw new IllegalArgumentException("field '" + where + field + "': expected an integer of at least " + min
          + ", got " + value);
    }
    return ((Number) value).longValue();
  }

  static boolean bool(JsonObject json, String field, String where) {
    if (!(json.getValue(field) instanceof Boolean b)) {
      throw new IllegalArgumentException("field '" + where + field + "': expected true or false, got "
          + json.getValue(field));
    }
    return b;
  }

  static Instant instant(JsonObject json, String field, String where) {
    if (!(json.getValue(field) instanceof String text)) {
      throw new IllegalArgumentException("field '" + where + field + "': expected an ISO-8601 instant, got "
          + json.getValue(field));
    }
    try {
      return Instant.parse(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("field '" + where + field + "': expected an ISO-8601 instant, got " + text, e);
    }
  }

  static JsonObject object(JsonObject json, String field, String where) {
    if (!(json.getValue(field) instanceof JsonObject o)) {
      throw new IllegalArgumentException("field '" + where + field + "': expected an object, got " + json.getValue(field));
    }
    return o;
  }

  static JsonArray array(JsonObject json, String field, String where) {
    if (!(json.getValue(field) instanceof JsonArray a)) {
      throw new IllegalArgumentException("field '" + where + field + "': expected an array, got " + json.getValue(field));
    }
    return a;
  }

  /** Element {@code i} of {@code array} (the field at {@code path}) as an object. */
  static JsonObject element(JsonArray array, int i, String path) {
    if (!(array.getValue(i) instanceof JsonObject o)) {
      throw new IllegalArgumentException("field '" + path + "[" + i + "]': expected an object, got " + array.getValue(i));
    }
    return o;
  }
}
