package io.meridian.coordinator.state;

import static io.meridian.coordinator.state.StrictFields.array;
import static io.meridian.coordinator.state.StrictFields.element;
import static io.meridian.coordinator.state.StrictFields.instant;
import static io.meridian.coordinator.state.StrictFields.nonEmpty;
import static io.meridian.coordinator.state.StrictFields.number;
import static io.meridian.coordinator.state.StrictFields.optionalString;
import static io.meridian.coordinator.state.StrictFields.string;

import io.meridian.coordinator.scale.JobRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The leader's scaling jobs as JSON, to hand them from one leader to the next through the CP
 * group. Strict: anything malformed is rejected with what and where.
 */
public final class ScalingJobsCodec implements CpTermRegister.Codec<List<JobRecord>> {

  static final int VERSION = 1;

  @Override
  public String encode(List<JobRecord> jobs, long term) {
    JsonArray array = new JsonArray();
    for (JobRecord j : jobs) {
      JsonArray lines = new JsonArray();
      j.progress().forEach(l -> lines.add(new JsonObject().put("at", l.at().toString()).put("text", l.text())));
      JsonObject json = new JsonObject().put("id", j.id()).put("operation", j.operation()).put("node", j.node())
          .put("term", j.term()).put("startedAt", j.startedAt().toString()).put("state", j.state())
          .put("progress", lines);
      j.role().ifPresent(r -> json.put("role", r));
      j.result().ifPresent(r -> json.put("result", r));
      j.error().ifPresent(e -> json.put("error", e));
      j.finishedAt().ifPresent(f -> json.put("finishedAt", f.toString()));
      array.add(json);
    }
    return new JsonObject().put("version", VERSION).put("term", term).put("jobs", array).encode();
  }

  @Override
  public CpTermRegister.Stamped<List<JobRecord>> decode(String text) {
    JsonObject root = StoredJson.versioned(text, VERSION);
    long term = StoredJson.term(root);
    JsonArray array = array(root, "jobs", "");
    List<JobRecord> jobs = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonObject j = element(array, i, "jobs");
      String where = "jobs[" + i + "].";
      JsonArray lineArray = array(j, "progress", where);
      List<JobRecord.Line> lines = new ArrayList<>();
      for (int k = 0; k < lineArray.size(); k++) {
        JsonObject l = element(lineArray, k, where + "progress");
        String at = where + "progress[" + k + "].";
        lines.add(new JobRecord.Line(instant(l, "at", at), string(l, "text", at)));
      }
      String state = nonEmpty(j, "state", where);
      if (!JobRecord.STATES.contains(state)) {
        throw new IllegalArgumentException("field '" + where + "state': expected one of " + JobRecord.STATES
            + ", got " + state);
      }
      Optional<Instant> finished = j.containsKey("finishedAt") ? Optional.of(instant(j, "finishedAt", where))
          : Optional.empty();
      jobs.add(new JobRecord(nonEmpty(j, "id", where), nonEmpty(j, "operation", where), nonEmpty(j, "node", where),
          optionalString(j, "role", where), number(j, "term", where, 0), instant(j, "startedAt", where), state,
          optionalString(j, "result", where), optionalString(j, "error", where), finished, lines));
    }
    return new CpTermRegister.Stamped<>(term, List.copyOf(jobs));
  }
}
