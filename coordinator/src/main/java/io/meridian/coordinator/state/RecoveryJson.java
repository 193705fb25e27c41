package io.meridian.coordinator.state;

import static io.meridian.coordinator.state.StrictFields.array;
import static io.meridian.coordinator.state.StrictFields.bool;
import static io.meridian.coordinator.state.StrictFields.element;
import static io.meridian.coordinator.state.StrictFields.instant;
import static io.meridian.coordinator.state.StrictFields.nonEmpty;
import static io.meridian.coordinator.state.StrictFields.number;
import static io.meridian.coordinator.state.StrictFields.object;
import static io.meridian.coordinator.state.StrictFields.optionalString;
import static io.meridian.coordinator.state.StrictFields.string;

import io.meridian.coordinator.decide.Recovery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Recovery} as JSON: in the failover memory (in progress), in the shared history (ended)
 * and in the API, the same shape everywhere. Decoding is strict.
 */
public final class RecoveryJson {

  private RecoveryJson() {
  }

  /** A recovery still running has no {@code outcome} and no {@code durationMs}. */
  public static JsonObject encode(Recovery r) {
    JsonArray steps = new JsonArray();
    r.steps().forEach(s -> steps.add(new JsonObject().put("at", s.at().toString()).put("term", s.term())
        .put("command", s.command()).put("target", s.target()).put("result", s.result())
        .put("commandId", s.commandId())));
    JsonObject json = new JsonObject().put("id", r.id()).put("shard", r.shard()).put("term", r.term())
        .put("trigger", r.trigger()).put("evidence", r.evidence()).put("failedPrimary", r.failedPrimary())
        .put("startedAt", r.startedAt().toString()).put("steps", steps).put("sent", r.sent())
        .put("attemptFailed", r.attemptFailed());
    r.region().ifPresent(region -> json.put("region", region));
    r.outcome().ifPresent(o -> json.put("outcome", new JsonObject().put("result", o.result())
        .put("at", o.at().toString()).put("summary", o.summary()))
        .put("durationMs", r.duration(o.at()).toMillis()));
    return json;
  }

  /**
   * @param where the path of {@code json} in its document, empty or ending in a dot
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static Recovery decode(JsonObject json, String where) {
    JsonArray stepArray = array(json, "steps", where);
    List<Recovery.Step> steps = new ArrayList<>();
    for (int i = 0; i < stepArray.size(); i++) {
      JsonObject s = element(stepArray, i, where + "steps");
      String at = where + "steps[" + i + "].";
      steps.add(new Recovery.Step(instant(s, "at", at), number(s, "term", at, 0), nonEmpty(s, "command", at),
          nonEmpty(s, "target", at), string(s, "result", at), nonEmpty(s, "commandId", at)));
    }
    Optional<Recovery.Outcome> outcome = Optional.empty();
    if (json.containsKey("outcome")) {
      JsonObject o = object(json, "outcome", where);
      String at = where + "outcome.";
      outcome = Optional.of(new Recovery.Outcome(nonEmpty(o, "result", at), instant(o, "at", at),
          string(o, "summary", at)));
    }
    return new Recovery(nonEmpty(json, "id", where), nonEmpty(json, "shard", where), number(json, "term", where, 0),
        nonEmpty(json, "trigger", where), string(json, "evidence", where), nonEmpty(json, "failedPrimary", where),
        optionalString(json, "region", where), instant(json, "startedAt", where), steps,
        (int) Math.min(Integer.MAX_VALUE, number(json, "sent", where, 0)), bool(json, "attemptFailed", where),
        outcome);
  }
}
