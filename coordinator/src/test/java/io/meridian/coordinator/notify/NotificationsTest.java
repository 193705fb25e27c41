package io.meridian.coordinator.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.messages.ClusterEvent;
import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NotificationsTest {

  private static final String BASE = "cluster: prod\nregion: r1\nregions: [r1, r2, r3]\n";

  private static Notifications parse(String yaml, Map<String, String> env) throws ConfigException {
    return CoordinatorConfig.read(ConfigFiles.parse("coordinator.yaml", BASE + yaml), java.nio.file.Path.of("."), io.meridian.runtime.testing.TestKeys.withCoordinatorKeys(env))
        .notifications();
  }

  @Test
  void offByDefault() throws ConfigException {
    Notifications n = parse("", Map.of());
    assertThat(n.enabled()).isFalse();
    assertThat(n.dedupWindow()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void everyFieldCanBeSet() throws ConfigException {
    Notifications n = parse("""
        notifications:
          dedupWindow: 10m
          timeout: 2s
          retries: 5
          retryBackoff: 500ms
          webhooks:
            - {name: am, url: "http://am:9093/api/v2/alerts", format: alertmanager}
            - {name: chat, url: "https://chat.example/hook", tokenEnv: HOOK_TOKEN}
        """, Map.of("HOOK_TOKEN", "s3cret"));
    assertThat(n.dedupWindow()).isEqualTo(Duration.ofMinutes(10));
    assertThat(n.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(n.retries()).isEqualTo(5);
    assertThat(n.retryBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(n.webhooks()).extracting(Notifications.Webhook::name).containsExactly("am", "chat");
    assertThat(n.webhooks().get(0).format()).isEqualTo(Notifications.Format.ALERTMANAGER);
    assertThat(n.webhooks().get(1).format()).isEqualTo(Notifications.Format.JSON);
    assertThat(n.webhooks().get(1).token().orElseThrow().reveal()).isEqualTo("s3cret");
  }

  @Test
  void badInputNamesTheFileAndField() {
    assertThatThrownBy(() -> parse("notifications: {webhooks: [{name: a, url: 'ftp://x/y'}]}\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("coordinator.yaml").hasMessageContaining("notifications.webhooks[0].url")
        .hasMessageContaining("http:// or https://");
    assertThatThrownBy(() -> parse("notifications: {webhooks: [{name: a, url: 'http://x', format: xml}]}\n", Map.of()))
        .hasMessageContaining("notifications.webhooks[0].format").hasMessageContaining("alertmanager or json");
    assertThatThrownBy(() -> parse("notifications: {webhooks: [{name: a, url: 'http://x', tokenEnv: NOPE}]}\n",
        Map.of())).hasMessageContaining("notifications.webhooks[0].tokenEnv").hasMessageContaining("NOPE is not set");
    assertThatThrownBy(() -> parse("notifications: {webhooks: [{name: a, url: 'http://x'}, {name: a, url: 'http://y'}]}\n",
        Map.of())).hasMessageContaining("notifications.webhooks[1].name");
    assertThatThrownBy(() -> parse("notifications: {dedup: 5m}\n", Map.of()))
        .hasMessageContaining("notifications.dedup").hasMessageContaining("unknown field");
    assertThatThrownBy(() -> parse("notifications: {webhooks: [{name: a, url: 'http://x', urll: 'http://y'}]}\n",
        Map.of())).hasMessageContaining("notifications.webhooks[0].urll").hasMessageContaining("unknown field");
  }

  @Test
  void aBadUrlIsNotEchoedBecauseItMayHoldAToken() {
    assertThatThrownBy(() -> parse("notifications: {webhooks: [{name: a, url: 'http://h/x?token=abc def'}]}\n",
        Map.of())).hasMessageNotContaining("abc");
  }

  static ClusterEvent event(ClusterEvent.Kind kind, String node, long at) {
    return new ClusterEvent("coordinator-r1", kind, ClusterEvent.Severity.CRITICAL, Optional.of("r2"),
        Optional.of(node), "failover of shard 0-5460 started", at);
  }

  @Test
  void dedupLetsTheSameEventThroughOncePerWindow() {
    Dedup dedup = new Dedup(Duration.ofMinutes(5));
    Instant t0 = Instant.parse("2026-11-25T12:00:00Z");
    ClusterEvent started = event(ClusterEvent.Kind.FAILOVER_STARTED, "10.0.0.1:6379", 1);
    assertThat(dedup.admit(started, t0)).isTrue();
    assertThat(dedup.admit(started, t0.plusSeconds(299))).as("same event within the window").isFalse();
    assertThat(dedup.admit(event(ClusterEvent.Kind.FAILOVER_SUCCEEDED, "10.0.0.1:6379", 2), t0.plusSeconds(1)))
        .as("another kind").isTrue();
    assertThat(dedup.admit(event(ClusterEvent.Kind.FAILOVER_STARTED, "10.0.0.2:6379", 3), t0.plusSeconds(1)))
        .as("another node").isTrue();
    assertThat(dedup.admit(started, t0.plusSeconds(300))).as("window over").isTrue();
  }

  @Test
  void payloads() {
    ClusterEvent e = event(ClusterEvent.Kind.FAILOVER_STARTED, "10.0.0.1:6379", 1_795_000_000_000L);
    JsonObject json = new JsonObject(Payloads.render(Notifications.Format.JSON, e, "prod"));
    assertThat(json.getString("kind")).isEqualTo("failover_started");
    assertThat(json.getString("cluster")).isEqualTo("prod");
    assertThat(json.getString("node")).isEqualTo("10.0.0.1:6379");
    assertThat(json.getString("at")).isEqualTo("2026-11-18T11:06:40Z");
    JsonArray alerts = new JsonArray(Payloads.render(Notifications.Format.ALERTMANAGER, e, "prod"));
    JsonObject alert = alerts.getJsonObject(0);
    assertThat(alert.getJsonObject("labels").getString("alertname")).isEqualTo("MeridianFailoverStarted");
    assertThat(alert.getJsonObject("labels").getString("severity")).isEqualTo("critical");
    assertThat(alert.getJsonObject("annotations").getString("summary")).isEqualTo("failover of shard 0-5460 started");
    assertThat(alert.getString("startsAt")).isEqualTo("2026-11-18T11:06:40Z");
    assertThat(alert.getString("endsAt")).isEqualTo("2026-11-18T11:11:40Z");
  }
}
