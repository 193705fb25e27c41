package io.meridian.messages;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Published by a coordinator when it becomes leader, and repeated while it leads.
 *
 * @param sender the leader's coordinator id
 * @param region the leader's region
 * @param term   the leader's fence (strictly increasing across leaders)
 * @param since  when it became leader, epoch milliseconds
 * @param apiUrl where its HTTP API answers
 */
public record LeaderAnnouncement(String sender, String region, long term, long since, String apiUrl)
    implements Message {

  public static final String TYPE = "leader";
  public static final int VERSION = 1;

  public LeaderAnnouncement {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(apiUrl, "apiUrl");
  }

  @Override
  public String wireType() {
    return TYPE;
  }

  @Override
  public JsonObject body() {
    return new JsonObject().put("region", region).put("term", term).put("since", since).put("apiUrl", apiUrl);
  }

  static LeaderAnnouncement from(String sender, Fields f) throws MessageRejected {
    return new LeaderAnnouncement(sender, f.string("region"), f.nonNegative("term"), f.nonNegative("since"),
        f.string("apiUrl"));
  }
}
