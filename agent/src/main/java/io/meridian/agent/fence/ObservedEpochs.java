package io.meridian.agent.fence;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster's current epoch ({@code cluster_current_epoch}) as each of this agent's nodes last
 * reported it. Written by the probe loop, read by the write fence: on an isolated side only an
 * operator's takeover can raise it (see {@link WriteFence#overrule}). Thread-safe.
 */
public final class ObservedEpochs {

  private final Map<String, Long> byNode = new ConcurrentHashMap<>();

  public void record(String node, long epoch) {
    byNode.put(node, epoch);
  }

  public void forget(String node) {
    byNode.remove(node);
  }

  /** The highest epoch any node reported, or -1 while none has answered. */
  public long highest() {
    return byNode.values().stream().mapToLong(Long::longValue).max().orElse(-1);
  }
}
