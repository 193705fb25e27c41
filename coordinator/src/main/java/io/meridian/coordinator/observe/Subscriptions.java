package io.meridian.coordinator.observe;

import io.meridian.messages.Addresses;
import io.meridian.messages.ClusterEvent;
import io.meridian.messages.InboundGate;
import io.meridian.messages.LeaderAnnouncement;
import io.meridian.messages.MessageRejected;
import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.ReachabilityReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a coordinator listens to on the bus: each region's health reports, the coordinators'
 * reachability reports, leader announcements and cluster events. Every message passes the
 * {@link InboundGate} (decoded, verified, bounded) before a handler sees it; a report or an
 * observer counts only for a configured region, so a sender cannot add a region to the view or to
 * the majority of observers.
 */
public final class Subscriptions {

  /** Where accepted messages go; each is called on the coordinator's context. */
  public record Handlers(Consumer<NodeHealthReport> report, Consumer<ReachabilityReport> reachability,
      Consumer<LeaderAnnouncement> leader, Consumer<ClusterEvent> event) {
  }

  private final Vertx vertx;
  private final InboundGate gate;
  private final List<String> regions;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();

  public Subscriptions(Vertx vertx, InboundGate gate, List<String> regions) {
    this.vertx = vertx;
    this.gate = gate;
    this.regions = List.copyOf(regions);
  }

  /** Registers every consumer; completes once the bus knows all of them. */
  public Future<Void> start(Handlers handlers) {
    for (String region : regions) {
      String address = Addresses.health(region);
      // A report counts only on its own region's address.
      add(address, m -> gate.accept(m.body(), address, NodeHealthReport.class, r -> r.region().equals(region)
          ? Optional.empty() : Optional.of(new MessageRejected(MessageRejected.Reason.UNKNOWN_REGION, r.wireType(),
              "a report from region \"" + r.region() + "\" on " + address + ", the address of " + region)))
          .ifPresent(handlers.report()));
    }
    add(Addresses.REACHABILITY, m -> gate.accept(m.body(), Addresses.REACHABILITY, ReachabilityReport.class,
        this::outsideRegions).ifPresent(handlers.reachability()));
    add(Addresses.LEADER, m -> gate.accept(m, Addresses.LEADER, LeaderAnnouncement.class)
        .ifPresent(handlers.leader()));
    add(Addresses.EVENTS, m -> gate.accept(m.body(), Addresses.EVENTS, ClusterEvent.class)
        .ifPresent(handlers.event()));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  private void add(String address, io.vertx.core.Handler<io.vertx.core.eventbus.Message<Object>> handler) {
    consumers.add(vertx.eventBus().consumer(address, handler));
  }

  /** Only the configured regions count toward a majority of observers. */
  private Optional<MessageRejected> outsideRegions(ReachabilityReport r) {
    return regions.contains(r.region()) ? Optional.empty()
        : Optional.of(new MessageRejected(MessageRejected.Reason.UNKNOWN_REGION, r.wireType(), "an observer in region \""
            + r.region() + "\", which is not one of this coordinator's regions " + regions));
  }

  public Future<Void> close() {
    List<Future<Void>> closing = consumers.stream().map(MessageConsumer::unregister).toList();
    consumers.clear();
    return Future.join(closing).mapEmpty();
  }
}
