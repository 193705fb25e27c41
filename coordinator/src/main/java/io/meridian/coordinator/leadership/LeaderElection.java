package io.meridian.coordinator.leadership;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPSubsystem;
import com.hazelcast.cp.lock.FencedLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership among coordinators through a Hazelcast CP {@link FencedLock}. The leader's term is
 * the lock's fence plus a term base kept beside the lock in the same CP group, read after the lock
 * is taken: a fence grows with the CP group's Raft log, so a CP group formed afresh (every
 * coordinator restarted at once) would number terms from low again, below what agents remember
 * and refuse. {@link #outrank} raises the base above a term the agents have seen. A {@code FencedLock} belongs to the thread that took it, so every lock
 * call runs on one dedicated leader thread. The holder re-confirms the lock on a cadence; a
 * watchdog (driven from outside with {@link #checkLease}) revokes leadership when the last
 * confirmation is older than the lease, which is shorter than the CP session's time to live,
 * because a stalled leader cannot tell it lost the lock (its lock calls block). Listeners hear
 * {@code elected}/{@code revoked} once per change, in order, on the given executor.
 *
 * <p>Lifecycle: LATENT → STARTED → CLOSED; {@link #close()} releases the lock so a successor
 * takes over at once.
 */
public final class LeaderElection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  /** What the rest of the coordinator hears. */
  public interface Listener {
    void elected(long term);

    void revoked(String reason);
  }

  enum State { LATENT, STARTED, CLOSED }

  /** The leadership member's CP subsystem; null while that member is being replaced. */
  private volatile CPSubsystem cp;
  private final String lockName;
  private final Duration confirmEvery;
  private final Duration lease;
  private final Listener listener;
  private final Executor callbacks;
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final ScheduledExecutorService leaderThread;
  /** Set on the leader thread (again after a replaced member); read by others for its group. */
  private volatile FencedLock lock;
  /** The CP subsystem {@link #lock} came from; leader thread only. */
  private CPSubsystem lockOwner;
  private ScheduledFuture<?> confirming;
  /** The fence of the lock this thread holds; leader thread only. */
  private long fence = FencedLock.INVALID_FENCE;
  private volatile long term = FencedLock.INVALID_FENCE;
  private volatile long confirmedAtNanos;
  /** What listeners were last told, so that they hear each change once. */
  private long announcedTerm = FencedLock.INVALID_FENCE;

  public LeaderElection(HazelcastInstance hazelcast, String lockName, Duration confirmEvery, Duration lease,
      Listener listener, Executor callbacks) {
    this.cp = hazelcast.getCPSubsystem();
    this.lockName = lockName;
    this.confirmEvery = confirmEvery;
    this.lease = lease;
    this.listener = listener;
    this.callbacks = callbacks;
    this.leaderThread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meridian-leader");
      t.setDaemon(true);
      return t;
    });
  }

  public void start() {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("leader election already " + state.get().name().toLowerCase());
    }
    leaderThread.execute(this::campaign);
  }

  /** True while this coordinator holds the lock and confirmed it within the lease. */
  public boolean isLeader() {
    return term != FencedLock.INVALID_FENCE;
  }

  /** The current term, or empty when not leading. */
  public java.util.OptionalLong term() {
    long t = term;
    return t == FencedLock.INVALID_FENCE ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(t);
  }

  /** The leader lock's CP group, once this coordinator has looked the lock up (when it first campaigns). */
  public java.util.Optional<com.hazelcast.cp.CPGroupId> lockGroup() {
    FencedLock l = lock;
    return l == null ? java.util.Optional.empty() : java.util.Optional.of(l.getGroupId());
  }

  /**
   * The leadership member is being replaced ({@link LeadershipCluster}): stops leading on it now,
   * through the normal revocation, and campaigns nowhere until {@link #attach}. A member the CP
   * group removed cannot hold the lock anyway.
   */
  public void detach(String reason) {
    cp = null;
    lose(reason);
  }

  /** Campaigns on the new leadership member. */
  public void attach(HazelcastInstance next) {
    cp = next.getCPSubsystem();
  }

  /** Waits (on the leader thread) for the lock; runs until elected, closed or failed. */
  private void campaign() {
    if (state.get() != State.STARTED) {
      return;
    }
    CPSubsystem bound = cp;
    if (bound == null) {
      leaderThread.schedule(this::campaign, 1, TimeUnit.SECONDS);
      return;
    }
    try {
      if (lock == null || lockOwner != bound) {
        lock = bound.getLock(lockName);
        lockOwner = bound;
      }
      // A long, blocking acquire: polling tryLock churns CP sessions (DESIGN.md, "Pitfalls").
      lock.lockInterruptibly();
      fence = lock.getFence();
      // Read after the lock is held: a later holder's fence is larger and its base no smaller.
      long base = termBase(bound).get();
      confirmedAtNanos = System.nanoTime();
      term = Math.addExact(base, fence);
      // Set before this read, as detach() sets cp before it revokes: one of the two sees the other.
      if (cp != bound) {
        lose("the leadership member was replaced while this coordinator took the lock on it");
        leaderThread.execute(this::campaign);
        return;
      }
      tell();
      confirming = leaderThread.scheduleWithFixedDelay(this::confirm, confirmEvery.toMillis(), confirmEvery.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (state.get() == State.STARTED) {
        if (cp == bound) { // else the replaced member's shutdown ended the wait: no news
          LOG.warn("cannot campaign for leadership yet ({}); retrying in 1 s", e.toString());
        }
        leaderThread.schedule(this::campaign, 1, TimeUnit.SECONDS);
      }
    }
  }

  /** On the leader thread: does this thread still hold the lock with the same fence? */
  private void confirm() {
    try {
      // One linearizable read: getFence() throws unless this thread holds the lock. After the
      // watchdog revoked a lapsed lease this thread may still hold the lock: then it campaigns
      // again below, takes the lock once more (it is reentrant) and is elected anew, or else no
      // coordinator could ever take the lock it keeps.
      if (cp == lockOwner && isLeader() && lock.getFence() == fence) {
        confirmedAtNanos = System.nanoTime();
        return;
      }
      lose(cp == lockOwner ? "the leader lock is no longer held by this coordinator (CP session expired or lock lost)"
          : "the leadership member that held the lock was replaced");
    } catch (RuntimeException e) {
      lose("confirming the leader lock failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    if (confirming != null) {
      confirming.cancel(false);
    }
    if (state.get() == State.STARTED) {
      leaderThread.execute(this::campaign);
    }
  }

  /** Watchdog: revokes leadership when the lock was not confirmed within the lease. Call often. */
  public void checkLease() {
    if (isLeader() && System.nanoTime() - confirmedAtNanos > lease.toNanos()) {
      lose("no confirmation of the leader lock for over " + lease.toMillis()
          + " ms (lease shorter than the CP session TTL): stopping to act until it is confirmed");
    }
  }

  /**
   * The fence, confirmed now on the leader thread, to stamp on a batch of commands; fails when
   * this coordinator does not hold the lock.
   */
  public CompletableFuture<Long> fence() {
    return CompletableFuture.supplyAsync(() -> {
      if (lock != null && isLeader() && cp == lockOwner && lock.getFence() == fence) {
        confirmedAtNanos = System.nanoTime();
        return term;
      }
      throw new IllegalStateException("lost leadership before acting");
    }, leaderThread);
  }

  private com.hazelcast.cp.IAtomicLong termBase(CPSubsystem on) {
    return on.getAtomicLong(lockName + "-term-base");
  }

  /**
   * Raises this leader's term above {@code seen}, a term agents remember from an earlier leader,
   * when it is not above it already (the CP group was formed afresh since). On the leader thread:
   * the base goes up first, then the lock is confirmed held; a successor reads the base after it
   * takes the lock, so it still numbers above. Listeners hear {@code elected} with the new term.
   * Completes with the term led under afterwards, or fails when not leading or {@code seen} is
   * above {@link io.meridian.messages.Terms#FOLLOWED}.
   */
  public CompletableFuture<Long> outrank(long seen) {
    return CompletableFuture.supplyAsync(() -> {
      if (seen > io.meridian.messages.Terms.FOLLOWED) {
        throw new IllegalArgumentException("term " + seen + " is above any term a leader issues or follows ("
            + io.meridian.messages.Terms.FOLLOWED + "): a forged report, since agents take terms only from "
            + "leader-signed messages");
      }
      long before = term;
      if (lock == null || before == FencedLock.INVALID_FENCE || cp != lockOwner) {
        throw new IllegalStateException("not leading");
      }
      if (before > seen) {
        return before;
      }
      com.hazelcast.cp.IAtomicLong base = termBase(lockOwner);
      long now = base.get();
      while (now < seen && !base.compareAndSet(now, seen)) {
        now = base.get();
      }
      long raised = Math.addExact(Math.max(now, seen), fence);
      if (lock.getFence() != fence) {
        throw new IllegalStateException("lost leadership before raising the term");
      }
      synchronized (this) {
        if (term != before) {
          throw new IllegalStateException("lost leadership while raising the term");
        }
        confirmedAtNanos = System.nanoTime();
        term = raised;
      }
      LOG.atWarn().addKeyValue("term", raised).addKeyValue("previousTerm", before).addKeyValue("seenTerm", seen)
          .log("agents remember term {}, not below this leader's term {} (the CP group was formed afresh, e.g. every "
              + "coordinator restarted at once); leading under term {} from now on", seen, before, raised);
      tell();
      return raised;
    }, leaderThread);
  }

  private void lose(String reason) {
    boolean was;
    synchronized (this) { // against outrank() raising the term of a leadership lost meanwhile
      was = term != FencedLock.INVALID_FENCE;
      term = FencedLock.INVALID_FENCE;
    }
    if (was) {
      LOG.atWarn().addKeyValue("reason", reason).log("leadership revoked: {}", reason);
      tell(reason);
    }
  }


  private void tell() {
    long t = term;
    callbacks.execute(() -> {
      if (t != announcedTerm && t == term) {
        announcedTerm = t;
        listener.elected(t);
      }
    });
  }

  private void tell(String reason) {
    callbacks.execute(() -> {
      if (announcedTerm != FencedLock.INVALID_FENCE) {
        announcedTerm = FencedLock.INVALID_FENCE;
        listener.revoked(reason);
      }
    });
  }

  /** Gives up the lock (so a successor takes over at once) and stops campaigning. Idempotent. */
  @Override
  public void close() {
    State before = state.getAndSet(State.CLOSED);
    if (before == State.CLOSED) {
      return;
    }
    boolean wasLeader = isLeader();
    term = FencedLock.INVALID_FENCE;
    if (wasLeader) {
      try {
        leaderThread.submit(() -> {
          // The lock is reentrant: a campaign after a lost lease took it once more on top.
          for (int holds = lock.getLockCount(); holds > 0 && lock.isLockedByCurrentThread(); holds--) {
            lock.unlock();
          }
        }).get(3, TimeUnit.SECONDS);
        LOG.info("released the leader lock for a successor");
      } catch (Exception e) {
        LOG.warn("could not release the leader lock ({}); a successor waits for the CP session to expire", e.toString());
      }
      tell("this coordinator is stopping");
    }
    leaderThread.shutdownNow();
  }
}
