package io.meridian.cli.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Renders a coordinator's {@code /api/v1/cluster} document as a table for people. */
final class StatusTable {

  private StatusTable() {
  }

  static String render(JsonObject cluster) {
    StringBuilder out = new StringBuilder();
    String format = "%-10s %-16s %-8s %6s  %-10s %s%n";
    out.append(String.format(format, "REGION", "NODE", "ROLE", "SLOTS", "HEALTH", "DETAIL"));
    JsonObject regions = cluster.getJsonObject("regions");
    for (String region : regions.fieldNames()) {
      JsonArray nodes = regions.getJsonObject(region).getJsonArray("nodes");
      for (int i = 0; i < nodes.size(); i++) {
        JsonObject n = nodes.getJsonObject(i);
        String role = n.getString("role", "?");
        String detail = "replica".equals(role) ? "follows " + n.getString("primary", "?")
            : n.getBoolean("healthy", false) ? "" : n.getString("reason", "");
        out.append(String.format(format, region, n.getString("address"), role,
            n.getValue("slotCount") == null ? "-" : String.valueOf(n.getLong("slotCount")),
            n.getString("status"), detail));
      }
    }
    return out.toString();
  }
}
