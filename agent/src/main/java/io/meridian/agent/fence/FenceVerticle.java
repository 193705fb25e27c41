package io.meridian.agent.fence;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.config.AgentConfig;
import io.meridian.agent.probe.ShardOwners;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.agent.redis.InfoText;
import io.meridian.messages.Addresses;
import io.meridian.messages.ClusterEvent;
import io.meridian.messages.InboundGate;
import io.meridian.messages.LeaderAnnouncement;
import io.meridian.messages.ReachabilityReport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses writes ({@code CLIENT PAUSE … WRITE}) on the primaries of this host while the agent is
 * isolated (see {@link WriteFence}), renews the pause every {@link #CHECK_EVERY}, and lifts it when
 * contact returns. The pause outlives a dead agent by at most {@link #PAUSE} and then expires by itself.
 */
public final class FenceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FenceVerticle.class);
  /** Length of each pause; renewed every check, so writes resume at most this long after the agent is gone. */
  public static final Duration PAUSE = Duration.ofSeconds(3);
  /**
   * Contact within this span counts as "in contact now" for the layout baseline: leader
   * announcements and reachability reports each come at least every 500 ms.
   */
  private static final Duration CONTACT = Duration.ofMillis(1500);
  /**
   * How often isolation is checked and the pause renewed: the fence comes at most this long after
   * {@code fencing.after}, which the leader's promotion waits out with its margin.
   */
  static final Duration CHECK_EVERY = Duration.ofMillis(250);

  private final AgentConfig config;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, Instant> heardFrom = new HashMap<>();
  private final Map<String, NodeAdmin> admins = new HashMap<>();
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private final ObservedOwners owners;
  private final HeldWrites held;
  /** Each node's view of the slot owners at the last contact (or its first, if it never had one). */
  private final Map<String, ShardOwners> atContact = new HashMap<>();
  /** Nodes any local view showed in trouble since contact was lost: the other side of a cut. */
  private final java.util.Set<String> otherSide = new java.util.HashSet<>();
  /** When a leader that hears a majority of regions last announced itself. */
  private Optional<Instant> lastLeader = Optional.empty();
  private String lastLeaderRegion = "";
  /** In contact at least once since start: before that a silence is the bus starting up. */
  private boolean everInContact;
  /** The cluster's number of regions, as the last leader announced it. */
  private int announcedRegions;
  /** Every region whose coordinator was ever heard. */
  private final java.util.Set<String> everHeard = new java.util.HashSet<>();
  private Instant startedAt;
  private volatile WriteFence.Verdict state = WriteFence.Verdict.LIFT;
  private boolean busy;
  private long timer = -1;
  /**
   * The fence's own thread. On the shared worker pool (4 threads on an agent) its renewals queued
   * behind the cluster manager's blocking Hazelcast calls, which a cut holds for seconds each: the
   * pause lapsed and the cut-off primary took writes again (docs/decisions/013).
   */
  private WorkerExecutor worker;
  /** Local nodes the last pause or lift failed on (reported once per failure, and when it works again). */
  private final java.util.Set<String> failing = new java.util.HashSet<>();

  /**
   * @param owners the local nodes' views of the slot owners (fed by the probe loop)
   * @param held   the leader's write holds: lifting this fence leaves them in place
   */
  public FenceVerticle(AgentConfig config, MeterRegistry registry, Clock clock, ObservedOwners owners,
      HeldWrites held) {
    this.config = config;
    this.held = held;
    this.registry = registry;
    this.clock = clock;
    this.owners = owners;
  }

  @Override
  public Future<?> start() {
    startedAt = clock.instant();
    worker = vertx.createSharedWorkerExecutor("meridian-write-fence-" + config.agentId(), 1);
    InboundGate gate = new InboundGate(registry, "agent", config.bus().seal());
    // The gate drops route warm-ups: they are not word from a leader and must not lift the fence.
    MessageConsumer<Object> leaders = vertx.eventBus().consumer(Addresses.LEADER,
        m -> gate.accept(m, Addresses.LEADER, LeaderAnnouncement.class).ifPresent(this::heard));
    MessageConsumer<Object> reach = vertx.eventBus().consumer(Addresses.REACHABILITY,
        m -> gate.accept(m.body(), Addresses.REACHABILITY, ReachabilityReport.class).ifPresent(r -> {
          heardFrom.put(r.region(), clock.instant());
          everHeard.add(r.region());
        }));
    consumers.add(leaders);
    consumers.add(reach);
    Gauge.builder("meridian_agent_write_fence", () -> fenced() ? 1 : 0)
        .description("1 while this agent pauses writes on its primaries because it is isolated")
        .register(registry);
    timer = vertx.setPeriodic(CHECK_EVERY.toMillis(), id -> check());
    return Future.all(leaders.completion(), reach.completion());
  }

  /** A leader cut off with this side is no contact: it may still hold its lease (see {@link WriteFence}). */
  private void heard(LeaderAnnouncement a) {
    announcedRegions = Math.max(announcedRegions, a.regions());
    if (a.quorate()) {
      lastLeader = Optional.of(clock.instant());
      lastLeaderRegion = a.region();
    }
  }

  private int regions() {
    return WriteFence.regions(config.fencing().regions(), announcedRegions, everHeard.size());
  }

  private void check() {
    if (busy) {
      return;
    }
    Instant now = clock.instant();
    int regions = regions();
    Map<String, ShardOwners> seen = owners.snapshot();
    // The baseline follows the layout while in contact (the leader's failovers move shards) and is
    // frozen from the moment contact is lost; a node never seen in contact starts from its first view.
    Optional<Instant> leader = WriteFence.leaderContact(lastLeader, lastLeaderRegion, config.region(), heardFrom);
    if (WriteFence.inContact(now, leader, heardFrom, regions, CONTACT)) {
      everInContact = true;
      atContact.putAll(seen);
      otherSide.clear();
    } else {
      seen.forEach(atContact::putIfAbsent);
      seen.values().forEach(view -> otherSide.addAll(view.down()));
    }
    atContact.keySet().retainAll(config.nodes());
    Optional<String> takeover = WriteFence.takeover(atContact, seen, otherSide);
    WriteFence.Verdict verdict = WriteFence.overrule(
        WriteFence.decide(now, leader, heardFrom, regions, config.fencing().after(), startedAt, everInContact), takeover);
    WriteFence.Verdict was = state;
    if (verdict != was && (verdict != WriteFence.Verdict.LIFT || was == WriteFence.Verdict.FENCE)) {
      announce(now, verdict, takeover);
    } else if (verdict != was) {
      LOG.atInfo().addKeyValue("agent", config.agentId())
          .log("contact restored after a takeover on this side; the write fence is armed again");
    }
    state = verdict;
    if (verdict != WriteFence.Verdict.FENCE && was != WriteFence.Verdict.FENCE) {
      return;
    }
    busy = true;
    Map<String, ShardOwners> baseline = Map.copyOf(atContact);
    worker.executeBlocking(() -> {
      apply(verdict == WriteFence.Verdict.FENCE, baseline);
      return null;
    }, false).onComplete(ar -> {
      busy = false;
      if (ar.failed()) {
        LOG.warn("write fence {} failed: {}", verdict, ar.cause().getMessage());
      }
    });
  }

  /** Logs a change of verdict with its evidence and sends it to the notification webhooks. */
  private void announce(Instant now, WriteFence.Verdict verdict, Optional<String> takeover) {
    TreeSet<String> recent = new TreeSet<>();
    heardFrom.forEach((region, at) -> {
      if (!at.isBefore(now.minus(config.fencing().after()))) {
        recent.add(region);
      }
    });
    String reason = WriteFence.reason(verdict, lastLeader, recent, regions(),
        config.fencing().after(), takeover);
    boolean on = verdict == WriteFence.Verdict.FENCE;
    if (verdict == WriteFence.Verdict.LIFT) {
      LOG.atInfo().addKeyValue("agent", config.agentId()).log(reason);
    } else {
      LOG.atWarn().addKeyValue("agent", config.agentId()).log(reason);
    }
    // For the notification webhooks. Sent into a partition it may reach no one; fence off (contact
    // back) always gets through, and says what happened.
    vertx.eventBus().publish(Addresses.EVENTS, config.bus().seal().encode(new ClusterEvent(config.agentId(),
        on ? ClusterEvent.Kind.FENCE_ON : ClusterEvent.Kind.FENCE_OFF,
        switch (verdict) {
          case FENCE -> ClusterEvent.Severity.CRITICAL;
          case TAKEN_OVER -> ClusterEvent.Severity.WARNING;
          case LIFT -> ClusterEvent.Severity.INFO;
        },
        Optional.of(config.region()), Optional.empty(), reason, clock.millis())));
  }

  /**
   * On a worker: pause (renew) writes on every local primary, or lift the pause everywhere. A
   * primary whose own view already shows a takeover against {@code baseline} was just promoted (the
   * probe has not told the next check yet): it is left alone rather than paused for a second.
   */
  private void apply(boolean pause, Map<String, ShardOwners> baseline) {
    for (String node : config.nodes()) {
      NodeAdmin admin = admins.computeIfAbsent(node, n -> new NodeAdmin(n, config.auth(), Duration.ofSeconds(2)));
      try {
        if (pause) {
          InfoText info = InfoText.parse(admin.info("replication", "cluster"));
          if (info.get("role").filter("master"::equals).isPresent() && !justPromoted(node, admin, info, baseline)) {
            admin.call("CLIENT", "PAUSE", PAUSE.toMillis(), "WRITE");
          }
        } else if (!held.held(node)) {
          admin.call("CLIENT", "UNPAUSE");
        }
        if (failing.remove(node)) {
          LOG.atInfo().addKeyValue("node", node).log("write fence on {} works again ({})", node, pause ? "paused"
              : "lifted");
        }
      } catch (RuntimeException e) {
        // A node that does not answer takes no writes either; one that answers and refuses is a problem.
        if (failing.add(node)) {
          LOG.atWarn().addKeyValue("node", node).log("write fence could not {} {}: {}; retried every {} ms",
              pause ? "pause writes on" : "lift the pause on", node, e.getMessage(), CHECK_EVERY.toMillis());
        }
      }
    }
  }

  /** Whether this primary's own view already shows a takeover against {@code baseline}. */
  private static boolean justPromoted(String node, NodeAdmin admin, InfoText info, Map<String, ShardOwners> baseline) {
    return info.number("cluster_enabled", 0) == 1 && WriteFence.takeover(baseline,
        Map.of(node, ShardOwners.of(ClusterNodesReply.parse(admin.clusterNodes()))), java.util.Set.of()).isPresent();
  }

  public boolean fenced() {
    return state == WriteFence.Verdict.FENCE;
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    consumers.forEach(MessageConsumer::unregister);
    return worker.executeBlocking(() -> {
      admins.values().forEach(NodeAdmin::close);
      return null;
    }, false).andThen(ar -> worker.close());
  }
}
