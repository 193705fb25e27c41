package io.meridian.coordinator.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroupId;
import com.hazelcast.cp.lock.FencedLock;
import io.meridian.runtime.process.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a leadership cluster of three coordinators' members whose CP sessions live 60 s, when the
 * member holding the leader lock is killed (SIGKILL), then a survivor waiting for the lock gets it
 * long before those 60 s: the survivors' reapers closed the dead member's session as soon as it
 * left the cluster, addressing the lock's CP group by id.
 */
class DeadSessionReaperIT {

  private static final Duration SESSION_TTL = Duration.ofSeconds(60);
  private static final String LOCK = "leader";

  private static final CpSettings CP = new CpSettings(3, SESSION_TTL, Duration.ofSeconds(1), SESSION_TTL);

  private final List<DeadSessionReaper> reapers = new ArrayList<>();
  private ThreeMemberCluster cluster;

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // a failure leaves the holder's log
  Path dir;

  /** The lock holder, in a process of its own so that it can be killed. */
  public static void main(String[] args) throws Exception {
    HazelcastInstance member = LeadershipMember.start(ThreeMemberCluster.settings(args[0], Integer.parseInt(args[1]), 2, CP))
        .toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    FencedLock lock = member.getCPSubsystem().getLock(LOCK);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!lock.isLockedByCurrentThread() && System.nanoTime() < deadline) {
      try {
        lock.tryLock(1, TimeUnit.SECONDS);
      } catch (RuntimeException e) {
        // the CP group is still forming
      }
    }
    System.out.println(lock.isLockedByCurrentThread() ? "locked, fence " + lock.getFence() : "never locked");
    Thread.currentThread().join();
  }

  @AfterEach
  void endEverything() throws Exception {
    reapers.forEach(DeadSessionReaper::close);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aKilledHoldersLockGoesToTheWaitingSurvivorBeforeItsSessionWouldExpire() throws Exception {
    Path log = dir.resolve("holder.log");
    cluster = ThreeMemberCluster.start("reaper-it", DeadSessionReaperIT.class, log, CP);
    List<HazelcastInstance> members = cluster.here;
    await().atMost(Duration.ofMinutes(2)).until(() -> Files.readString(log).contains("locked"));
    assertThat(Files.readString(log)).as("the holder took the lock").contains("locked, fence");

    FencedLock waiting = members.get(0).getCPSubsystem().getLock(LOCK);
    CPGroupId group = waiting.getGroupId();
    members.forEach(m -> reapers.add(new DeadSessionReaper(m, SESSION_TTL, () -> Optional.of(group))));
    // On a thread of its own: a FencedLock belongs to the thread that takes it.
    CompletableFuture<Long> successor = CompletableFuture.supplyAsync(() -> {
      waiting.lock();
      return waiting.getFence();
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(CpSessions.of(members.get(0)).all(group)
        .toCompletableFuture().get(5, TimeUnit.SECONDS)).as("the holder's session, and the waiter's").hasSize(2));

    long killedAt = System.nanoTime();
    Signals.send(cluster.apart.pid(), "KILL");
    long fence = successor.get(30, TimeUnit.SECONDS);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    System.out.printf("killed lock holder: the waiting survivor took the lock (fence %d) after %d ms%n", fence, ms);

    assertThat(ms).as("well within the %d s session TTL: the reaper closed the session", SESSION_TTL.toSeconds())
        .isLessThan(SESSION_TTL.toMillis() / 2);
    assertThat(CpSessions.of(members.get(1)).all(group).toCompletableFuture().get(30, TimeUnit.SECONDS))
        .as("only the survivor's session is left").hasSize(1)
        .allSatisfy(s -> assertThat(s.endpoint()).isEqualTo(members.get(0).getCluster().getLocalMember().getAddress()));
  }
}
