package io.meridian.cli.bench;

import java.util.OptionalLong;

/**
 * One measured round: the fault, who healed it, client-observed recovery (fault → first
 * acknowledged write to the victim shard; empty if none within the deadline), how many writes the
 * client had acknowledged, and how many of those were missing afterwards (empty when the shard
 * never came back, so nothing could be read).
 */
record RoundResult(Scenario scenario, String system, int round, OptionalLong recoveryMs, long acknowledged,
    OptionalLong lost) {
}
