package io.meridian.agent.probe;

import io.meridian.messages.ProbeFailure;
import io.meridian.messages.RedisState;
import java.util.Optional;

/**
 * The outcome of one probe: what the node said (the state reported on the bus, and the agent-only
 * stats its metrics need), or why it said nothing; and how long it took.
 */
public record ProbeResult(Optional<RedisState> state, Optional<NodeStats> stats, Optional<ProbeFailure> failure,
    long latencyMicros) {

  public static ProbeResult answered(RedisState state, NodeStats stats, long latencyMicros) {
    return new ProbeResult(Optional.of(state), Optional.of(stats), Optional.empty(), latencyMicros);
  }

  public static ProbeResult failed(ProbeFailure failure, long latencyMicros) {
    return new ProbeResult(Optional.empty(), Optional.empty(), Optional.of(failure), latencyMicros);
  }
}
