package io.meridian.coordinator.state;

import static io.meridian.coordinator.state.StrictFields.array;
import static io.meridian.coordinator.state.StrictFields.element;
import static io.meridian.coordinator.state.StrictFields.instant;
import static io.meridian.coordinator.state.StrictFields.number;
import static io.meridian.coordinator.state.StrictFields.object;
import static io.meridian.coordinator.state.StrictFields.optionalString;
import static io.meridian.coordinator.state.StrictFields.string;

import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.decide.Recovery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
      e.recovery().ifPresent(rec -> json.put("recovery", RecoveryJson.encode(rec)));
      entries.add(json);
    }
    return new JsonObject().put("version", VERSION).put("generation", bucket.generation()).put("entries", entries)
        .encode();
  }

  /** @throws IllegalArgumentException naming the field that is wrong */
  public static Bucket decode(String text) {
    JsonObject root = StoredJson.versioned(text, VERSION);
    long generation = number(root, "generation", "", 0);
    JsonArray array = array(root, "entries", "");
    List<History.Recorded> entries = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String where = "entries[" + i + "].";
      JsonObject e = element(array, i, "entries");
      Optional<Recovery> recovery = e.containsKey("recovery")
          ? Optional.of(RecoveryJson.decode(object(e, "recovery", where), where + "recovery.")) : Optional.empty();
      entries.add(new History.Recorded(OptionalLong.of(number(e, "seq", where, 0)), string(e, "by", where),
          new History.Entry(instant(e, "at", where), number(e, "term", where, -1), string(e, "shard", where),
              string(e, "kind", where), string(e, "text", where), optionalString(e, "commandId", where), recovery)));
    }
    return new Bucket(generation, entries);
  }

  private static String cut(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
  }
}
