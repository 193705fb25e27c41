package io.meridian.coordinator.api;

import io.meridian.coordinator.operator.OperatorToken;
import io.meridian.runtime.http.HttpEndpoints;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks every mutating call of the API passes, in this order: the operator token, then (for
 * what only the leader does) leadership, then (for what changes the cluster) that the leader may
 * act now. Each answers the request itself with the reason when it says no.
 */
public final class OperatorGate {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorGate.class);

  private final OperatorToken token;
  private final BooleanSupplier leading;
  private final Supplier<Optional<String>> leaderApiUrl;
  private final BooleanSupplier paused;
  private final BooleanSupplier failingOver;

  /**
   * @param leaderApiUrl the API of the leader last heard, for a client to follow a 409
   * @param failingOver  true while a failover is under way or a shard is in trouble
   */
  public OperatorGate(OperatorToken token, BooleanSupplier leading, Supplier<Optional<String>> leaderApiUrl,
      BooleanSupplier paused, BooleanSupplier failingOver) {
    this.token = token;
    this.leading = leading;
    this.leaderApiUrl = leaderApiUrl;
    this.paused = paused;
    this.failingOver = failingOver;
  }

  /** The token check; answers (401/403) and returns false when not allowed. */
  public boolean authorized(RoutingContext ctx) {
    OperatorToken.Verdict verdict = token.check(ctx.request().getHeader("Authorization"));
    if (verdict instanceof OperatorToken.Denied denied) {
      LOG.atWarn().addKeyValue("path", ctx.request().path()).log("refused an operator request to {} from {}: {}",
          ctx.request().path(), ctx.request().remoteAddress(), denied.reason());
      HttpEndpoints.error(ctx, denied.status(), denied.reason());
      return false;
    }
    return true;
  }

  /** True on the leader; elsewhere answers 409 with the leader's API so that the client can follow it. */
  public boolean onLeader(RoutingContext ctx) {
    if (leading.getAsBoolean()) {
      return true;
    }
    HttpEndpoints.json(ctx, 409, new JsonObject().put("error", "this coordinator is not the leader; ask the leader")
        .put("status", 409).put("leaderApiUrl", leaderApiUrl.get().orElse(null)));
    return false;
  }

  /** False (after answering 409 with why) while paused or while a failover is under way. */
  public boolean mayAct(RoutingContext ctx) {
    if (paused.getAsBoolean()) {
      HttpEndpoints.error(ctx, 409, "maintenance mode is on: the leader does not act; resume first");
      return false;
    }
    if (failingOver.getAsBoolean()) {
      HttpEndpoints.error(ctx, 409, "a failover is in progress or a shard is in trouble: try again once the cluster is healthy");
      return false;
    }
    return true;
  }
}
