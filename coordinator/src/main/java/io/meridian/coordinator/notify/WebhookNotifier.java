package io.meridian.coordinator.notify;

import io.meridian.messages.ClusterEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes cluster events to the configured webhooks. {@link #notify} never waits: each delivery
 * runs on its own, bounded by the attempt timeout, retried with doubling backoff, and a webhook
 * with too many deliveries pending loses new ones (counted as {@code dropped}) instead of growing
 * memory. So a webhook that hangs or fails costs the control loop nothing. Call {@link #notify}
 * on one context (the coordinator's); {@link Dedup} is not thread-safe.
 */
public final class WebhookNotifier {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
  /** Deliveries (with their retries) pending per webhook before new events are dropped for it. */
  static final int MAX_PENDING = 100;

  private final Vertx vertx;
  private final Notifications config;
  private final String cluster;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Dedup dedup;
  private final HttpClientAgent client;
  private final Map<String, Integer> pending = new HashMap<>();
  private final Counter deduplicated;
  private final AtomicBoolean closed = new AtomicBoolean();

  public WebhookNotifier(Vertx vertx, Notifications config, String cluster, MeterRegistry registry, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.cluster = cluster;
    this.registry = registry;
    this.clock = clock;
    this.dedup = new Dedup(config.dedupWindow());
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) config.timeout().toMillis())
        .setIdleTimeout((int) config.timeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    this.deduplicated = Counter.builder("meridian_notifications_deduplicated")
        .description("Cluster events not sent again because the same event was sent within the dedup window")
        .register(registry);
    for (Notifications.Webhook hook : config.webhooks()) {
      for (String result : new String[] {"sent", "retried", "failed", "dropped"}) {
        counter(hook, result);
      }
    }
  }

  private Counter counter(Notifications.Webhook hook, String result) {
    return Counter.builder("meridian_notifications")
        .description("Cluster event deliveries by webhook: sent, retried (an attempt failed), failed (gave up), dropped (too many pending)")
        .tag("webhook", hook.name()).tag("result", result).register(registry);
  }

  /** Sends the event to every webhook unless it is a duplicate; returns at once. */
  public void notify(ClusterEvent event) {
    if (closed.get() || !config.enabled()) {
      return;
    }
    if (!dedup.admit(event, clock.instant())) {
      deduplicated.increment();
      return;
    }
    for (Notifications.Webhook hook : config.webhooks()) {
      int now = pending.merge(hook.name(), 1, Integer::sum);
      if (now > MAX_PENDING) {
        pending.merge(hook.name(), -1, Integer::sum);
        counter(hook, "dropped").increment();
        continue;
      }
      deliver(hook, Buffer.buffer(Payloads.render(hook.format(), event, cluster)), event, 0)
          .onComplete(ar -> pending.merge(hook.name(), -1, Integer::sum));
    }
  }

  /** One attempt, then (on failure) the next after the backoff; completes when delivered or given up. */
  private Future<Void> deliver(Notifications.Webhook hook, Buffer body, ClusterEvent event, int attempt) {
    return attempt(hook, body).recover(err -> {
      if (closed.get() || attempt >= config.retries()) {
        counter(hook, "failed").increment();
        LOG.atWarn().addKeyValue("webhook", hook.name()).addKeyValue("event", event.kind())
            .log("gave up notifying webhook {} of {} after {} attempt(s): {}", hook.name(), event.kind(), attempt + 1,
                err.getMessage());
        return Future.succeededFuture();
      }
      counter(hook, "retried").increment();
      long delay = config.retryBackoff().toMillis() << Math.min(attempt, 10);
      return Future.<Void>future(p -> vertx.setTimer(delay, id -> p.complete()))
          .compose(v -> deliver(hook, body, event, attempt + 1));
    });
  }

  private Future<Void> attempt(Notifications.Webhook hook, Buffer body) {
    long timeout = config.timeout().toMillis();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(hook.url().toString())
        .setConnectTimeout(timeout).setIdleTimeout(timeout)
        .putHeader("content-type", "application/json");
    hook.token().ifPresent(t -> options.putHeader("authorization", "Bearer " + t.reveal()));
    return client.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().compose(ignored -> resp.statusCode() / 100 == 2
            ? Future.<Void>succeededFuture()
            : Future.<Void>failedFuture("answered HTTP " + resp.statusCode())))
        // The whole attempt, whatever hangs (a server that accepts and never answers).
        .timeout(timeout, TimeUnit.MILLISECONDS)
        .onSuccess(v -> counter(hook, "sent").increment());
  }

  public Future<Void> close() {
    if (!closed.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return client.close();
  }
}
