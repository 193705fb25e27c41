package io.meridian.coordinator.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a leadership cluster of three members, when agents remember a term above the leader's
 * (its CP group was formed afresh), then the leader raises its term above it without giving up the
 * lock, and the next leader numbers above the raised term: terms keep rising across leaders.
 */
class TermBaseIT {

  private ThreeMemberCluster cluster;
  private final List<LeaderElection> elections = new ArrayList<>();

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  Path dir;

  @AfterEach
  void endEverything() throws Exception {
    elections.forEach(LeaderElection::close);
    if (cluster != null) {
      cluster.close();
    }
  }

  private LeaderElection campaign(int member, List<Long> heard) {
    return campaign(member, heard, Duration.ofSeconds(5));
  }

  private LeaderElection campaign(int member, List<Long> heard, Duration lease) {
    LeaderElection election = new LeaderElection(cluster.here.get(member), "leader", Duration.ofMillis(500),
        lease, new LeaderElection.Listener() {
          @Override
          public void elected(long term) {
            heard.add(term);
          }

          @Override
          public void revoked(String reason) {
            heard.add(-1L);
          }
        }, Runnable::run);
    elections.add(election);
    election.start();
    return election;
  }

  @Test
  void aLeaderRaisesItsTermAboveTheOneAgentsRememberAndItsSuccessorNumbersAboveThat() throws Exception {
    // FrozenLeadershipMemberIT's main starts the third member, apart, with the default CP settings.
    cluster = ThreeMemberCluster.start("term-base-it", FrozenLeadershipMemberIT.class, dir.resolve("third.log"),
        CpSettings.defaults(3));
    List<Long> firstHeard = Collections.synchronizedList(new ArrayList<>());
    LeaderElection first = campaign(0, firstHeard);
    await().atMost(Duration.ofMinutes(2)).until(first::isLeader);
    long elected = first.term().orElseThrow();

    assertThat(first.outrank(elected - 1).get(10, TimeUnit.SECONDS)).as("already above: nothing to raise")
        .isEqualTo(elected);
    long remembered = elected + 1_000_000;
    long raised = first.outrank(remembered).get(10, TimeUnit.SECONDS);
    System.out.printf("elected under term %d; agents remember %d; raised to %d%n", elected, remembered, raised);
    assertThat(raised).isGreaterThan(remembered);
    assertThat(first.term()).hasValue(raised);
    assertThat(firstHeard).containsExactly(elected, raised);
    // Still the leader under the raised term: the lock's confirmations go on against the same fence.
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
    assertThat(first.term()).hasValue(raised);

    List<Long> secondHeard = Collections.synchronizedList(new ArrayList<>());
    LeaderElection second = campaign(1, secondHeard);
    first.close();
    await().atMost(Duration.ofSeconds(30)).until(second::isLeader);
    assertThat(second.term().orElseThrow()).as("the successor reads the raised base after taking the lock")
        .isGreaterThan(raised);

    // A forged report near the top of the range is not followed: the leader's terms stay on the wire.
    long successor = second.term().orElseThrow();
    assertThatThrownBy(() -> second.outrank(io.meridian.messages.Terms.FOLLOWED + 1).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("above any term a leader issues or follows");
    assertThat(second.term()).hasValue(successor);
  }

  @Test
  void aLeaderWhoseLeaseLapsedWhileItStillHeldTheLockIsElectedAgainUnderTheSameTerm() throws Exception {
    cluster = ThreeMemberCluster.start("lease-lapse-it", FrozenLeadershipMemberIT.class, dir.resolve("third.log"),
        CpSettings.defaults(3));
    List<Long> heard = Collections.synchronizedList(new ArrayList<>());
    // A lease of 1 ms: the watchdog revokes at its first look, as after a stall longer than the lease.
    LeaderElection election = campaign(0, heard, Duration.ofMillis(1));
    await().atMost(Duration.ofMinutes(2)).until(election::isLeader);
    long term = election.term().orElseThrow();
    await().pollDelay(Duration.ofMillis(5)).atMost(Duration.ofSeconds(1)).until(() -> true);
    election.checkLease();
    assertThat(election.isLeader()).as("revoked by the watchdog").isFalse();
    // It still holds the lock, so nobody else can lead: it must take the lead again by itself.
    await().atMost(Duration.ofSeconds(10)).until(election::isLeader);
    assertThat(election.term()).hasValue(term);
    assertThat(heard).containsExactly(term, -1L, term);
  }
}
