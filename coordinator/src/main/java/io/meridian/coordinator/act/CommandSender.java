package io.meridian.coordinator.act;

import io.meridian.coordinator.leadership.LeaderElection;
import io.meridian.messages.Addresses;
import io.meridian.messages.Command;
import io.meridian.messages.CommandResult;
import io.meridian.messages.MessageRejected;
import io.meridian.messages.Seal;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Sends one command to an agent the way the leader must: the fence is confirmed right before
 * sending and stamped as the term; the command is signed and the answer checked and decoded
 * strictly. Holds no decisions.
 */
public final class CommandSender {

  private final Vertx vertx;
  private final String coordinatorId;
  private final LeaderElection election;
  private final Seal seal;
  private final Clock clock;

  public CommandSender(Vertx vertx, String coordinatorId, LeaderElection election, Seal seal, Clock clock) {
    this.vertx = vertx;
    this.coordinatorId = coordinatorId;
    this.election = election;
    this.seal = seal;
    this.clock = clock;
  }

  /** A failed future when leadership was lost before sending, the agent did not answer in time, or its answer was bad. */
  public Future<CommandResult> send(String agent, String target, Command.Kind kind, Map<String, String> args,
      String reason, String id, Duration timeout) {
    return Future.fromCompletionStage(election.fence(), vertx.getOrCreateContext())
        .recover(err -> Future.failedFuture(new NotSent(err.getMessage())))
        .compose(term -> {
          Command command = new Command(coordinatorId, id, term, target, kind, args, clock.millis(), reason);
          return vertx.eventBus().<Buffer>request(Addresses.commands(agent), seal.encode(command),
              new DeliveryOptions().setSendTimeout(timeout.toMillis()))
              .map(reply -> decode(reply.body()));
        });
  }

  /** The command never left: the leader could not confirm its fence (it may have lost leadership). */
  public static final class NotSent extends RuntimeException {
    NotSent(String message) {
      super(message, null, false, false);
    }
  }

  /** The outcome as the history writes it: {@code executed by agent-x (term 7): OK}, or why it was not executed. */
  public static String describe(AsyncResult<CommandResult> ar) {
    if (ar.failed()) {
      return "not executed: " + ar.cause().getMessage();
    }
    CommandResult r = ar.result();
    return r.outcome().name().toLowerCase(Locale.ROOT) + " by " + r.sender() + " (term " + r.term() + "): " + r.detail();
  }

  /** The outcome as a metric tag: executed / refused / failed, or not_sent. */
  public static String resultTag(AsyncResult<CommandResult> ar) {
    return ar.succeeded() ? ar.result().outcome().name().toLowerCase(Locale.ROOT) : "not_sent";
  }

  public long term() {
    return election.term().orElse(-1);
  }

  private CommandResult decode(Buffer body) {
    try {
      return seal.open(body, CommandResult.class);
    } catch (MessageRejected e) {
      throw new IllegalStateException("the agent's answer was rejected: " + e.getMessage(), e);
    }
  }
}
