package io.meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookReceiverCommandTest {

  @Test
  void anAlertmanagerPayloadIsOneLinePerAlertWithNameSeverityLabelsAndSummary() {
    String body = """
        {"status":"firing","alerts":[
          {"status":"firing","labels":{"alertname":"RedisNodeDown","severity":"critical","node":"127.0.0.1:7011"},
           "annotations":{"summary":"Redis node 127.0.0.1:7011 is down"}},
          {"status":"resolved","labels":{"alertname":"MeridianNoLeader","severity":"critical"},"annotations":{}}]}
        """;
    assertThat(WebhookReceiverCommand.describe("/alerts", body)).containsExactly(
        "webhook: firing RedisNodeDown severity=critical {node=127.0.0.1:7011}: Redis node 127.0.0.1:7011 is down",
        "webhook: resolved MeridianNoLeader severity=critical {}: ");
  }

  @Test
  void otherBodiesArePrintedOnOneLine() {
    assertThat(WebhookReceiverCommand.describe("/x", "{\"kind\": \"fence_on\"}"))
        .containsExactly("webhook: POST /x {\"kind\":\"fence_on\"}");
    assertThat(WebhookReceiverCommand.describe("/x", "not\njson")).containsExactly(
        "webhook: POST /x (not JSON, 8 chars) not json");
  }
}
