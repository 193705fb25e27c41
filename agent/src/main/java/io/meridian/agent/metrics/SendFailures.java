package io.meridian.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Counts messages the agent could not hand to the event bus, in
 * {@code meridian_agent_bus_send_failures_total{address,reason}}: {@code no_handlers} when
 * nobody listens (no coordinator is on the bus), {@code error} for anything else (a broken
 * connection to a member). Both series exist from the start at 0, so a rate is defined at once.
 */
public final class SendFailures {

  private final Counter noHandlers;
  private final Counter error;

  /** @param address which kind of address the sends go to, e.g. {@code health} */
  public SendFailures(MeterRegistry registry, String address) {
    this.noHandlers = counter(registry, address, "no_handlers");
    this.error = counter(registry, address, "error");
  }

  private static Counter counter(MeterRegistry registry, String address, String reason) {
    return Counter.builder("meridian_agent_bus_send_failures")
        .description("Messages the agent could not hand to the event bus, by address and reason")
        .tag("address", address)
        .tag("reason", reason)
        .register(registry);
  }

  /** Counts the send if it fails; the caller does not wait for it. */
  public void watch(Future<Void> sent) {
    sent.onFailure(err -> {
      if (err instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
        noHandlers.increment();
      } else {
        error.increment();
      }
    });
  }
}
