package io.meridian.messages;

/** Every event-bus address Meridian uses, in one place. */
public final class Addresses {

  private static final String PREFIX = "meridian.";

  /** Leader announcements (publish). */
  public static final String LEADER = PREFIX + "leader";

  /** What each coordinator can reach (publish; every coordinator listens). */
  public static final String REACHABILITY = PREFIX + "reachability";

  /** Cluster events (publish). */
  public static final String EVENTS = PREFIX + "events";

  /**
   * A message with this header on a command address or on {@link #LEADER} only opens the route:
   * its receivers drop it (on {@link #LEADER} it must never count as word from a leader).
   * The clustered bus resolves an address's subscribers and the receiving node's connection on the
   * first send there and keeps both up to date afterwards; resolving reads the bus's Hazelcast
   * maps, which stall for seconds while the bus replaces a master that died (with a region). A
   * coordinator opens the route to every agent ahead of need, so that a failover's commands never
   * wait on that.
   */
  public static final String WARM_UP_HEADER = "meridian-warm-up";

  private Addresses() {
  }

  /** Health reports of the agents in {@code region} (publish; every coordinator listens to every region). */
  public static String health(String region) {
    return PREFIX + "health." + region;
  }

  /** Commands for one agent (request/reply; the reply is a {@link CommandResult}). */
  public static String commands(String agentId) {
    return PREFIX + "agent." + agentId + ".commands";
  }
}
