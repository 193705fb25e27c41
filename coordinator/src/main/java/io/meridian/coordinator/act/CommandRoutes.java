package io.meridian.coordinator.act;

import io.meridian.messages.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps this coordinator's route to every agent's command address, and to the leader address,
 * open (see {@link Addresses#WARM_UP_HEADER}): every coordinator may have to lead, and a route
 * first opened during a failover that took the bus's master along waits for the bus to look up
 * who handles the address, which delays the failover's commands and a new leader's first
 * announcement (the figures: docs/decisions/009). An agent seen again is warmed again every {@link #EVERY}, which also covers an agent that
 * restarted and subscribed anew; so is the leader address. Runs on the coordinator's context.
 */
public final class CommandRoutes {

  static final Duration EVERY = Duration.ofSeconds(30);

  private final Map<String, Instant> warmedAt = new HashMap<>();
  private Instant leaderRouteWarmedAt;

  /** Pure: the agents whose route is due at {@code now}, recording them as warmed; forgets agents gone. */
  List<String> due(Collection<String> agents, Instant now) {
    warmedAt.keySet().retainAll(agents);
    List<String> due = new ArrayList<>();
    for (String agent : agents) {
      Instant last = warmedAt.get(agent);
      if (last == null || !now.isBefore(last.plus(EVERY))) {
        warmedAt.put(agent, now);
        due.add(agent);
      }
    }
    return due;
  }

  /** Pure: whether the leader address's route is due at {@code now}, recording it as warmed. */
  boolean leaderRouteDue(Instant now) {
    if (leaderRouteWarmedAt == null || !now.isBefore(leaderRouteWarmedAt.plus(EVERY))) {
      leaderRouteWarmedAt = now;
      return true;
    }
    return false;
  }

  /** Opens the routes that are due: one empty message each, which its receivers drop. */
  public void warm(Vertx vertx, Collection<String> agents, Instant now) {
    DeliveryOptions warmUp = new DeliveryOptions().addHeader(Addresses.WARM_UP_HEADER, "1");
    for (String agent : due(agents, now)) {
      vertx.eventBus().send(Addresses.commands(agent), Buffer.buffer(), warmUp);
    }
    if (leaderRouteDue(now)) {
      vertx.eventBus().publish(Addresses.LEADER, Buffer.buffer(), warmUp);
    }
  }
}
