package io.meridian.coordinator.api;

import io.meridian.coordinator.act.ScalingJob;
import io.meridian.coordinator.act.ScalingJobs;
import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.coordinator.scale.ScalePlanner;
import io.meridian.runtime.http.HttpEndpoints;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scaling API: {@code POST /api/v1/nodes} ({@code {"node": "host:port", "role":
 * "auto|primary|replica"}}) and {@code DELETE /api/v1/nodes/{host:port}} start a scaling job on the
 * leader (operator token) and answer 202 with its id and URL, or the reason (4xx);
 * {@code GET /api/v1/jobs[/{id}]} shows the jobs this coordinator ran while leading.
 */
public final class ScalingApi {

  private static final Logger LOG = LoggerFactory.getLogger(ScalingApi.class);

  private final OperatorGate gate;
  private final Supplier<CoordinatorConfig> config;
  private final Optional<ScalingJobs> scaling;
  private final Function<String, String> jobUrl;
  private final LongSupplier term;

  /**
   * @param scaling the leader's scaling jobs; empty when leadership is off
   * @param jobUrl  a job's URL on this coordinator, from its id
   */
  public ScalingApi(OperatorGate gate, Supplier<CoordinatorConfig> config, Optional<ScalingJobs> scaling,
      Function<String, String> jobUrl, LongSupplier term) {
    this.term = term;
    this.gate = gate;
    this.config = config;
    this.scaling = scaling;
    this.jobUrl = jobUrl;
  }

  public void routes(Router router) {
    // The token is checked before a byte of the body is read, and the body is a small JSON document
    // held in memory: never a file upload.
    // (A security-policy handler: Vert.x Web runs those before the body handler, user handlers after.)
    router.post("/api/v1/nodes").handler((SecurityPolicyHandler) ctx -> {
      if (gate.authorized(ctx)) {
        ctx.next();
      }
    }).handler(BodyHandler.create().setBodyLimit(64 * 1024).setHandleFileUploads(false))
        .handler(ctx -> scale(ctx, ScaleRequest.ADD));
    router.delete("/api/v1/nodes/:node").handler(ctx -> {
      if (gate.authorized(ctx)) {
        scale(ctx, ScaleRequest.REMOVE);
      }
    });
    router.get("/api/v1/jobs").handler(this::jobs);
    router.get("/api/v1/jobs/:id").handler(this::job);
  }

  /** After the token check. */
  private void scale(RoutingContext ctx, String operation) {
    if (!gate.onLeader(ctx)) {
      return;
    }
    ScaleRequest.Parsed parsed = operation.equals(ScaleRequest.ADD) ? ScaleRequest.add(ctx.body().asString())
        : ScaleRequest.remove(ctx.pathParam("node"));
    if (parsed instanceof ScaleRequest.Invalid invalid) {
      HttpEndpoints.error(ctx, 400, invalid.reason());
      return;
    }
    ScaleRequest request = ((ScaleRequest.Valid) parsed).request();
    boolean adding = request.adding();
    String node = request.node();
    CoordinatorConfig c = config.get();
    if (c.spec().isEmpty()) {
      HttpEndpoints.error(ctx, 409, "no cluster spec configured: scaling needs it (set 'spec' in coordinator.yaml)");
      return;
    }
    Optional<String> refused = ScalePlanner.refusal(c.spec().get(), node, adding);
    if (refused.isPresent()) {
      HttpEndpoints.error(ctx, 422, operation + " refused: " + refused.get());
      return;
    }
    // On the leader, so leadership is on and the jobs exist.
    ScalingJobs jobs = scaling.orElseThrow();
    if (!jobs.ready(term.getAsLong())) {
      ctx.response().putHeader("Retry-After", "1");
      HttpEndpoints.error(ctx, 503, "this leader is still reading the previous leader's scaling jobs from the CP "
          + "group (it resumes one left running): try again in a moment");
      return;
    }
    Optional<ScalingJob> running = jobs.running();
    if (running.isPresent()) {
      String url = jobUrl.apply(running.get().id());
      HttpEndpoints.json(ctx, 409, new JsonObject().put("status", 409).put("error", "a scaling job is running ("
          + running.get().id() + ", " + running.get().operation() + " " + running.get().node()
          + "): one at a time; follow it at " + url)
          .put("runningJob", running.get().id()).put("url", url).put("operation", running.get().operation())
          .put("node", running.get().node()));
      return;
    }
    if (!gate.mayAct(ctx)) {
      return;
    }
    String announced = c.spec().get().node(node).orElseThrow().announced();
    if (adding) {
      Optional<String> noAgent = jobs.agentMissing(announced);
      if (noAgent.isPresent()) {
        HttpEndpoints.error(ctx, 409, operation + " refused: " + noAgent.get());
        return;
      }
    }
    ScalingJob job = jobs.start(operation, node, request.role());
    LOG.atInfo().addKeyValue("job", job.id()).log("{} {} started as job {} (request from {})", operation, node,
        job.id(), ctx.request().remoteAddress());
    ctx.response().putHeader("Location", jobUrl.apply(job.id()));
    HttpEndpoints.json(ctx, 202, job.document(jobUrl.apply(job.id())));
  }

  /**
   * {@code GET /api/v1/jobs}: the scaling jobs, newest last: on the leader those of every leader
   * (kept in the CP group), elsewhere those this coordinator knew while it led.
   */
  private void jobs(RoutingContext ctx) {
    JsonArray all = new JsonArray();
    scaling.ifPresent(s -> s.jobs().forEach(j -> all.add(j.document(jobUrl.apply(j.id())))));
    HttpEndpoints.json(ctx, 200, new JsonObject().put("observedBy", config.get().coordinatorId()).put("jobs", all));
  }

  private void job(RoutingContext ctx) {
    Optional<ScalingJob> job = scaling.flatMap(s -> s.job(ctx.pathParam("id")));
    if (job.isEmpty()) {
      HttpEndpoints.error(ctx, 404, "no job " + ctx.pathParam("id") + " on " + config.get().coordinatorId()
          + " (the leader keeps the last 20 jobs of every leader; ask it)");
      return;
    }
    HttpEndpoints.json(ctx, 200, job.get().document(jobUrl.apply(job.get().id())));
  }
}
