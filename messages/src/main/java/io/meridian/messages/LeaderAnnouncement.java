package io.meridian.messages;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Published by a coordinator when it becomes leader, and repeated while it leads.
 *
 * @param sender the leader's coordinator id
 * @param region the leader's region
 * @param term   the leader's term (strictly increasing across leaders; at most {@link Terms#MAX})
 * @param since  when it became leader, epoch milliseconds
 * @param apiUrl where its HTTP API answers
 * @param regionsHeard of how many regions (its own included) the leader heard a coordinator within
 *               {@link #HEARD_WITHIN}; 0 with {@code regions} 0 when the sender did not say
 * @param regions the number of regions of the cluster
 */
public record LeaderAnnouncement(String sender, String region, long term, long since, String apiUrl,
    int regionsHeard, int regions) implements Message {

  /**
   * How recent a coordinator's reachability report (sent every 500 ms) must be to count as heard:
   * a leader cut off from the majority says so within this long, and agents on its side stop
   * counting its announcements as contact, instead of waiting for its lease to end.
   */
  public static final java.time.Duration HEARD_WITHIN = java.time.Duration.ofMillis(1000);

  public static final String TYPE = "leader";
  public static final int VERSION = 1;

  public LeaderAnnouncement {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(apiUrl, "apiUrl");
    if (regionsHeard < 0 || regions < 0 || regionsHeard > regions) {
      throw new IllegalArgumentException("regionsHeard must be between 0 and regions (" + regions + "), got "
          + regionsHeard);
    }
  }

  /**
   * Whether the leader hears coordinators of a majority of regions: only then does its
   * announcement tell an agent that its side is the majority's. True when the sender did not say.
   */
  public boolean quorate() {
    return regions == 0 || regionsHeard * 2 > regions;
  }

  @Override
  public String wireType() {
    return TYPE;
  }

  @Override
  public JsonObject body() {
    return new JsonObject().put("region", region).put("term", term).put("since", since).put("apiUrl", apiUrl)
        .put("regionsHeard", regionsHeard).put("regions", regions);
  }

  static LeaderAnnouncement from(String sender, Fields f) throws MessageRejected {
    long regions = f.optNonNegative("regions").orElse(0L);
    long heard = f.optNonNegative("regionsHeard").orElse(0L);
    if (regions > 7) {
      throw f.invalid("regions", "must be at most 7, got " + regions);
    }
    if (heard > regions) {
      throw f.invalid("regionsHeard", "must be at most regions (" + regions + "), got " + heard);
    }
    return new LeaderAnnouncement(sender, f.string("region"), f.term("term"), f.nonNegative("since"),
        f.string("apiUrl"), (int) heard, (int) regions);
  }
}
