package io.meridian.coordinator.leadership;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroup;
import com.hazelcast.cp.CPMember;
import com.hazelcast.cp.CPSubsystemManagementService;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a restarted coordinator back into the CP group. A CP member is an identity: a coordinator
 * that restarts (or merges back after a long freeze under a new identity) joins the cluster but
 * not the CP group, which keeps counting its old identity until Hazelcast auto-removes it. Left
 * alone the group would shrink to two members, and the next lost coordinator would take the
 * majority, and with it leader election, away. Blocking: call on a worker.
 */
public final class CpMembership {

  private static final Logger LOG = LoggerFactory.getLogger(CpMembership.class);

  private final HazelcastInstance hazelcast;
  private final int cpMembers;
  private volatile boolean member;

  public CpMembership(HazelcastInstance hazelcast, int cpMembers) {
    this.hazelcast = hazelcast;
    this.cpMembers = cpMembers;
  }

  /**
   * True when, at the last {@link #ensure()}, this coordinator sat in the CP group that holds the
   * leader lock: being a CP member is not enough, a promoted member joins that group a moment later.
   */
  public boolean isMember() {
    return member;
  }

  /**
   * Promotes this coordinator when it is not a CP member and the group has a free seat (the dead
   * identity it replaces has been auto-removed); otherwise does nothing.
   */
  public void ensure() throws InterruptedException {
    CPSubsystemManagementService management = hazelcast.getCPSubsystem().getCPSubsystemManagementService();
    CPMember local = hazelcast.getCPSubsystem().getLocalCPMember();
    if (local != null) {
      try {
        CPGroup group = management.getCPGroup(CPGroup.DEFAULT_GROUP_NAME).toCompletableFuture()
            .get(2, TimeUnit.SECONDS);
        member = group != null && group.members().stream().anyMatch(m -> m.getUuid().equals(local.getUuid()));
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        LOG.debug("cannot read the CP group yet: {}", e.toString());
      }
      return;
    }
    member = false;
    try {
      if (!management.isDiscoveryCompleted()) {
        return;
      }
      Collection<CPMember> members = management.getCPMembers().toCompletableFuture().get(2, TimeUnit.SECONDS);
      if (members.size() >= cpMembers) {
        return;
      }
      LOG.atInfo().addKeyValue("cpMembers", members.size()).log("this coordinator is not in the CP group, which has "
          + "{} of {} members: joining it", members.size(), cpMembers);
      management.promoteToCPMember().toCompletableFuture().get(30, TimeUnit.SECONDS);
      LOG.atInfo().log("joined the CP group again: leader election counts this coordinator");
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.debug("cannot join the CP group yet: {}", e.toString());
    }
  }
}
