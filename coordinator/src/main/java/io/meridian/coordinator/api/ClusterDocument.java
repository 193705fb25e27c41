package io.meridian.coordinator.api;

import io.meridian.runtime.spec.NodeSpec;
import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.NodeView;
import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.RedisState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The body of {@code GET /api/v1/cluster}: regions → nodes, as this coordinator sees them. */
public final class ClusterDocument {

  private ClusterDocument() {
  }

  /**
   * @param tags the spec's failover tags of a node ({@code nofailover}, {@code priority}), empty
   *             for a node the spec does not list or without a spec
   */
  public static JsonObject render(ClusterView view, String cluster, String observedBy, List<String> regions,
      Duration staleAfter, Instant now, java.util.function.Function<String, Optional<NodeSpec>> tags) {
    List<String> allRegions = new ArrayList<>(regions);
    view.nodes().values().stream().map(NodeView::region).distinct().sorted()
        .filter(r -> !allRegions.contains(r)).forEach(allRegions::add);
    JsonObject regionsJson = new JsonObject();
    for (String region : allRegions) {
      JsonArray nodes = new JsonArray();
      view.region(region).forEach(n -> {
        JsonObject json = node(n, now, staleAfter);
        Optional<NodeSpec> spec = tags.apply(n.address());
        nodes.add(json.put("noFailover", spec.map(NodeSpec::noFailover).orElse(null))
            .put("priority", spec.map(NodeSpec::priority).orElse(null)));
      });
      regionsJson.put(region, new JsonObject().put("configured", regions.contains(region)).put("nodes", nodes));
    }
    JsonObject summary = new JsonObject().put("nodes", view.nodes().size());
    for (Map.Entry<NodeStatus, Long> e : view.countByStatus(now, staleAfter).entrySet()) {
      summary.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
    }
    return new JsonObject()
        .put("cluster", cluster)
        .put("observedBy", observedBy)
        .put("generatedAt", now.toString())
        .put("staleAfterMs", staleAfter.toMillis())
        .put("summary", summary)
        .put("regions", regionsJson);
  }

  static JsonObject node(NodeView n, Instant now, Duration staleAfter) {
    NodeHealthReport r = n.report();
    NodeStatus status = n.status(now, staleAfter);
    JsonObject json = new JsonObject()
        .put("address", r.node())
        .put("region", r.region())
        .put("agent", r.sender())
        .put("agentVersion", r.agentVersion())
        .put("healthy", status == NodeStatus.HEALTHY)
        .put("status", status.name().toLowerCase(Locale.ROOT))
        .put("reason", n.reason(now, staleAfter))
        .put("lastReportAgeMs", n.age(now).toMillis())
        .put("probeLatencyMicros", r.latencyMicros())
        .put("writesHeld", r.writesHeld());
    r.failure().ifPresent(f -> json.put("failure", f.kind().name().toLowerCase(Locale.ROOT)));
    if (r.state().isPresent()) {
      RedisState s = r.state().get();
      json.put("clusterNodeId", s.clusterNodeId().orElse(null))
          .put("announced", s.announced().orElse(r.node()))
          .put("role", s.role().name().toLowerCase(Locale.ROOT))
          .put("primary", s.primary().orElse(null))
          .put("masterLinkUp", s.masterLinkUp().orElse(null))
          .put("masterLastIoSeconds", s.masterLastIoSeconds().orElse(null))
          .put("slotCount", s.slotCount())
          .put("slots", new JsonArray(s.slots()))
          .put("replicationOffset", s.replOffset())
          .put("clusterState", s.clusterState().orElse(null))
          .put("usedMemoryBytes", s.usedMemoryBytes())
          .put("connectedClients", s.connectedClients());
    } else {
      json.put("clusterNodeId", null).put("role", null).put("primary", null).put("slotCount", null)
          .put("replicationOffset", null);
    }
    return json;
  }
}
