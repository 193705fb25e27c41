package io.meridian.coordinator.leadership;

import io.meridian.messages.Addresses;
import io.meridian.messages.LeaderAnnouncement;
import io.meridian.messages.Seal;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who leads, as announced on the bus: the leader publishes itself once a second, every
 * coordinator remembers the latest announcement it heard (its own included) for the API, the CLI's
 * redirect and event forwarding. On the coordinator's context, except the reads of {@link #latest()}.
 */
public final class Announcements {

  private static final Logger LOG = LoggerFactory.getLogger(Announcements.class);
  /** An announcement older than this no longer names a leader: the leader announces every second. */
  static final Duration FRESH = Duration.ofSeconds(3);

  /** What this coordinator publishes about itself. */
  public record Self(String coordinatorId, String region, int regions, String apiUrl) {
  }

  private record Heard(LeaderAnnouncement announcement, Instant at) {
  }

  private final Vertx vertx;
  private final Seal seal;
  private final Clock clock;
  private volatile Heard latest;
  private Instant leaderSince = Instant.EPOCH;

  public Announcements(Vertx vertx, Seal seal, Clock clock) {
    this.vertx = vertx;
    this.seal = seal;
    this.clock = clock;
  }

  /** An announcement from the bus (already verified); a change of leader or term is logged. */
  public void heard(LeaderAnnouncement a) {
    Heard before = latest;
    if (before == null || before.announcement().term() != a.term()
        || !before.announcement().sender().equals(a.sender())) {
      LOG.atInfo().addKeyValue("leader", a.sender()).addKeyValue("term", a.term())
          .log("heard {} ({}) announce itself leader, term {}", a.sender(), a.region(), a.term());
    }
    latest = new Heard(a, clock.instant());
  }

  /** This coordinator was elected: its announcements say since when it leads. */
  public void elected(Instant since) {
    leaderSince = since;
  }

  /** Publishes this coordinator as the leader of {@code term}, with how many regions it hears. */
  public void publish(long term, Self self, int regionsHeard) {
    LeaderAnnouncement own = new LeaderAnnouncement(self.coordinatorId(), self.region(), term,
        leaderSince.toEpochMilli(), self.apiUrl(), regionsHeard, self.regions());
    // Known here at once: its own copy comes back over the bus only after the bus has looked up who
    // listens, which took 0.5 s while the bus was still dropping the old leader's member.
    latest = new Heard(own, clock.instant());
    vertx.eventBus().publish(Addresses.LEADER, seal.encode(own));
  }

  /** The latest announcement, while fresh. */
  public Optional<LeaderAnnouncement> latest() {
    Heard h = latest;
    return h == null || Duration.between(h.at(), clock.instant()).compareTo(FRESH) > 0 ? Optional.empty()
        : Optional.of(h.announcement());
  }

  /** The API URL of the latest leader heard, fresh or not (where an operator's request is sent). */
  public Optional<String> leaderApiUrl() {
    return Optional.ofNullable(latest).map(h -> h.announcement().apiUrl());
  }

  /**
   * The {@code /api/v1/leader} document: {@code base} (what this coordinator adds about itself)
   * with the leader's fields, or with {@code leader: null} and the reason.
   */
  public JsonObject document(JsonObject base, String selfId, boolean selfLeading, boolean paused) {
    Heard h = latest;
    Instant now = clock.instant();
    if (h == null || Duration.between(h.at(), now).compareTo(FRESH) > 0) {
      return base.put("leader", (String) null).put("reason", h == null ? "no leader has announced itself yet"
          : "no announcement for " + Duration.between(h.at(), now).toMillis() + " ms");
    }
    LeaderAnnouncement a = h.announcement();
    return base.put("leader", a.sender()).put("region", a.region()).put("term", a.term())
        .put("since", Instant.ofEpochMilli(a.since()).toString()).put("apiUrl", a.apiUrl())
        .put("announcementAgeMs", Duration.between(h.at(), now).toMillis())
        .put("self", a.sender().equals(selfId) && selfLeading)
        .put("paused", paused);
  }
}
