package io.meridian.coordinator.leadership;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.meridian.coordinator.config.Leadership;
import io.meridian.runtime.bus.HazelcastMembers;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator's member of the leadership cluster: a Hazelcast cluster of the coordinators alone,
 * apart from the event bus, that holds the CP group (leader lock, maintenance flag).
 *
 * <p>Why apart: when a whole region dies, the bus's Hazelcast master may die with it, and the next
 * master's membership claim waits up to 5 s (Hazelcast's fixed {@code FETCH_MEMBER_LIST_MILLIS})
 * for any other member that died at the same moment, such as that region's agent. CP calls stall
 * meanwhile, and the surviving leader lost its lease (docs/decisions/001 has the figures). With
 * only coordinators in this cluster, the claim asks live coordinators only.
 */
public final class LeadershipMember {

  private static final Logger LOG = LoggerFactory.getLogger(LeadershipMember.class);

  private LeadershipMember() {
  }

  /**
   * @param clusterName the bus's cluster name; this cluster is {@code <clusterName>-leadership}
   * @param host        interface to bind to (the bus's)
   * @param port        this member's port, taken exactly ({@code leadership.port})
   * @param members     every coordinator's leadership address ({@code leadership.members})
   * @param memberTimeout how long a silent member stays in the cluster ({@code leadership.memberTimeout})
   */
  public record Settings(String clusterName, String host, int port, List<String> members, CpSettings cp,
      Duration memberTimeout) {
    public Settings {
      members = List.copyOf(members);
    }

    /** With the default member timeout ({@link Leadership#DEFAULT_MEMBER_TIMEOUT}). */
    public Settings(String clusterName, String host, int port, List<String> members, CpSettings cp) {
      this(clusterName, host, port, members, cp, Leadership.DEFAULT_MEMBER_TIMEOUT);
    }

    public String cluster() {
      return clusterName + "-leadership";
    }
  }

  /** Starts the member on a thread of its own (joining blocks for seconds); fails with what to fix. */
  public static Future<HazelcastInstance> start(Settings settings) {
    Config config = config(settings);
    CompletableFuture<HazelcastInstance> started = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        started.complete(Hazelcast.newHazelcastInstance(config));
      } catch (RuntimeException e) {
        started.completeExceptionally(new IllegalStateException("cannot start the leadership member on "
            + settings.host() + ":" + settings.port() + " (leadership.port; is it free?): " + e.getMessage(), e));
      }
    }, "leadership-member-start");
    thread.setDaemon(true);
    thread.start();
    return Future.fromCompletionStage(started).onSuccess(hz -> LOG.atInfo()
        .addKeyValue("leadershipCluster", settings.cluster())
        .log("leadership member up on {}:{} ({} of {} coordinators seen; members {})", settings.host(),
            settings.port(), hz.getCluster().getMembers().size(), settings.cp().members(), settings.members()));
  }

  static Config config(Settings settings) {
    Config config = HazelcastMembers.trim(HazelcastMembers.config(new Config(), settings.cluster(), settings.host(),
        settings.port(), 1, settings.members()));
    // A frozen (SIGSTOP, long GC) member that was the CP group's Raft leader keeps the others' CP
    // calls, session heartbeats included, waiting on it until it is dropped from the cluster: the
    // survivors elect a new Raft leader within 2 s but their sessions expire meanwhile, so the new
    // leader waits for the member timeout (figures: docs/concepts/leadership.md). Only coordinators
    // are in this cluster, and a coordinator silent this long has lost its lease (leadership.lease,
    // 2 s by default) anyway. When the leader's region is cut off, this (plus up to the 1 s
    // heartbeat period, for each survivor's own suspicion) is most of how long the majority waits
    // for a new leader, and the majority's writes wait for that leader's promotion.
    // The timeout is leadership.memberTimeout: on a host where every coordinator can stall for
    // seconds at once (compose: twelve JVMs on one machine), a 2 s timeout splits the cluster into
    // singletons, and Hazelcast 5.3 may then never merge them (each keeps a partition promotion
    // pending, so the merge's cluster-state lock is refused).
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(settings.memberTimeout().toSeconds()));
    // A coordinator cut off long enough to lose its CP identity can get it back only after it
    // merged into the others' cluster, which Hazelcast tries this often: the bus's 10 s left the
    // group short for up to 10 s more after a heal.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    CpSettings cp = settings.cp();
    config.getCPSubsystemConfig()
        .setCPMemberCount(cp.members())
        .setSessionTimeToLiveSeconds((int) cp.sessionTtl().toSeconds())
        .setSessionHeartbeatIntervalSeconds((int) cp.heartbeat().toSeconds())
        .setMissingCPMemberAutoRemovalSeconds((int) cp.autoRemoval().toSeconds());
    // A paused Raft leader must lose its role quickly, or a paused lock holder blocks handover.
    // The election timeout (Hazelcast adds 0-1 s at random) also paces how often a follower checks
    // its Raft leader and how soon a split vote is tried again: at 1 s, killing a coordinator that
    // was the lock group's Raft leader as well cost 2.3-3.2 s of handover, against 0.6-1 s otherwise.
    config.getCPSubsystemConfig().getRaftAlgorithmConfig()
        .setLeaderHeartbeatPeriodInMillis(250)
        .setMaxMissedLeaderHeartbeatCount(3)
        .setLeaderElectionTimeoutInMillis(400);
    return config;
  }
}
