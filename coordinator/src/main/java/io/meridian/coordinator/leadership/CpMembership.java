package io.meridian.coordinator.leadership;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroup;
import com.hazelcast.cp.CPMember;
import com.hazelcast.cp.CPSubsystemManagementService;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this coordinator in the CP group. A CP member is an identity, and Hazelcast auto-removes
 * one that is missing longer than {@code missing-cp-member-auto-removal-seconds}: a restarted
 * coordinator joins the cluster without one, and a coordinator that was cut off or frozen that long
 * merges back with one the group no longer lists and never will. Left alone the group shrinks, and
 * the next lost coordinator takes the majority, and with it leader election, away. So on each
 * {@link #ensure()} it reads the group and acts as {@link CpRejoin} decides: promote into a free
 * seat, replace a removed member with a new one ({@link LeadershipCluster#replace}), or give up
 * so that the process exits. Blocking: call on a worker, one call at a time.
 */
public final class CpMembership {

  private static final Logger LOG = LoggerFactory.getLogger(CpMembership.class);
  private static final long READ_SECONDS = 2;

  private final LeadershipCluster cluster;
  private final int cpMembers;
  private final CpRejoin rejoin;
  private volatile boolean member;
  private volatile int listed;
  private CpRejoin.Step lastStep = CpRejoin.Step.NONE;

  public CpMembership(LeadershipCluster cluster, int cpMembers) {
    this(cluster, cpMembers, CpRejoin.DEFAULT_BOUND);
  }

  /** @param bound how long it may stay outside a CP group that answers before it gives up */
  public CpMembership(LeadershipCluster cluster, int cpMembers, Duration bound) {
    this.cluster = cluster;
    this.cpMembers = cpMembers;
    this.rejoin = new CpRejoin(cpMembers, bound);
  }

  /**
   * True when, at the last {@link #ensure()}, this coordinator sat in the CP group that holds the
   * leader lock: being a CP member is not enough, a promoted member joins that group a moment later.
   */
  public boolean isMember() {
    return member;
  }

  /** How many CP members the group listed at the last read that it answered (0 before any). */
  public int listed() {
    return listed;
  }

  /** Reads the group and promotes, replaces or gives up as {@link CpRejoin} decides. */
  public void ensure() throws InterruptedException {
    HazelcastInstance hazelcast = cluster.current();
    CPMember local = hazelcast.getCPSubsystem().getLocalCPMember();
    CpRejoin.Reading reading = read(hazelcast, local);
    member = reading.standing() == CpRejoin.Standing.MEMBER;
    CpRejoin.Decision decision = rejoin.next(reading, System.nanoTime());
    switch (decision.step()) {
      case NONE -> {
        if (reading.standing() == CpRejoin.Standing.REMOVED) {
          LOG.atWarn().addKeyValue("cpMember", local.getUuid()).addKeyValue("cpMembers", reading.listed())
              .log("this coordinator is no longer in the CP group: {}", decision.reason());
        } else if (lastStep != CpRejoin.Step.NONE && reading.standing() == CpRejoin.Standing.MEMBER) {
          LOG.atInfo().addKeyValue("cpMembers", reading.listed())
              .log("this coordinator is back in the CP group ({} of {} members): leader election counts it",
                  reading.listed(), cpMembers);
        }
      }
      case PROMOTE -> promote(hazelcast, decision.reason());
      case REPLACE -> {
        member = false;
        cluster.replace(decision.reason());
      }
      case GIVE_UP -> {
        LOG.atError().addKeyValue("cpMembers", reading.listed()).addKeyValue("cpMembersConfigured", cpMembers)
            .log("giving up on rejoining the CP group: {}. Exiting so that the supervisor starts this coordinator "
                + "afresh; if it keeps failing, check that every coordinator reaches the others' leadership.port "
                + "and GET /api/v1/leader on each", decision.reason());
        cluster.giveUp("it could not get back into the CP group: " + decision.reason());
      }
      default -> throw new IllegalStateException("unhandled step " + decision.step());
    }
    if (reading.standing() != CpRejoin.Standing.UNANSWERED) {
      lastStep = decision.step();
    }
  }

  private CpRejoin.Reading read(HazelcastInstance hazelcast, CPMember local) throws InterruptedException {
    CPSubsystemManagementService management = hazelcast.getCPSubsystem().getCPSubsystemManagementService();
    try {
      if (local == null && !management.isDiscoveryCompleted()) {
        return CpRejoin.Reading.unanswered();
      }
      // Goes through the METADATA group: answers only with a CP majority in reach.
      Collection<CPMember> members = management.getCPMembers().toCompletableFuture().get(READ_SECONDS,
          TimeUnit.SECONDS);
      listed = members.size();
      if (local == null) {
        return new CpRejoin.Reading(CpRejoin.Standing.OUTSIDE, members.size());
      }
      if (members.stream().noneMatch(m -> m.getUuid().equals(local.getUuid()))) {
        return new CpRejoin.Reading(CpRejoin.Standing.REMOVED, members.size());
      }
      CPGroup group = management.getCPGroup(CPGroup.DEFAULT_GROUP_NAME).toCompletableFuture()
          .get(READ_SECONDS, TimeUnit.SECONDS);
      boolean seated = group != null && group.members().stream().anyMatch(m -> m.getUuid().equals(local.getUuid()));
      // Promoted, not yet seated in the lock's group: a moment, not a reason to act.
      return seated ? new CpRejoin.Reading(CpRejoin.Standing.MEMBER, members.size()) : CpRejoin.Reading.unanswered();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.debug("cannot read the CP group: {}", e.toString());
      return CpRejoin.Reading.unanswered();
    }
  }

  private void promote(HazelcastInstance hazelcast, String reason) throws InterruptedException {
    LOG.atInfo().addKeyValue("cpMembers", listed).log("{}: joining it", reason);
    try {
      hazelcast.getCPSubsystem().getCPSubsystemManagementService().promoteToCPMember().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      LOG.atInfo().log("joined the CP group again: leader election counts this coordinator");
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.atWarn().log("could not join the CP group yet ({}); trying again at the next check", e.toString());
    }
  }
}
