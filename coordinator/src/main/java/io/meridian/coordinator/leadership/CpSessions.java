package io.meridian.coordinator.leadership;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroupId;
import com.hazelcast.cp.session.CPSession;
import com.hazelcast.cp.internal.RaftInvocationManager;
import com.hazelcast.cp.internal.RaftService;
import com.hazelcast.cp.internal.session.RaftSessionService;
import com.hazelcast.cp.internal.session.operation.CloseSessionOp;
import com.hazelcast.instance.impl.HazelcastInstanceImpl;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.spi.impl.NodeEngine;
import java.util.Collection;
import java.util.concurrent.CompletionStage;

/**
 * Lists and force-closes the CP sessions of one CP group, addressed by its id.
 *
 * <p>Why not {@code CPSessionManagementService}: it takes the group's name, and resolves it with a
 * linearizable query to the METADATA group on every call. When the killed leader coordinator was
 * that group's Raft leader too, the query waits for METADATA's own election, which with two
 * survivors often splits its first vote: the leader lock was freed 2.5-3.8 s after the kill
 * instead of 0.3-0.8 s. Addressed by id, only the lock's own group has to have a Raft leader.
 * This reaches into Hazelcast's internals (checked against the pinned 5.3.8); {@code
 * DeadSessionReaperIT} fails if they move.
 */
final class CpSessions {

  private final RaftSessionService sessions;
  private final RaftInvocationManager invocations;

  private CpSessions(RaftSessionService sessions, RaftInvocationManager invocations) {
    this.sessions = sessions;
    this.invocations = invocations;
  }

  static CpSessions of(HazelcastInstance hazelcast) {
    HazelcastInstanceImpl member = hazelcast instanceof HazelcastInstanceProxy proxy ? proxy.getOriginal()
        : (HazelcastInstanceImpl) hazelcast;
    NodeEngine engine = member.node.getNodeEngine();
    RaftService raft = engine.getService(RaftService.SERVICE_NAME);
    return new CpSessions(engine.getService(RaftSessionService.SERVICE_NAME), raft.getInvocationManager());
  }

  CompletionStage<Collection<CPSession>> all(CPGroupId group) {
    return sessions.getAllSessions(group);
  }

  CompletionStage<Boolean> forceClose(CPGroupId group, long sessionId) {
    return invocations.invoke(group, new CloseSessionOp(sessionId));
  }
}
