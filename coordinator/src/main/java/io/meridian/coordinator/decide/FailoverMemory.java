package io.meridian.coordinator.decide;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the leader remembers between cycles: promotions in progress (with the candidates already
 * tried) and when each shard last failed over. Immutable; each change returns a new memory.
 */
public record FailoverMemory(Map<String, Attempt> attempts, Map<String, Instant> lastFailover, boolean paused) {

  /** A promotion of {@code candidate} for a shard, started at {@code startedAt}. */
  public record Attempt(String candidate, Instant startedAt, Set<String> tried) {
    public Attempt {
      tried = Set.copyOf(tried);
    }
  }

  public FailoverMemory {
    attempts = Map.copyOf(attempts);
    lastFailover = Map.copyOf(lastFailover);
  }

  public static FailoverMemory empty() {
    return new FailoverMemory(Map.of(), Map.of(), false);
  }

  public Optional<Attempt> attempt(String shard) {
    return Optional.ofNullable(attempts.get(shard));
  }

  public FailoverMemory started(String shard, String candidate, Instant at) {
    Map<String, Attempt> next = new HashMap<>(attempts);
    Set<String> tried = new HashSet<>(attempt(shard).map(Attempt::tried).orElse(Set.of()));
    tried.add(candidate);
    next.put(shard, new Attempt(candidate, at, tried));
    return new FailoverMemory(next, lastFailover, paused);
  }

  /** The shard has a serving primary again: the attempt is over, the anti-flapping window starts. */
  public FailoverMemory recovered(String shard, Instant at) {
    Map<String, Attempt> next = new HashMap<>(attempts);
    next.remove(shard);
    Map<String, Instant> last = new HashMap<>(lastFailover);
    last.put(shard, at);
    return new FailoverMemory(next, last, paused);
  }

  public FailoverMemory acknowledged(String shard) {
    Map<String, Instant> last = new HashMap<>(lastFailover);
    last.remove(shard);
    return new FailoverMemory(attempts, last, paused);
  }

  public FailoverMemory paused(boolean on) {
    return new FailoverMemory(attempts, lastFailover, on);
  }
}
