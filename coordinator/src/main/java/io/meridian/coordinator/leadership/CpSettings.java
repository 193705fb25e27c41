package io.meridian.coordinator.leadership;

import java.time.Duration;

/**
 * Hazelcast CP subsystem settings of the coordinators' leadership cluster ({@link LeadershipMember}).
 *
 * @param members        CP member count: the number of coordinators, at least 3; the first
 *                       election waits until that many have joined
 * @param sessionTtl     how long a crashed leader's session (and lock) outlives it; short, or
 *                       a dead leader blocks failover for minutes (measured: 300 s default)
 * @param heartbeat      session heartbeat interval
 * @param autoRemoval    after this long a dead CP member's identity is removed, so a restarted
 *                       coordinator can take its place (0, or at least sessionTtl)
 */
public record CpSettings(int members, Duration sessionTtl, Duration heartbeat, Duration autoRemoval) {

  public static CpSettings defaults(int members) {
    return new CpSettings(members, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(10));
  }
}
