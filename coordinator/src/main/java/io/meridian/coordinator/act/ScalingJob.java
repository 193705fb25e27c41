package io.meridian.coordinator.act;

import io.meridian.coordinator.scale.JobRecord;
import io.meridian.coordinator.scale.ScalePlanner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** One scaling job of the leader: add or remove one node. Mutable, on the coordinator's context only. */
public final class ScalingJob {
  final String id;
  final String operation;
  final String node;
  final ScalePlanner.Role role;
  final long term;
  final Instant started;
  final List<JobRecord.Line> progress = new ArrayList<>();
  String state = "running";
  String result;
  String error;
  Instant finished;

  ScalingJob(String id, String operation, String node, ScalePlanner.Role role, long term, Instant started) {
    this.id = id;
    this.operation = operation;
    this.node = node;
    this.role = role;
    this.term = term;
    this.started = started;
  }

  /** As stored; a job of a previous leader, or the same job taken over under {@code term}. */
  static ScalingJob of(JobRecord r, long term) {
    ScalingJob job = new ScalingJob(r.id(), r.operation(), r.node(), r.role().flatMap(ScalePlanner.Role::parse).orElse(null), term,
        r.startedAt());
    job.progress.addAll(r.progress());
    job.state = r.state();
    job.result = r.result().orElse(null);
    job.error = r.error().orElse(null);
    job.finished = r.finishedAt().orElse(null);
    return job;
  }

  JobRecord record() {
    return new JobRecord(id, operation, node, Optional.ofNullable(role).map(r -> r.name().toLowerCase(
        Locale.ROOT)), term, started, state, Optional.ofNullable(result), Optional.ofNullable(error),
        Optional.ofNullable(finished), progress);
  }

  public String id() {
    return id;
  }

  public String operation() {
    return operation;
  }

  public String node() {
    return node;
  }

  public boolean running() {
    return state.equals("running");
  }

  public JsonObject document(String url) {
    JsonArray lines = new JsonArray();
    progress.forEach(l -> lines.add(new JsonObject().put("at", l.at().toString()).put("text", l.text())));
    return new JsonObject().put("id", id).put("url", url).put("operation", operation).put("node", node)
        .put("role", role == null ? null : role.name().toLowerCase(Locale.ROOT)).put("term", term)
        .put("state", state).put("startedAt", started.toString())
        .put("finishedAt", finished == null ? null : finished.toString()).put("result", result).put("error", error)
        .put("progress", lines);
  }
}
