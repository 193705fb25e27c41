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
