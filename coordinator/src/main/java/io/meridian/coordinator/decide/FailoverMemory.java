package io.meridian.coordinator.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the leader remembers between cycles: promotions in progress (with the candidates already
 * tried), the primaries that failovers replaced within the anti-flapping window, and the replaced
 * primaries it expects to come back as replicas; and, for the audit, the {@link Recovery} records
 * in progress by shard (the planner carries them through untouched). Immutable; each change
 * returns a new memory.
 */
public record FailoverMemory(Map<String, Attempt> attempts, Map<String, Failure> recentFailures, boolean paused,
    Map<String, Returning> returning, Map<String, Recovery> recoveries) {

  /**
   * A promotion of {@code candidate} ({@code mode}) for a shard whose primary {@code failed}
   * (address; announced as {@code failedAnnounced}) was lost; {@code tried} holds the candidates
   * of this pass, this one included. {@code over}: the command came back not executed, so the
   * next cycle tries again at once instead of waiting out the verify deadline.
   */
  public record Attempt(String failed, String failedAnnounced, String candidate, Action.Mode mode, Instant startedAt,
      Set<String> tried, boolean over) {
    public Attempt {
      tried = Set.copyOf(tried);
    }
  }

  /**
   * A primary (keyed by its address) that a failover replaced at {@code at}: for the anti-flapping
   * window it is neither failed back to nor promoted again while another candidate can take its
   * shard. It never stops a shard whose primary is gone from getting a new one.
   */
  public record Failure(String shard, String announced, Instant at) {
  }

  /**
   * A primary replaced by a failover, keyed by its address: when it answers again it must follow
   * the shard's new primary. {@code backSince} is when it was first seen answering again.
   */
  public record Returning(String shard, String replacedBy, Optional<Instant> backSince) {
  }

  public FailoverMemory {
    attempts = Map.copyOf(attempts);
    recentFailures = Map.copyOf(recentFailures);
    returning = Map.copyOf(returning);
    recoveries = Map.copyOf(recoveries);
  }

  public static FailoverMemory empty() {
    return new FailoverMemory(Map.of(), Map.of(), false, Map.of(), Map.of());
  }

  public Optional<Attempt> attempt(String shard) {
    return Optional.ofNullable(attempts.get(shard));
  }

  /**
   * A promotion of {@code candidate} is ordered. {@code newPass} forgets the candidates tried so
   * far: each had its chance, and the best may take over now (a vote it was refused has expired).
   */
  public FailoverMemory started(String shard, String failed, String failedAnnounced, String candidate,
      Action.Mode mode, Instant at, boolean newPass) {
    Map<String, Attempt> next = new HashMap<>(attempts);
    Set<String> tried = new HashSet<>(newPass ? Set.of() : attempt(shard).map(Attempt::tried).orElse(Set.of()));
    tried.add(candidate);
    next.put(shard, new Attempt(failed, failedAnnounced, candidate, mode, at, tried, false));
    return new FailoverMemory(next, recentFailures, paused, returning, recoveries);
  }

  /**
   * The promotion of {@code candidate} came back not executed: refused by its agent ({@code sent}),
   * or never sent because the leader could not confirm its fence; a candidate that never got the
   * command has not been tried.
   */
  public FailoverMemory notExecuted(String shard, String candidate, boolean sent) {
    Attempt a = attempts.get(shard);
    if (a == null || !a.candidate().equals(candidate) || a.over()) {
      return this;
    }
    Set<String> tried = new HashSet<>(a.tried());
    if (!sent) {
      tried.remove(candidate);
    }
    Map<String, Attempt> next = new HashMap<>(attempts);
    next.put(shard, new Attempt(a.failed(), a.failedAnnounced(), a.candidate(), a.mode(), a.startedAt(), tried, true));
    return new FailoverMemory(next, recentFailures, paused, returning, recoveries);
  }

  /**
   * The shard has a serving primary again: the attempt is over, the replaced primary's anti-flapping
   * window starts, and it is expected back as a replica.
   */
  public FailoverMemory recovered(String shard, Instant at) {
    Map<String, Attempt> next = new HashMap<>(attempts);
    Attempt done = next.remove(shard);
    if (done == null) {
      return this;
    }
    Map<String, Failure> failures = new HashMap<>(recentFailures);
    failures.put(done.failed(), new Failure(shard, done.failedAnnounced(), at));
    Map<String, Returning> back = new HashMap<>(returning);
    back.put(done.failed(), new Returning(shard, done.candidate(), Optional.empty()));
    return new FailoverMemory(next, failures, paused, back, recoveries);
  }

  /** The failure of {@code node} (address) if it lies within {@code window} of {@code now}. */
  public Optional<Failure> recentFailure(String node, Instant now, Duration window) {
    return Optional.ofNullable(recentFailures.get(node))
        .filter(f -> Duration.between(f.at(), now).compareTo(window) < 0);
  }

  /** Forgets failures older than the window, so that the memory stays bounded. */
  public FailoverMemory expire(Instant now, Duration window) {
    if (recentFailures.values().stream().allMatch(f -> Duration.between(f.at(), now).compareTo(window) < 0)) {
      return this;
    }
    Map<String, Failure> kept = new HashMap<>();
    recentFailures.forEach((node, f) -> {
      if (Duration.between(f.at(), now).compareTo(window) < 0) {
        kept.put(node, f);
      }
    });
    return new FailoverMemory(attempts, kept, paused, returning, recoveries);
  }

  /** Announced addresses of the primaries replaced within the window: no automatic failback to them. */
  public Map<String, Failure> failbackHeld(Instant now, Duration window) {
    Map<String, Failure> held = new HashMap<>();
    recentFailures.values().stream().filter(f -> Duration.between(f.at(), now).compareTo(window) < 0)
        .forEach(f -> held.put(f.announced(), f));
    return Map.copyOf(held);
  }

  /** An operator allows failback to (and promotion of) the shard's recently failed primaries again. */
  public FailoverMemory acknowledged(String shard) {
    Map<String, Failure> kept = new HashMap<>(recentFailures);
    kept.values().removeIf(f -> f.shard().equals(shard));
    return new FailoverMemory(attempts, kept, paused, returning, recoveries);
  }

  /** Whether the shard has a failure within the window that an operator could acknowledge. */
  public boolean hasRecentFailure(String shard, Instant now, Duration window) {
    return recentFailures.values().stream()
        .anyMatch(f -> f.shard().equals(shard) && Duration.between(f.at(), now).compareTo(window) < 0);
  }

  public FailoverMemory paused(boolean on) {
    return new FailoverMemory(attempts, recentFailures, on, returning, recoveries);
  }

  /** {@code node}'s return is being watched as {@code r}; empty forgets it (it rejoined). */
  public FailoverMemory returning(String node, Optional<Returning> r) {
    Map<String, Returning> back = new HashMap<>(returning);
    r.ifPresentOrElse(v -> back.put(node, v), () -> back.remove(node));
    return new FailoverMemory(attempts, recentFailures, paused, back, recoveries);
  }

  public Optional<Recovery> recovery(String shard) {
    return Optional.ofNullable(recoveries.get(shard));
  }

  /** The shard's recovery in progress is now {@code r}; empty forgets it (it ended). */
  public FailoverMemory recovery(String shard, Optional<Recovery> r) {
    Map<String, Recovery> next = new HashMap<>(recoveries);
    r.ifPresentOrElse(v -> next.put(shard, v), () -> next.remove(shard));
    return new FailoverMemory(attempts, recentFailures, paused, returning, next);
  }
}
