package io.meridian.coordinator.leadership;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroupId;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a member leaves the cluster (crashed, killed), closes its CP sessions in the leader lock's
 * CP group at once, so that the lock, if it held it, moves to a successor now instead of after the
 * session TTL (a little later when it was the lock group's Raft leader too and the group elects a
 * new one first; docs/decisions/003 has the figures). Every
 * coordinator runs one; closing a closed session is harmless. Never closes the sessions of a
 * member that is back, nor after the TTL: a leader woken from a freeze once closed its
 * successor's session that way. Callbacks run on Hazelcast threads: they check {@code active}
 * and catch all.
 */
public final class DeadSessionReaper implements MembershipListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DeadSessionReaper.class);
  private final HazelcastInstance hazelcast;
  private final AtomicBoolean active = new AtomicBoolean(true);
  private final UUID registration;
  private final Duration sessionTtl;
  private final Supplier<Optional<CPGroupId>> lockGroup;
  private final CpSessions sessions;

  /** @param lockGroup the leader lock's CP group, once this coordinator has looked the lock up */
  public DeadSessionReaper(HazelcastInstance hazelcast, Duration sessionTtl, Supplier<Optional<CPGroupId>> lockGroup) {
    this.hazelcast = hazelcast;
    this.sessionTtl = sessionTtl;
    this.lockGroup = lockGroup;
    this.sessions = CpSessions.of(hazelcast);
    this.registration = hazelcast.getCluster().addMembershipListener(this);
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    // nothing to do: a joining member opens its own sessions
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    if (!active.get()) {
      return;
    }
    long removedAt = System.nanoTime();
    Address gone = event.getMember().getAddress();
    Optional<CPGroupId> group = lockGroup.get();
    if (group.isEmpty()) {
      LOG.info("not closing the CP sessions of {}: this coordinator has not looked up the leader lock yet", gone);
      return;
    }
    try {
      sessions.all(group.get())
          .thenAccept(all -> {
            // The listing waits for the CP group's majority. On a member that was itself cut off
            // (frozen, partitioned) it completes only after it merged back, when "gone" is alive
            // again: reaping then would take the lock from a live leader.
            long ageNanos = System.nanoTime() - removedAt;
            boolean present = hazelcast.getCluster().getMembers().stream().anyMatch(m -> gone.equals(m.getAddress()));
            if (!stillDeparted(present, ageNanos, sessionTtl)) {
              LOG.info("not closing the CP sessions of {}: {}", gone, present ? "it is a member again"
                  : "its removal was " + ageNanos / 1_000_000 + " ms ago, the session TTL has done it");
              return;
            }
            all.stream().filter(s -> gone.equals(s.endpoint())).forEach(s -> sessions
                .forceClose(group.get(), s.id()).whenComplete((closed, err) -> {
                  if (err != null) {
                    LOG.debug("closing CP session {} of departed member {} failed: {}", s.id(), gone, err.toString());
                  } else if (Boolean.TRUE.equals(closed)) {
                    LOG.info("closed CP session {} of departed member {} {} ms after it left: its locks are free now",
                        s.id(), gone, (System.nanoTime() - removedAt) / 1_000_000);
                  }
                }));
          })
          .exceptionally(err -> {
            LOG.debug("listing CP sessions after {} left failed: {}", gone, err.toString());
            return null;
          });
    } catch (RuntimeException e) {
      LOG.debug("could not reap the CP sessions of a departed member: {}", e.toString());
    }
  }

  /**
   * Whether a departed member's sessions may still be closed: it has not come back, and its
   * removal is younger than the session TTL (after that the TTL has freed its locks anyway, and a
   * late answer means this member was the one cut off).
   */
  static boolean stillDeparted(boolean presentNow, long nanosSinceRemoval, Duration sessionTtl) {
    return !presentNow && nanosSinceRemoval < sessionTtl.toNanos();
  }

  @Override
  public void close() {
    if (active.compareAndSet(true, false)) {
      try {
        hazelcast.getCluster().removeMembershipListener(registration);
      } catch (RuntimeException e) {
        // the instance is already shutting down: the listener goes with it
      }
    }
  }
}
