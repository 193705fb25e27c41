package io.meridian.coordinator.decide;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the leader remembers between cycles: promotions in progress (with the candidates already
 * tried), when each shard last failed over, and the replaced primaries it expects to come back
 * as replicas. Immutable; each change returns a new memory.
 */
public record FailoverMemory(Map<String, Attempt> attempts, Map<String, Instant> lastFailover, boolean paused,
    Map<String, Returning> returning) {

  /**
   * A promotion of {@code candidate} ({@code mode}) for a shard whose primary {@code failed}
   * (address) was lost; {@code tried} holds the candidates of this pass, this one included.
   */
  public record Attempt(String failed, String candidate, Action.Mode mode, Instant startedAt, Set<String> tried) {
    public Attempt {
      tried = Set.copyOf(tried);
    }
  }

  /**
   * A primary replaced by a failover, keyed by its address: when it answers again it must follow
   * the shard's new primary. {@code backSince} is when it was first seen answering again.
   */
  public record Returning(String shard, String replacedBy, Optional<Instant> backSince) {
  }

  public FailoverMemory {
    attempts = Map.copyOf(attempts);
    lastFailover = Map.copyOf(lastFailover);
    returning = Map.copyOf(returning);
  }

  public static FailoverMemory empty() {
    return new FailoverMemory(Map.of(), Map.of(), false, Map.of());
  }

  public Optional<Attempt> attempt(String shard) {
    return Optional.ofNullable(attempts.get(shard));
  }

  /**
   * A promotion of {@code candidate} is ordered. {@code newPass} forgets the candidates tried so
   * far: each had its chance, and the best may take over now (a vote it was refused has expired).
   */
  public FailoverMemory started(String shard, String failed, String candidate, Action.Mode mode, Instant at,
      boolean newPass) {
    Map<String, Attempt> next = new HashMap<>(attempts);
    Set<String> tried = new HashSet<>(newPass ? Set.of() : attempt(shard).map(Attempt::tried).orElse(Set.of()));
    tried.add(candidate);
    next.put(shard, new Attempt(failed, candidate, mode, at, tried));
    return new FailoverMemory(next, lastFailover, paused, returning);
  }

  /**
   * The shard has a serving primary again: the attempt is over, the anti-flapping window starts,
   * and the replaced primary is expected back as a replica.
   */
  public FailoverMemory recovered(String shard, Instant at) {
    Map<String, Attempt> next = new HashMap<>(attempts);
    Attempt done = next.remove(shard);
    Map<String, Instant> last = new HashMap<>(lastFailover);
    last.put(shard, at);
    Map<String, Returning> back = new HashMap<>(returning);
    if (done != null) {
      back.put(done.failed(), new Returning(shard, done.candidate(), Optional.empty()));
    }
    return new FailoverMemory(next, last, paused, back);
  }

  public FailoverMemory acknowledged(String shard) {
    Map<String, Instant> last = new HashMap<>(lastFailover);
    last.remove(shard);
    return new FailoverMemory(attempts, last, paused, returning);
  }

  public FailoverMemory paused(boolean on) {
    return new FailoverMemory(attempts, lastFailover, on, returning);
  }

  /** {@code node}'s return is being watched as {@code r}; empty forgets it (it rejoined). */
  public FailoverMemory returning(String node, Optional<Returning> r) {
    Map<String, Returning> back = new HashMap<>(returning);
    r.ifPresentOrElse(v -> back.put(node, v), () -> back.remove(node));
    return new FailoverMemory(attempts, lastFailover, paused, back);
  }
}
