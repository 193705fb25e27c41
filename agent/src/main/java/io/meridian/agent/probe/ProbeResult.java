package io.meridian.agent.probe;

import io.meridian.messages.ProbeFailure;
import io.meridian.messages.RedisState;
import java.util.Optional;

/** The outcome of one probe: what the node said, or why it said nothing; and how long it took. */
public record ProbeResult(Optional<RedisState> state, Optional<ProbeFailure> failure, long latencyMicros) {

  static ProbeResult answered(RedisState state, long latencyMicros) {
    return new ProbeResult(Optional.of(state), Optional.empty(), latencyMicros);
  }

  static ProbeResult failed(ProbeFailure failure, long latencyMicros) {
    return new ProbeResult(Optional.empty(), Optional.of(failure), latencyMicros);
  }
}
