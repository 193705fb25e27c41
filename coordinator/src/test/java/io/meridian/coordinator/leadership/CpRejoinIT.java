package io.meridian.coordinator.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPMember;
import com.hazelcast.cp.lock.FencedLock;
import io.meridian.runtime.process.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a leadership cluster of three coordinators' members, when one of them is frozen (SIGSTOP)
 * until the other two have auto-removed its CP identity and then thawed, then it is back in the CP
 * group under a new identity within 30 s, by itself: its {@link CpMembership} replaces its member
 * ({@link LeadershipCluster}) and promotes the new one. Without that it stays out for good, and the
 * group at two of three.
 */
class CpRejoinIT {

  private static final CpSettings CP = CpSettings.defaults(3);
  private static final String LOCK = "leader";

  private ThreeMemberCluster cluster;

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // a failure leaves the member's log
  Path dir;

  /** The member to freeze, in a process of its own, checking its CP membership as a coordinator does. */
  public static void main(String[] args) throws Exception {
    LeadershipCluster leadership = LeadershipCluster.start(ThreeMemberCluster.settings(args[0],
        Integer.parseInt(args[1]), 2, CP)).toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    leadership.whenLost(reason -> {
      System.out.println("lost: " + reason);
      System.exit(70);
    });
    CpMembership membership = new CpMembership(leadership, CP.members());
    ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor();
    // The coordinator's cadence (LeaderLifecycle.tick: every 8th tick of 250 ms).
    checks.scheduleWithFixedDelay(() -> {
      try {
        membership.ensure();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        System.out.println("check failed: " + e);
      }
    }, 2, 2, TimeUnit.SECONDS);
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
  void aMemberFrozenPastTheAutoRemovalIsBackInTheCpGroupUnderANewIdentity() throws Exception {
    Path log = dir.resolve("frozen-member.log");
    cluster = ThreeMemberCluster.start("rejoin-it", CpRejoinIT.class, log, CP);
    HazelcastInstance survivor = cluster.here.get(0);
    int apartPort = cluster.base + 2;
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
        .until(() -> cpMembers(survivor).map(Collection::size).orElse(0) == 3);
    UUID before = apartIdentity(survivor, apartPort).orElseThrow();

    Signals.send(cluster.apart.pid(), "STOP");
    // Dropped from the cluster after 5 s without heartbeat, from the CP group 10 s after that.
    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
        .until(() -> cpMembers(survivor).map(Collection::size).orElse(0) == 2);
    long thawedAt = System.nanoTime();
    Signals.send(cluster.apart.pid(), "CONT");

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> cpMembers(survivor).map(Collection::size).orElse(0) == 3
            && apartIdentity(survivor, apartPort).isPresent());
    long backMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - thawedAt);
    UUID after = apartIdentity(survivor, apartPort).orElseThrow();
    System.out.printf("frozen member: back in the CP group (3 of 3) %d ms after SIGCONT, identity %s (was %s)%n",
        backMs, after, before);

    // What the operator reads in the thawed coordinator's log.
    Files.readAllLines(log).stream().filter(l -> l.contains("CpMembership") || l.contains("LeadershipCluster"))
        .forEach(System.out::println);
    assertThat(after).as("a removed identity never returns: the member is a new one").isNotEqualTo(before);
    assertThat(cluster.apart.isAlive()).as("the thawed process lives on").isTrue();
    assertThat(Files.readString(log)).contains("replacing this coordinator's leadership member")
        .doesNotContain("lost: ");
    FencedLock lock = cluster.here.get(1).getCPSubsystem().getLock(LOCK);
    assertThat(lock.tryLock(30, TimeUnit.SECONDS)).as("a leader lock can be taken in the healed group").isTrue();
    lock.unlock();
  }

  /** The CP members as the survivor reads them, or empty if the group did not answer in time. */
  private static Optional<Collection<CPMember>> cpMembers(HazelcastInstance member) {
    try {
      return Optional.of(member.getCPSubsystem().getCPSubsystemManagementService().getCPMembers()
          .toCompletableFuture().get(2, TimeUnit.SECONDS));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static Optional<UUID> apartIdentity(HazelcastInstance survivor, int port) {
    return cpMembers(survivor).flatMap(members -> members.stream().filter(m -> m.getAddress().getPort() == port)
        .map(CPMember::getUuid).findFirst());
  }
}
