package io.meridian.coordinator.config;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigNode;
import java.time.Duration;

/**
 * How coordinators elect the one that acts, and how it acts (coordinator.yaml, {@code leadership}).
 *
 * @param enabled       false: observe only (a deployment with fewer than 3 coordinators cannot elect safely)
 * @param cpMembers     number of coordinators taking part in the election (3 to 7); the first
 *                      election waits until that many are up
 * @param sessionTtl    CP session time to live: how long a crashed leader's lock outlives it
 * @param lease         the leader stops acting when it could not confirm its lock for this long;
 *                      must be shorter than sessionTtl
 * @param verifyDeadline how long a promotion may take before the next candidate is tried
 * @param antiFlapping  no second automatic failover of a shard within this window
 * @param failureTimeout without crash evidence, a primary counts as failed only when observers in a
 *                       majority of regions have failed to reach it for this long
 */
public record Leadership(boolean enabled, int cpMembers, Duration sessionTtl, Duration lease, Duration verifyDeadline,
    Duration antiFlapping, Duration failureTimeout) {

  public static Leadership read(ConfigNode node) throws ConfigException {
    boolean enabled = node.bool("enabled", true);
    int members = node.integer("cpMembers", 3, 3, 7);
    Duration ttl = node.duration("sessionTtl", Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMinutes(5));
    Duration lease = node.duration("lease", Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMinutes(5));
    if (lease.compareTo(ttl) >= 0) {
      throw node.error("lease", "must be shorter than sessionTtl (" + ttl.toMillis() + " ms), or a stalled leader "
          + "could act after its lock moved to a successor");
    }
    if (ttl.toMillis() % 1000 != 0) {
      throw node.error("sessionTtl", "must be whole seconds (Hazelcast counts it in seconds)");
    }
    Duration verify = node.duration("verifyDeadline", Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(5));
    Duration flapping = node.duration("antiFlapping", Duration.ofMinutes(10), Duration.ZERO, Duration.ofHours(24));
    Duration failure = node.duration("failureTimeout", Duration.ofSeconds(3), Duration.ofMillis(500),
        Duration.ofMinutes(10));
    return new Leadership(enabled, members, ttl, lease, verify, flapping, failure);
  }
}
