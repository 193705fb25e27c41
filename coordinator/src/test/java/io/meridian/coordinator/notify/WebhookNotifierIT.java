package io.meridian.coordinator.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.messages.ClusterEvent;
import io.meridian.monitoring.MeridianMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The notifier against real HTTP servers on loopback: retries, dedup, and webhooks that fail or hang. */
class WebhookNotifierIT {

  private Vertx vertx;
  private io.vertx.core.Context context;
  private MeridianMetrics metrics;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final List<HttpServerRequest> hanging = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    metrics = MeridianMetrics.create("coordinator", Map.of("cluster", "it"));
  }

  @AfterEach
  void tearDown() {
    hanging.forEach(r -> r.connection().close());
    servers.forEach(s -> s.close().await());
    vertx.close().await();
    metrics.close();
  }

  /** One request a receiver got: the answer it gave and the body (a JSON object, or Alertmanager's list under "alerts"). */
  record Received(int status, JsonObject body) {
    String kind() {
      return body.getString("kind");
    }
  }

  /** A receiver that records every request and answers with {@code status(n)} for the n-th (0-based); 0 = never answers. */
  private URI receiver(List<Received> bodies, java.util.function.IntUnaryOperator status) {
    AtomicInteger n = new AtomicInteger();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      int code = status.applyAsInt(n.getAndIncrement());
      if (code == 0) {
        hanging.add(req);
        return; // never answers
      }
      String text = b.toString();
      bodies.add(new Received(code, text.startsWith("[")
          ? new JsonObject().put("alerts", new io.vertx.core.json.JsonArray(text)) : new JsonObject(text)));
      req.response().setStatusCode(code).end();
    })).listen(0, "127.0.0.1").await();
    servers.add(server);
    return URI.create("http://127.0.0.1:" + server.actualPort() + "/hook");
  }

  private static ClusterEvent event(ClusterEvent.Kind kind, String node) {
    return new ClusterEvent("coordinator-r1", kind, ClusterEvent.Severity.CRITICAL, Optional.of("r1"), Optional.of(node),
        kind + " of " + node, System.currentTimeMillis());
  }

  private WebhookNotifier notifier(Notifications config) {
    return new WebhookNotifier(vertx, config, "it", metrics.registry(), Clock.systemUTC());
  }

  /** Runs {@code notify} on a Vert.x context, as the coordinator does. */
  private void send(WebhookNotifier notifier, ClusterEvent e) {
    context.runOnContext(v -> notifier.notify(e));
  }

  private double counter(String name, String webhook, String result) {
    var c = metrics.registry().find(name).tag("webhook", webhook).tag("result", result).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void oneDeliveryPerEventEvenWhenTheFirstAttemptGets500() {
    List<Received> bodies = new CopyOnWriteArrayList<>();
    URI url = receiver(bodies, n -> n == 0 ? 500 : 200);
    WebhookNotifier notifier = notifier(new Notifications(List.of(new Notifications.Webhook("flaky", url,
        Notifications.Format.JSON, Optional.empty())), Duration.ofMinutes(5), Duration.ofSeconds(2), 3,
        Duration.ofMillis(100)));
    ClusterEvent failover = event(ClusterEvent.Kind.FAILOVER_STARTED, "127.0.0.1:7000");
    send(notifier, failover);
    await().atMost(Duration.ofSeconds(10)).until(() -> bodies.stream().anyMatch(b -> b.status() == 200));
    send(notifier, failover); // the same event again, inside the dedup window
    // A later, different event marks the end: once it arrived, everything before it has too.
    send(notifier, event(ClusterEvent.Kind.FAILOVER_SUCCEEDED, "127.0.0.1:7000"));
    await().atMost(Duration.ofSeconds(10)).until(() -> bodies.stream()
        .anyMatch(b -> "failover_succeeded".equals(b.kind()) && b.status() == 200));

    List<Received> started = bodies.stream().filter(b -> "failover_started".equals(b.kind())).toList();
    assertThat(started).extracting(Received::status).as("refused once, then accepted once").containsExactly(500, 200);
    assertThat(started.get(1).body().getString("node")).isEqualTo("127.0.0.1:7000");
    await().atMost(Duration.ofSeconds(5)).until(() -> counter("meridian_notifications", "flaky", "sent") == 2);
    assertThat(counter("meridian_notifications", "flaky", "retried")).isEqualTo(1);
    assertThat(counter("meridian_notifications", "flaky", "failed")).isZero();
    assertThat(metrics.registry().find("meridian_notifications_deduplicated").counter().count()).isEqualTo(1);
  }

  @Test
  void aHangingOrFailingWebhookDoesNotHoldUpTheOthersNorTheEventLoop() {
    List<Received> good = new CopyOnWriteArrayList<>();
    List<Received> bad = new CopyOnWriteArrayList<>();
    URI goodUrl = receiver(good, n -> 200);
    URI hangingUrl = receiver(new CopyOnWriteArrayList<>(), n -> 0);
    URI failingUrl = receiver(bad, n -> 503);
    WebhookNotifier notifier = notifier(new Notifications(List.of(
        new Notifications.Webhook("hangs", hangingUrl, Notifications.Format.JSON, Optional.empty()),
        new Notifications.Webhook("fails", failingUrl, Notifications.Format.JSON, Optional.empty()),
        new Notifications.Webhook("good", goodUrl, Notifications.Format.ALERTMANAGER, Optional.empty())),
        Duration.ofMinutes(5), Duration.ofMillis(500), 2, Duration.ofMillis(50)));
    send(notifier, event(ClusterEvent.Kind.REGION_LOST, "127.0.0.1:7001"));

    await().atMost(Duration.ofSeconds(5)).until(() -> good.size() == 1);
    assertThat(hanging).as("the hanging webhook has the request and has not answered").isNotEmpty();
    JsonObject alert = good.get(0).body().getJsonArray("alerts").getJsonObject(0);
    assertThat(alert.getJsonObject("labels").getString("alertname")).isEqualTo("MeridianRegionLost");
    // The event loop that called notify() keeps running its timers meanwhile.
    AtomicInteger ticks = new AtomicInteger();
    vertx.setPeriodic(10, id -> ticks.incrementAndGet());
    await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() >= 5);
    // Each bad webhook: first attempt + 2 retries, then given up; the hanging one by its timeout.
    await().atMost(Duration.ofSeconds(15)).until(() -> counter("meridian_notifications", "hangs", "failed") == 1
        && counter("meridian_notifications", "fails", "failed") == 1);
    assertThat(bad).hasSize(3);
    assertThat(counter("meridian_notifications", "good", "sent")).isEqualTo(1);
    assertThat(counter("meridian_notifications", "hangs", "retried")).isEqualTo(2);
  }
}
