package io.meridian.coordinator.config;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigNode;
import io.meridian.messages.NodeAddress;
import io.meridian.runtime.bus.BusConfig;
import java.time.Duration;
import java.util.List;

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
 * @param fenceMargin   ...or for its agent's fence delay ({@code fencing.after}) plus this margin, if
 *                       longer: an isolated primary stops acknowledging writes before its replica
 *                       is promoted
 * @param memberTimeout the leadership cluster drops a coordinator it has not heard from for this
 *                      long (and frees its lock); raise it where coordinators can stall for
 *                      seconds without having failed (an oversubscribed host)
 * @param port          this coordinator's port in the leadership cluster (the coordinators alone,
 *                      apart from the bus: see docs/concepts/leadership.md, "The leadership cluster")
 * @param members       where the coordinators' leadership members listen ({@code host:port} or {@code host})
 */
public record Leadership(boolean enabled, int cpMembers, Duration sessionTtl, Duration lease, Duration verifyDeadline,
    Duration antiFlapping, Duration failureTimeout, Duration fenceMargin, Duration memberTimeout, int port,
    List<String> members) {

  /** The leadership cluster sits this far above the bus: 5801 for the bus's 5701. */
  public static final int PORT_OFFSET = 100;
  public static final int DEFAULT_PORT = BusConfig.DEFAULT_PORT + PORT_OFFSET;
  /**
   * No longer than the leadership cluster's heartbeat timeout (2 s), after which the others drop a
   * silent coordinator and free its lock: a leader cut off from them has stopped acting by then.
   */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(2);
  /** How long a silent coordinator stays in the leadership cluster by default (the bus keeps 10 s). */
  public static final Duration DEFAULT_MEMBER_TIMEOUT = Duration.ofSeconds(2);

  public Leadership {
    members = List.copyOf(members);
  }

  /**
   * @param bus the coordinator's bus settings: by default the leadership port and members are
   *            the bus's, 100 ports up
   */
  public static Leadership read(ConfigNode node, BusConfig bus) throws ConfigException {
    boolean enabled = node.bool("enabled", true);
    int members = node.integer("cpMembers", 3, 3, 7);
    Duration ttl = node.duration("sessionTtl", Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMinutes(5));
    Duration lease = node.duration("lease", DEFAULT_LEASE, Duration.ofSeconds(1), Duration.ofMinutes(5));
    if (lease.compareTo(ttl) >= 0) {
      throw node.error("lease", "must be shorter than sessionTtl (" + ttl.toMillis() + " ms), or a stalled leader "
          + "could act after its lock moved to a successor");
    }
    if (ttl.toMillis() % 1000 != 0) {
      throw node.error("sessionTtl", "must be whole seconds (Hazelcast counts it in seconds)");
    }
    Duration memberTimeout = node.duration("memberTimeout", DEFAULT_MEMBER_TIMEOUT, Duration.ofSeconds(1),
        Duration.ofMinutes(1));
    if (memberTimeout.toMillis() % 1000 != 0) {
      throw node.error("memberTimeout", "must be whole seconds (Hazelcast counts it in seconds)");
    }
    if (lease.compareTo(memberTimeout) > 0) {
      throw node.error("lease", "must not be longer than memberTimeout (" + memberTimeout.toMillis() + " ms): the "
          + "others drop a silent coordinator after memberTimeout and free its lock for a successor, so a leader cut "
          + "off from them must have stopped acting by then");
    }
    Duration verify = node.duration("verifyDeadline", Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(5));
    Duration flapping = node.duration("antiFlapping", Duration.ofMinutes(10), Duration.ZERO, Duration.ofHours(24));
    Duration failure = node.duration("failureTimeout", Duration.ofSeconds(3), Duration.ofMillis(500),
        Duration.ofMinutes(10));
    // The agent's fence lands within its check period (250 ms) of fencing.after, plus a CLIENT PAUSE
    // round trip; below that margin a promotion could come first.
    Duration margin = node.duration("fenceMargin", Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMinutes(1));
    int port = node.integer("port", Math.min(65535, bus.port() + PORT_OFFSET), 1, 65535);
    if (port == bus.port()) {
      throw node.error("port", "is the bus's port (bus.port " + bus.port() + "); the leadership cluster needs a port "
          + "of its own");
    }
    List<String> defaultMembers = bus.members().stream().map(Leadership::shifted).distinct().toList();
    List<String> leaders = node.strings("members", defaultMembers,
        m -> m.contains(":") && !NodeAddress.isValid(m) ? "must be host or host:port, got \"" + m + "\"" : null);
    if (leaders.isEmpty()) {
      throw node.error("members", "must list at least one coordinator's leadership address (host:port)");
    }
    return new Leadership(enabled, members, ttl, lease, verify, flapping, failure, margin, memberTimeout, port,
        leaders);
  }

  /** {@code 10.0.0.2:5801} for the bus member {@code 10.0.0.2:5701}, or {@code 10.0.0.2} (at the default port). */
  static String shifted(String busMember) {
    int colon = busMember.lastIndexOf(':');
    String host = colon < 0 ? busMember : busMember.substring(0, colon);
    int port = colon < 0 ? BusConfig.DEFAULT_PORT : Integer.parseInt(busMember.substring(colon + 1));
    return host + ":" + Math.min(65535, port + PORT_OFFSET);
  }
}
