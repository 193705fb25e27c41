package io.meridian.agent.fence;

import io.meridian.agent.probe.ShardOwners;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who owns which slots as each of this agent's nodes last reported it. Written by the probe loop,
 * read by the write fence (see {@link WriteFence#takeover}). Thread-safe.
 */
public final class ObservedOwners {

  private final Map<String, ShardOwners> byNode = new ConcurrentHashMap<>();

  public void record(String node, ShardOwners owners) {
    byNode.put(node, owners);
  }

  public void forget(String node) {
    byNode.remove(node);
  }

  public Map<String, ShardOwners> snapshot() {
    return Map.copyOf(byNode);
  }
}
