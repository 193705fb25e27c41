package io.meridian.coordinator.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.lock.FencedLock;
import io.meridian.runtime.process.Signals;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a leadership cluster of three coordinators' members, when one of them freezes (SIGSTOP: its
 * kernel still accepts connections, the process never answers), then the other two take the
 * leader lock and their Hazelcast I/O threads stay idle. With Hazelcast's default network
 * handshake, a connection opened to the frozen member spun an I/O thread at a full core, and with
 * the leadership member's single output thread no new leader came within a minute (CI's FailoverIT).
 */
class FrozenLeadershipMemberIT {

  private ThreeMemberCluster cluster;

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // a failure leaves the member's log
  Path dir;

  /** The third member, in a process of its own so that it can be frozen. */
  public static void main(String[] args) throws Exception {
    LeadershipMember.start(ThreeMemberCluster.settings(args[0], Integer.parseInt(args[1]), 2, CpSettings.defaults(3)))
        .toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    System.out.println("member up");
    Thread.currentThread().join();
  }

  @AfterEach
  void endEverything() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theOthersTakeTheLockAndTheirIoThreadsStayIdleWhileAMemberIsFrozen() throws Exception {
    Path log = dir.resolve("frozen-member.log");
    cluster = ThreeMemberCluster.start("frozen-it", FrozenLeadershipMemberIT.class, log, CpSettings.defaults(3));
    List<HazelcastInstance> members = cluster.here;
    // The CP group forms once all three have joined; its first lock holder is a survivor.
    FencedLock lock = members.get(0).getCPSubsystem().getLock("leader");
    // On this thread: a FencedLock belongs to the thread that took it (Awaitility polls on its own).
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    boolean locked = false;
    while (!locked && System.nanoTime() < deadline) {
      try {
        locked = lock.tryLock(1, TimeUnit.SECONDS);
      } catch (RuntimeException e) {
        // the CP group is still forming: tryLock waits up to a second per attempt
      }
    }
    assertThat(locked).as("a survivor-to-be takes the lock once the CP group formed").isTrue();
    assertThat(Files.readString(log)).contains("member up");

    Signals.send(cluster.apart.pid(), "STOP");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long ioBefore = ioCpuNanos(threads);
    long frozenAt = System.nanoTime();
    lock.unlock();
    FencedLock successor = members.get(1).getCPSubsystem().getLock("leader");
    // Raft goes on with two of three; the frozen member is dropped from the cluster after 5 s.
    assertThat(successor.tryLock(30, TimeUnit.SECONDS)).as("the second survivor takes the lock").isTrue();
    long lockedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
    // Long enough for the survivors to drop the frozen member and connect to it anew (the spin began then).
    await().pollDelay(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(21)).until(() -> true);
    long ioMs = TimeUnit.NANOSECONDS.toMillis(ioCpuNanos(threads) - ioBefore);
    System.out.printf("frozen member: lock taken after %d ms; survivors' I/O threads used %d ms of CPU in %d ms%n",
        lockedMs, ioMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt));
    assertThat(ioMs).as("the survivors' I/O threads' CPU time while a member is frozen (a spin costs ~1 s per s)")
        .isLessThan(2000);
    assertThat(successor.isLockedByCurrentThread()).isTrue();
  }

  /** CPU time of the in-process members' Hazelcast I/O threads. */
  private long ioCpuNanos(ThreadMXBean threads) {
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      boolean ours = cluster.here.stream().anyMatch(m -> t.getName().startsWith("hz." + m.getName() + ".IO.thread-"));
      if (ours) {
        total += Math.max(0, threads.getThreadCpuTime(t.getId()));
      }
    }
    return total;
  }
}
