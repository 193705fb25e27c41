package io.meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Given the documents of a cluster mid-failover, the status table says who serves what, and why a node does not. */
class StatusViewTest {

  private static JsonObject node(String address, String region, String role, String primary, Long offset,
      String status, String... slots) {
    return new JsonObject().put("address", address).put("announced", address).put("region", region).put("role", role)
        .put("primary", primary).put("replicationOffset", offset).put("status", status)
        .put("healthy", status.equals("healthy")).put("reason", status.equals("healthy") ? "ok" : "connection refused")
        .put("slotCount", slots.length == 0 ? 0 : 5461).put("slots", new JsonArray(List.of((Object[]) slots)))
        .put("masterLastIoSeconds", "replica".equals(role) ? 1L : null).put("writesHeld", false)
        .put("noFailover", address.endsWith("7008")).put("priority", address.endsWith("7005") ? 50 : 100);
  }

  private static StatusCommand.StatusDocuments docs(JsonObject leader, JsonObject check) {
    JsonObject regions = new JsonObject()
        .put("region-1", new JsonObject().put("nodes", new JsonArray()
            .add(node("127.0.0.1:7000", "region-1", null, null, null, "unreachable"))
            .add(node("127.0.0.1:7001", "region-1", "replica", "127.0.0.1:7003", 900L, "healthy"))))
        .put("region-2", new JsonObject().put("nodes", new JsonArray()
            .add(node("127.0.0.1:7003", "region-2", "primary", null, 1000L, "healthy", "5462-10922"))
            .add(node("127.0.0.1:7004", "region-2", "primary", null, 500L, "healthy", "0-5461"))
            .add(node("127.0.0.1:7005", "region-2", "replica", "127.0.0.1:9999", 10L, "degraded"))))
        .put("region-3", new JsonObject().put("nodes", new JsonArray()
            .add(node("127.0.0.1:7008", "region-3", "replica", "127.0.0.1:7004", 500L, "healthy"))));
    JsonObject cluster = new JsonObject().put("cluster", "c").put("observedBy", "coordinator-region-2")
        .put("generatedAt", "2026-12-04T08:00:00Z").put("regions", regions)
        .put("summary", new JsonObject().put("nodes", 6).put("healthy", 4).put("degraded", 1).put("unreachable", 1)
            .put("stale", 0));
    return new StatusCommand.StatusDocuments("http://127.0.0.1:8081", cluster, leader, check, null);
  }

  @Test
  void shardsInSlotOrderPrimaryFirstThenItsReplicasThenTheNodesWithoutAShard() {
    String table = StatusView.render(docs(new JsonObject().put("leader", "coordinator-region-1").put("region", "region-1")
        .put("term", 7).put("since", "2026-12-04T07:00:00Z").put("paused", true).put("cpMembers", 2)
        .put("cpMembersConfigured", 3), null));
    List<String> rows = table.lines().filter(l -> l.matches("\\S+\\s+region-\\d.*")).toList();
    assertThat(rows).hasSize(6);
    assertThat(rows.get(0)).startsWith("0-5461").contains("127.0.0.1:7004  primary");
    assertThat(rows.get(1)).startsWith("0-5461").contains("127.0.0.1:7008  replica  127.0.0.1:7004  0 ")
        .contains("nofailover");
    assertThat(rows.get(2)).startsWith("5462-10922").contains("127.0.0.1:7003  primary");
    assertThat(rows.get(3)).startsWith("5462-10922").contains("127.0.0.1:7001").contains(" 100 ").contains("1s");
    // A replica of a primary nobody reports, and a node that does not answer: no shard, with the reason.
    assertThat(rows.subList(4, 6)).allMatch(r -> r.startsWith("- "));
    assertThat(rows.get(4)).contains("127.0.0.1:7000").contains("unreachable").endsWith("connection refused");
    assertThat(rows.get(5)).contains("127.0.0.1:7005").contains("priority=50").contains("degraded");
    assertThat(table).contains("Leader: coordinator-region-1 (region-1), term 7, since 2026-12-04T07:00:00Z; "
        + "maintenance mode ON (the leader does not act); CP members 2 of 3")
        .contains("6 nodes: 4 healthy, 1 degraded, 1 unreachable, 0 stale")
        .contains("Check: no spec configured on this coordinator");
  }

  @Test
  void theLeadersControlLoopSaysWhatItDidWhenTheLeaderIsKnownHere() {
    StatusCommand.StatusDocuments plain = docs(new JsonObject().put("leader", "coordinator-region-2")
        .put("region", "region-2").put("term", 9).put("since", "2026-12-05T01:00:00Z").put("paused", false)
        .put("cpMembers", 3).put("cpMembersConfigured", 3), null);
    assertThat(StatusView.render(plain)).doesNotContain("control loop");
    StatusCommand.StatusDocuments withLoop = new StatusCommand.StatusDocuments(plain.from(), plain.cluster(),
        plain.leader(), plain.check(), new JsonObject().put("summary", "1 decision(s) (promote 1)"));
    assertThat(StatusView.render(withLoop)).contains("Leader's control loop: 1 decision(s) (promote 1)\n");
  }

  @Test
  void noLeaderSaysWhyAndViolationsAreListed() {
    JsonObject check = new JsonObject().put("topology", "performance").put("specNodes", 9).put("violations",
        new JsonArray().add(new JsonObject().put("rule", "node-missing").put("subject", "127.0.0.1:7000")
            .put("message", "does not answer")));
    String table = StatusView.render(docs(new JsonObject().put("reason", "no announcement for 4100 ms")
        .put("cpMembers", 1).put("cpMembersConfigured", 3), check));
    assertThat(table).contains("Cluster c (performance topology), as coordinator-region-2 sees it")
        .contains("Leader: none (no announcement for 4100 ms); CP members 1 of 3")
        .contains("Check: 1 violation(s)").containsPattern("node-missing\\s+127.0.0.1:7000\\s+does not answer");
  }
}
