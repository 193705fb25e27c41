package io.meridian.messages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one coordinator can reach from its region: the nodes it probed, and for those it could
 * not reach, since when (epoch ms, its clock). Observers in a majority of regions failing to
 * reach a primary for long enough is the evidence for acting without crash evidence.
 *
 * @param sender  coordinator id
 * @param region  the observer's region
 * @param probed  every node address probed this round
 * @param failing node address → when this observer started failing to reach it
 */
public record ReachabilityReport(String sender, String region, long observedAt, List<String> probed,
    Map<String, Long> failing) implements Message {

  public static final String TYPE = "reachability";
  public static final int VERSION = 1;

  public ReachabilityReport {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(region, "region");
    probed = List.copyOf(probed);
    failing = Map.copyOf(failing);
  }

  @Override
  public String wireType() {
    return TYPE;
  }

  @Override
  public java.util.OptionalLong sentAtMillis() {
    return java.util.OptionalLong.of(observedAt);
  }

  @Override
  public JsonObject body() {
    JsonObject failingJson = new JsonObject();
    failing.forEach(failingJson::put);
    return new JsonObject().put("region", region).put("observedAt", observedAt).put("probed", new JsonArray(probed))
        .put("failing", failingJson);
  }

  static ReachabilityReport from(String sender, Fields f) throws MessageRejected {
    return new ReachabilityReport(sender, f.string("region"), f.nonNegative("observedAt"), f.strings("probed"),
        f.longMap("failing"));
  }
}
