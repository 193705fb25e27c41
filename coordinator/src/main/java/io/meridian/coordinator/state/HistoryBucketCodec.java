package io.meridian.coordinator.state;

import io.meridian.coordinator.audit.History;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One bucket of the shared history as JSON: the entries numbered {@code generation × size} to
 * {@code (generation + 1) × size − 1}, in the order they arrived. Decoding is strict and says
 * what is wrong and where; the store then treats the bucket as empty and overwrites it.
 */
public final class HistoryBucketCodec {

  static final int VERSION = 1;
  /** Longer texts are cut, so that one runaway reason cannot make a bucket, and the Raft log, huge. */
  static final int MAX_TEXT = 4096;

  private HistoryBucketCodec() {
  }

  /** A decoded bucket. */
  public record Bucket(long generation, List<History.Recorded> entries) {
  }

  public static String encode(Bucket bucket) {
    JsonArray entries = new JsonArray();
    for (History.Recorded r : bucket.entries()) {
      History.Entry e = r.entry();
      JsonObject json = new JsonObject().put("seq", r.seq().orElseThrow()).put("by", r.by()).put("at", e.at().toString())
          .put("term", e.term()).put("shard", e.shard()).put("kind", e.kind()).put("text", cut(e.text()));
      e.id().ifPresent(id -> json.put("commandId", id));
      entries.add(json);
    }
    return new JsonObject().put("version", VERSION).put("generation", bucket.generation()).put("entries", entries)
        .encode();
  }

  /** @throws IllegalArgumentException naming the field that is wrong */
  public static Bucket decode(String text) {
    JsonObject root = StoredJson.versioned(text, VERSION);
    long generation = number(root, "generation", "", 0);
    if (!(root.getValue("entries") instanceof JsonArray array)) {
      throw new IllegalArgumentException("field 'entries': expected an array, got " + root.getValue("entries"));
    }
    List<History.Recorded> entries = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String where = "entries[" + i + "].";
      if (!(array.getValue(i) instanceof JsonObject e)) {
        throw new IllegalArgumentException("field 'entries[" + i + "]': expected an object, got " + array.getValue(i));
      }
      Optional<String> id = e.containsKey("commandId") ? Optional.of(string(e, "commandId", where))
          : Optional.empty();
      entries.add(new History.Recorded(OptionalLong.of(number(e, "seq", where, 0)), string(e, "by", where),
          new History.Entry(instant(e, where), number(e, "term", where, -1), string(e, "shard", where),
              string(e, "kind", where), string(e, "text", where), id)));
    }
    return new Bucket(generation, entries);
  }

  private static String cut(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
  }

  private static long number(JsonObject json, String field, String where, long min) {
    Object value = json.getValue(field);
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min) {
      throw new IllegalArgumentException("field '" + where + field + "': expected an integer of at least " + min
          + ", got " + value);
    }
    return ((Number) value).longValue();
  }

  private static String string(JsonObject json, String field, String where) {
    if (!(json.getValue(field) instanceof String s)) {
      throw new IllegalArgumentException("field '" + where + field + "': expected a string, got " + json.getValue(field));
    }
    return s;
  }

  private static Instant instant(JsonObject json, String where) {
    String text = string(json, "at", where);
    try {
      return Instant.parse(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("field '" + where + "at': expected an ISO-8601 instant, got " + text, e);
    }
  }
}
