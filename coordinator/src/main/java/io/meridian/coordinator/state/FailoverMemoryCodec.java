package io.meridian.coordinator.state;

import static io.meridian.coordinator.state.StrictFields.array;
import static io.meridian.coordinator.state.StrictFields.bool;
import static io.meridian.coordinator.state.StrictFields.instant;
import static io.meridian.coordinator.state.StrictFields.nonEmpty;
import static io.meridian.coordinator.state.StrictFields.object;

import io.meridian.coordinator.decide.Action;
import io.meridian.coordinator.decide.Recovery;
import io.meridian.coordinator.decide.FailoverMemory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The failover memory as JSON, to hand it from one leader to the next through the CP group.
 * Decoding is strict: anything malformed is rejected with what and where, and the caller starts
 * from an empty memory rather than from a guess. The maintenance flag is not part of it (it has
 * its own CP entry).
 */
public final class FailoverMemoryCodec {

  static final int VERSION = 1;

  private FailoverMemoryCodec() {
  }

  /** The codec of the failover memory's register in the CP group. */
  public static final CpTermRegister.Codec<FailoverMemory> CODEC = new CpTermRegister.Codec<>() {
    @Override
    public String encode(FailoverMemory value, long term) {
      return FailoverMemoryCodec.encode(value, term);
    }

    @Override
    public CpTermRegister.Stamped<FailoverMemory> decode(String text) {
      return FailoverMemoryCodec.decode(text);
    }
  };

  public static String encode(FailoverMemory memory, long term) {
    JsonObject attempts = new JsonObject();
    memory.attempts().forEach((shard, a) -> attempts.put(shard, new JsonObject()
        .put("failed", a.failed()).put("failedAnnounced", a.failedAnnounced()).put("candidate", a.candidate())
        .put("mode", a.mode().name()).put("startedAt", a.startedAt().toString())
        .put("tried", new JsonArray(a.tried().stream().sorted().toList())).put("over", a.over())));
    JsonObject failures = new JsonObject();
    memory.recentFailures().forEach((node, f) -> failures.put(node, new JsonObject()
        .put("shard", f.shard()).put("announced", f.announced()).put("at", f.at().toString())));
    JsonObject returning = new JsonObject();
    memory.returning().forEach((node, r) -> {
      JsonObject json = new JsonObject().put("shard", r.shard()).put("replacedBy", r.replacedBy());
      r.backSince().ifPresent(b -> json.put("backSince", b.toString()));
      returning.put(node, json);
    });
    JsonObject recoveries = new JsonObject();
    memory.recoveries().forEach((shard, r) -> recoveries.put(shard, RecoveryJson.encode(r)));
    return new JsonObject().put("version", VERSION).put("term", term).put("attempts", attempts)
        .put("recentFailures", failures)
        .put("returning", returning).put("recoveries", recoveries).encode();
  }

  /** @throws IllegalArgumentException naming the field that is wrong */
  public static CpTermRegister.Stamped<FailoverMemory> decode(String text) {
    JsonObject root = StoredJson.versioned(text, VERSION);
    long term = StoredJson.term(root);
    Map<String, FailoverMemory.Attempt> attempts = new HashMap<>();
    object(root, "attempts", "").forEach(e -> {
      JsonObject a = entry("attempts", e);
      String where = "attempts." + e.getKey() + ".";
      Set<String> tried = new HashSet<>();
      array(a, "tried", where).forEach(t -> {
        if (!(t instanceof String s)) {
          throw new IllegalArgumentException("field '" + where + "tried': expected strings, got " + t);
        }
        tried.add(s);
      });
      attempts.put(e.getKey(), new FailoverMemory.Attempt(nonEmpty(a, "failed", where),
          nonEmpty(a, "failedAnnounced", where), nonEmpty(a, "candidate", where), mode(a, where),
          instant(a, "startedAt", where), tried, bool(a, "over", where)));
    });
    Map<String, FailoverMemory.Failure> failures = new HashMap<>();
    object(root, "recentFailures", "").forEach(e -> {
      JsonObject f = entry("recentFailures", e);
      String where = "recentFailures." + e.getKey() + ".";
      failures.put(e.getKey(), new FailoverMemory.Failure(nonEmpty(f, "shard", where), nonEmpty(f, "announced", where),
          instant(f, "at", where)));
    });
    Map<String, FailoverMemory.Returning> returning = new HashMap<>();
    object(root, "returning", "").forEach(e -> {
      JsonObject r = entry("returning", e);
      String where = "returning." + e.getKey() + ".";
      Optional<Instant> back = r.containsKey("backSince") ? Optional.of(instant(r, "backSince", where)) : Optional.empty();
      returning.put(e.getKey(), new FailoverMemory.Returning(nonEmpty(r, "shard", where),
          nonEmpty(r, "replacedBy", where), back));
    });
    // Absent in what a leader of an earlier version wrote: it had no recovery records.
    Map<String, Recovery> recoveries = new HashMap<>();
    if (root.containsKey("recoveries")) {
      object(root, "recoveries", "").forEach(e -> recoveries.put(e.getKey(),
          RecoveryJson.decode(entry("recoveries", e), "recoveries." + e.getKey() + ".")));
    }
    return new CpTermRegister.Stamped<>(term, new FailoverMemory(attempts, failures, false, returning, recoveries));
  }

  private static JsonObject entry(String field, Map.Entry<String, Object> e) {
    if (!(e.getValue() instanceof JsonObject o)) {
      throw new IllegalArgumentException("field '" + field + "." + e.getKey() + "': expected an object, got "
          + e.getValue());
    }
    return o;
  }

  private static Action.Mode mode(JsonObject json, String where) {
    String text = nonEmpty(json, "mode", where);
    try {
      return Action.Mode.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("field '" + where + "mode': expected FORCE or TAKEOVER, got " + text, e);
    }
  }
}
