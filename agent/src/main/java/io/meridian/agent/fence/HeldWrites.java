package io.meridian.agent.fence;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nodes whose writes this agent holds paused on the leader's order ({@code HOLD_WRITES}):
 * written by the command handler, renewed and released by {@link WriteHoldVerticle}, read by the
 * probe loop (each report says whether its node is held) and by the isolation fence (which must
 * not lift a hold). Thread-safe.
 */
public final class HeldWrites {

  /** Who ordered a hold, and when. */
  public record Hold(String leader, long term, Instant since) {
  }

  private final Map<String, Hold> byNode = new ConcurrentHashMap<>();

  public void hold(String node, Hold hold) {
    byNode.put(node, hold);
  }

  /** @return the hold that was released, if the node was held */
  public java.util.Optional<Hold> release(String node) {
    return java.util.Optional.ofNullable(byNode.remove(node));
  }

  public boolean held(String node) {
    return byNode.containsKey(node);
  }

  public Map<String, Hold> snapshot() {
    return Map.copyOf(byNode);
  }
}
