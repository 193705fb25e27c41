package io.meridian.agent.command;

import io.meridian.agent.admin.ClusterChanges;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.fence.HeldWrites;
import io.meridian.agent.config.AgentConfig;
import io.meridian.messages.Addresses;
import io.meridian.messages.Command;
import io.meridian.messages.CommandResult;
import io.meridian.messages.InboundGate;
import io.meridian.messages.LeaderAnnouncement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.meridian.agent.redis.InfoText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes the leader's commands on this agent's nodes, after the {@link TermGuard} and only for
 * nodes this agent watches. Redis calls are blocking and run on two lanes, each one command at a
 * time, in order: promotions of a failed shard and the write holds around them
 * ({@link Lane#PROMOTION}), and everything else ({@link Lane#ADMIN}: planned switchovers, slot
 * migrations, configuration), which may take seconds and must not hold a promotion back.
 * Every command gets a {@link CommandResult} reply: executed, refused (with why) or failed.
 */
public final class CommandVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CommandVerticle.class);

  private final AgentConfig config;
  /** The config in force: a reload may add or remove nodes, and renew the spec. */
  private final java.util.function.Supplier<AgentConfig> current;
  private final MeterRegistry registry;
  private final Clock clock;
  private final HeldWrites held;
  private final TermGuard guard;
  /** Remembers the elections this agent ran, which change how it promotes the same node soon after. */
  private final Promotion promotion = new Promotion();
  /** Membership and slot changes, the same code {@code meridian add-node --spec} runs. */
  private final ClusterChanges changes;
  /** One connection per node and lane: a lane's commands never share one with the other lane's. */
  private final Map<Lane, Map<String, NodeAdmin>> admins = new java.util.EnumMap<>(Map.of(
      Lane.PROMOTION, new java.util.concurrent.ConcurrentHashMap<>(), Lane.ADMIN, new java.util.concurrent.ConcurrentHashMap<>()));
  private final Map<Lane, io.vertx.core.WorkerExecutor> lanes = new java.util.EnumMap<>(Lane.class);

  /** Where a command runs. */
  public enum Lane {
    /** A failed shard's promotion, and the write holds that fence the old primary around it. */
    PROMOTION,
    /** Planned and administrative work. */
    ADMIN;

    public static Lane of(Command.Kind kind) {
      return switch (kind) {
        case FAILOVER_FORCE, FAILOVER_TAKEOVER, HOLD_WRITES, RESUME_WRITES -> PROMOTION;
        case FAILOVER, REPLICATE, MEET, MIGRATE_SLOTS, CONFIGURE, FINISH_MIGRATING, CLEAR_IMPORTING, FORGET,
            RESET_SOFT -> ADMIN;
      };
    }
  }
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private InboundGate gate;

  public CommandVerticle(AgentConfig config, MeterRegistry registry, Clock clock) {
    this(config, () -> config, registry, clock, new HeldWrites(), new TermFloor());
  }

  /**
   * @param current the config in force (a reload changes the nodes watched and the spec)
   * @param held    the leader's write holds, shared with the {@code WriteHoldVerticle} that keeps them
   * @param floor   the highest term seen, which the health reports carry
   */
  public CommandVerticle(AgentConfig config, java.util.function.Supplier<AgentConfig> current, MeterRegistry registry,
      Clock clock, HeldWrites held, TermFloor floor) {
    this.config = config;
    this.current = current;
    this.changes = new ClusterChanges(config.auth(), java.util.function.UnaryOperator.identity());
    this.guard = new TermGuard(floor);
    this.held = held;
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    gate = new InboundGate(registry, "agent", config.bus().seal());
    for (Lane lane : Lane.values()) {
      lanes.put(lane, vertx.createSharedWorkerExecutor("meridian-commands-" + lane.name().toLowerCase(Locale.ROOT), 1));
    }
    io.micrometer.core.instrument.Gauge.builder("meridian_agent_term_seen", guard, TermGuard::highestTerm)
        .description("The highest leader term seen; commands of a lower term are refused").register(registry);
    MessageConsumer<Object> commands = vertx.eventBus().consumer(Addresses.commands(config.agentId()), this::onCommand);
    MessageConsumer<Object> leaders = vertx.eventBus().consumer(Addresses.LEADER,
        m -> gate.accept(m, Addresses.LEADER, LeaderAnnouncement.class).ifPresent(a -> guard.observe(a.term())));
    consumers.add(commands);
    consumers.add(leaders);
    return Future.all(commands.completion(), leaders.completion());
  }

  private void onCommand(Message<Object> message) {
    gate.accept(message, Addresses.commands(config.agentId()), Command.class).ifPresent(command -> {
      AgentConfig now = current.get();
      if (!now.nodes().contains(command.target())) {
        reply(message, command, CommandResult.Outcome.REFUSED, "not_watched", command.target()
            + " is not a node of agent " + config.agentId());
        return;
      }
      java.util.Optional<String> problem = CommandArgs.problem(command);
      if (problem.isPresent()) {
        reply(message, command, CommandResult.Outcome.REFUSED, "bad_args", problem.get());
        return;
      }
      java.util.Optional<String> outside = now.spec().flatMap(spec -> SpecTargets.problem(command, spec));
      if (outside.isPresent()) {
        reply(message, command, CommandResult.Outcome.REFUSED, "not_in_spec", outside.get());
        return;
      }
      TermGuard.Verdict verdict = guard.check(command);
      if (verdict instanceof TermGuard.Refuse refuse) {
        reply(message, command, CommandResult.Outcome.REFUSED, "stale_term", refuse.reason());
      } else if (verdict instanceof TermGuard.Repeat repeat) {
        message.reply(config.bus().seal().encode(repeat.earlier()));
      } else {
        execute(message, command);
      }
    });
  }

  private void execute(Message<Object> message, Command command) {
    LOG.atInfo().addKeyValue("node", command.target()).addKeyValue("term", command.term())
        .addKeyValue("action", command.kind().name().toLowerCase(Locale.ROOT)).addKeyValue("reason", command.reason())
        .log("executing {} on {} for leader {} (term {}): {}", command.kind(), command.target(), command.sender(),
            command.term(), command.reason());
    Lane lane = Lane.of(command.kind());
    // Not "ordered": Vert.x orders blocking tasks through one queue per context, whatever the
    // executor, which would put the two lanes back in one line. Each lane's single thread runs its
    // tasks one at a time in the order they came.
    lanes.get(lane).<Promotion.Result>executeBlocking(() -> run(command, lane), false).onComplete(ar -> {
      if (ar.succeeded()) {
        reply(message, command, CommandResult.Outcome.EXECUTED, "ok", ar.result().detail(),
            ar.result().primaryAfterMs());
      } else if (ar.cause() instanceof io.meridian.agent.admin.Resharding.NotAMember refused) {
        reply(message, command, CommandResult.Outcome.REFUSED, "not_a_member", refused.getMessage());
      } else {
        reply(message, command, CommandResult.Outcome.FAILED, "redis_error", ar.cause().getMessage());
      }
    });
  }

  /** What the command did; for a promotion, also when the node was primary. */
  private Promotion.Result run(Command command, Lane lane) {
    NodeAdmin admin = admins.get(lane).computeIfAbsent(command.target(),
        node -> new NodeAdmin(node, config.auth(), Duration.ofSeconds(5)));
    return switch (command.kind()) {
      case FAILOVER -> promotion.coordinated(admin);
      case FAILOVER_FORCE -> promotion.forced(admin);
      case FAILOVER_TAKEOVER -> promotion.takeover(admin);
      default -> Promotion.Result.of(administer(command, admin));
    };
  }

  private String administer(Command command, NodeAdmin admin) {
    return switch (command.kind()) {
      case FAILOVER, FAILOVER_FORCE, FAILOVER_TAKEOVER -> throw new IllegalArgumentException(command.kind()
          + " is a promotion");
      case RESUME_WRITES -> {
        boolean wasHeld = held.release(command.target()).isPresent();
        yield admin.call("CLIENT", "UNPAUSE") + (wasHeld ? " (the write hold is released)" : "");
      }
      case HOLD_WRITES -> hold(admin, command);
      default -> changes.apply(admin, command.kind(), command.args(), line -> LOG.atInfo()
          .addKeyValue("node", command.target()).log("{} on {}: {}", command.kind(), command.target(), line));
    };
  }

  /**
   * Pauses the node's writes and keeps them paused (see {@code WriteHoldVerticle}); answered once
   * they are, since the leader promotes in the node's place right after. A replica takes no writes
   * of its own: there is nothing to hold.
   */
  private String hold(NodeAdmin admin, Command command) {
    InfoText info = InfoText.parse(admin.info("replication"));
    if (info.get("role").filter("master"::equals).isEmpty()) {
      return "not a primary (role " + info.get("role").orElse("unknown") + "): it takes no writes, nothing to hold";
    }
    held.hold(command.target(), new HeldWrites.Hold(command.sender(), command.term(), clock.instant()));
    admin.call("CLIENT", "PAUSE", io.meridian.agent.fence.FenceVerticle.PAUSE.toMillis(), "WRITE");
    return "writes paused, and held paused until it follows another primary or the leader releases it";
  }

  /** @param why the {@code reason} label: ok, stale_term, not_watched, bad_args, not_in_spec, not_a_member or redis_error (a closed set, unlike {@code detail}) */
  private void reply(Message<Object> message, Command command, CommandResult.Outcome outcome, String why,
      String detail) {
    reply(message, command, outcome, why, detail, java.util.Optional.empty());
  }

  private void reply(Message<Object> message, Command command, CommandResult.Outcome outcome, String why,
      String detail, java.util.Optional<Long> primaryAfterMs) {
    CommandResult result = new CommandResult(config.agentId(), command.id(), command.term(), command.target(), outcome,
        detail, clock.millis(), primaryAfterMs);
    if (outcome != CommandResult.Outcome.REFUSED) {
      guard.executed(command, result);
    }
    Counter.builder("meridian_agent_commands")
        .description("Commands from the leader, by kind, outcome and reason")
        .tag("kind", command.kind().name().toLowerCase(Locale.ROOT))
        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
        .tag("reason", why)
        .register(registry).increment();
    if (outcome != CommandResult.Outcome.EXECUTED) {
      LOG.atWarn().addKeyValue("node", command.target()).addKeyValue("term", command.term())
          .log("{} {} on {} (term {}): {}", outcome.name().toLowerCase(Locale.ROOT), command.kind(), command.target(),
              command.term(), detail);
    }
    message.reply(config.bus().seal().encode(result));
  }

  /** Highest term seen, for tests and diagnostics. */
  public long highestTerm() {
    return guard.highestTerm();
  }

  @Override
  public Future<?> stop() {
    consumers.forEach(MessageConsumer::unregister);
    lanes.values().forEach(io.vertx.core.WorkerExecutor::close);
    return vertx.executeBlocking(() -> {
      admins.values().forEach(lane -> lane.values().forEach(NodeAdmin::close));
      return null;
    });
  }
}
