package io.meridian.messages;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.Optional;

/**
 * One probe round of one Redis node, as seen by the agent on its host.
 *
 * @param sender     agent id
 * @param cluster    name of the Meridian-managed cluster
 * @param region     region of the node (and of the agent)
 * @param node       the node's address as the agent probes it ({@code host:port})
 * @param seq        per-node sequence number, increasing for the agent's lifetime
 * @param observedAt when the probe finished, epoch milliseconds (agent clock)
 * @param latencyMicros probe round-trip time (PING), or time until the failure was known
 * @param failure    why the node could not be probed; empty when it answered
 * @param state      what the node said; present exactly when {@code failure} is empty
 * @param fenceAfterMs how long the agent waits, once isolated, before it pauses writes on the
 *                   node (its {@code fencing.after}); 0 when its write fencing is off. The leader
 *                   promotes in place of an unreachable primary only after this plus a margin.
 * @param writesHeld true while the agent holds the node's writes paused on the leader's order
 *                   ({@link Command.Kind#HOLD_WRITES}), until it follows another primary or is released
 * @param termSeen   the highest leader term the agent has seen (announced or on a command), below
 *                   which it refuses commands; 0 before any. A leader whose own term is not above
 *                   it raises its term (a CP group formed afresh numbers terms from low again).
 */
public record NodeHealthReport(
    String sender,
    String cluster,
    String region,
    String node,
    long seq,
    long observedAt,
    long latencyMicros,
    Optional<ProbeFailure> failure,
    Optional<RedisState> state,
    long fenceAfterMs,
    boolean writesHeld,
    String agentVersion,
    long termSeen) implements Message {

  public static final String TYPE = "node-health";
  /** An agent's fence delay ({@code fencing.after}) unless its config says otherwise. */
  public static final long DEFAULT_FENCE_AFTER_MS = 1000;
  public static final int VERSION = 1;
  /** What a report from an agent that does not say its version carries. */
  public static final String UNKNOWN_VERSION = "unknown";
  private static final int MAX_VERSION_LENGTH = 64;

  public NodeHealthReport {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(state, "state");
    if (failure.isPresent() == state.isPresent()) {
      throw new IllegalArgumentException("a report has either a failure or a state, not both or neither");
    }
    if (fenceAfterMs < 0) {
      throw new IllegalArgumentException("fenceAfterMs must not be negative, got " + fenceAfterMs);
    }
    Objects.requireNonNull(agentVersion, "agentVersion");
    if (termSeen < 0) {
      throw new IllegalArgumentException("termSeen must not be negative, got " + termSeen);
    }
  }

  /** A report that does not say which term its agent has seen. */
  public NodeHealthReport(String sender, String cluster, String region, String node, long seq, long observedAt,
      long latencyMicros, Optional<ProbeFailure> failure, Optional<RedisState> state, long fenceAfterMs,
      boolean writesHeld, String agentVersion) {
    this(sender, cluster, region, node, seq, observedAt, latencyMicros, failure, state, fenceAfterMs, writesHeld,
        agentVersion, 0);
  }

  /** A report whose agent does not say its version. */
  public NodeHealthReport(String sender, String cluster, String region, String node, long seq, long observedAt,
      long latencyMicros, Optional<ProbeFailure> failure, Optional<RedisState> state, long fenceAfterMs,
      boolean writesHeld) {
    this(sender, cluster, region, node, seq, observedAt, latencyMicros, failure, state, fenceAfterMs, writesHeld,
        UNKNOWN_VERSION);
  }

  /** A report from an agent without write fencing. */
  public NodeHealthReport(String sender, String cluster, String region, String node, long seq, long observedAt,
      long latencyMicros, Optional<ProbeFailure> failure, Optional<RedisState> state) {
    this(sender, cluster, region, node, seq, observedAt, latencyMicros, failure, state, 0, false);
  }

  public boolean reachable() {
    return state.isPresent();
  }

  @Override
  public String wireType() {
    return TYPE;
  }

  @Override
  public java.util.OptionalLong sentAtMillis() {
    return java.util.OptionalLong.of(observedAt);
  }

  @Override
  public JsonObject body() {
    JsonObject json = new JsonObject()
        .put("cluster", cluster)
        .put("region", region)
        .put("node", node)
        .put("seq", seq)
        .put("observedAt", observedAt)
        .put("latencyMicros", latencyMicros)
        .put("reachable", reachable())
        .put("fenceAfterMs", fenceAfterMs)
        .put("writesHeld", writesHeld)
        .put("agentVersion", agentVersion)
        .put("termSeen", termSeen);
    failure.ifPresent(f -> json.put("failure", f.toJson()));
    state.ifPresent(s -> json.put("state", s.toJson()));
    return json;
  }

  static NodeHealthReport from(String sender, Fields f) throws MessageRejected {
    boolean reachable = f.bool("reachable");
    Optional<Fields> failure = f.optObject("failure");
    Optional<Fields> state = f.optObject("state");
    if (reachable && (state.isEmpty() || failure.isPresent())) {
      throw f.invalid("reachable", "is true, so 'state' must be present and 'failure' absent");
    }
    if (!reachable && (failure.isEmpty() || state.isPresent())) {
      throw f.invalid("reachable", "is false, so 'failure' must be present and 'state' absent");
    }
    String agentVersion = f.optString("agentVersion").orElse(UNKNOWN_VERSION);
    if (agentVersion.isBlank() || agentVersion.length() > MAX_VERSION_LENGTH) {
      throw f.invalid("agentVersion", "must be 1 to " + MAX_VERSION_LENGTH + " characters");
    }
    return new NodeHealthReport(
        sender,
        f.string("cluster"),
        f.string("region"),
        f.address("node"),
        f.nonNegative("seq"),
        f.nonNegative("observedAt"),
        f.nonNegative("latencyMicros"),
        failure.isPresent() ? Optional.of(ProbeFailure.from(failure.get())) : Optional.empty(),
        state.isPresent() ? Optional.of(RedisState.from(state.get())) : Optional.empty(),
        f.optNonNegative("fenceAfterMs").orElse(0L),
        f.optBool("writesHeld").orElse(false),
        agentVersion,
        f.optTerm("termSeen").orElse(0L));
  }
}
