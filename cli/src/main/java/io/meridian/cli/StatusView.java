package io.meridian.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The table of {@code meridian status}: one row per node, grouped by shard (primary first, then its
 * replicas), with the leader and the spec check around it. Pure: documents in, text out.
 */
final class StatusView {

  private static final String[] HEADER = {"SHARD", "REGION", "NODE", "ROLE", "FOLLOWS", "LAG BYTES", "LAST IO",
      "HEALTH", "WRITES", "TAGS", "DETAIL"};
  private static final int DEFAULT_PRIORITY = 100;

  private StatusView() {
  }

  static String render(StatusCommand.StatusDocuments docs) {
    StringBuilder out = new StringBuilder();
    JsonObject cluster = docs.cluster();
    out.append(String.format("Cluster %s%s, as %s sees it at %s (%s)%n", cluster.getString("cluster"),
        docs.check() == null ? "" : " (" + docs.check().getString("topology") + " topology)",
        cluster.getString("observedBy"), cluster.getString("generatedAt"), docs.from()));
    out.append(leaderLine(docs.leader())).append('\n');
    if (docs.leaderLoop() != null) {
      out.append("Leader's control loop: ").append(docs.leaderLoop().getString("summary")).append('\n');
    }
    List<String[]> rows = rows(cluster);
    out.append(table(rows));
    JsonObject summary = cluster.getJsonObject("summary", new JsonObject());
    out.append(String.format("%d nodes: %d healthy, %d degraded, %d unreachable, %d stale%n",
        summary.getLong("nodes", 0L), summary.getLong("healthy", 0L), summary.getLong("degraded", 0L),
        summary.getLong("unreachable", 0L), summary.getLong("stale", 0L)));
    out.append(checkLines(docs.check()));
    return out.toString();
  }

  static String leaderLine(JsonObject leader) {
    String cp = leader.getValue("cpMembersConfigured") == null ? "leadership off"
        : "CP members " + leader.getValue("cpMembers", "?") + " of " + leader.getValue("cpMembersConfigured");
    if (leader.getString("leader") == null) {
      return "Leader: none (" + leader.getString("reason", "no announcement") + "); " + cp;
    }
    return String.format("Leader: %s (%s), term %s, since %s; maintenance mode %s; %s", leader.getString("leader"),
        leader.getString("region"), leader.getValue("term"), leader.getString("since"),
        Boolean.TRUE.equals(leader.getBoolean("paused")) ? "ON (the leader does not act)" : "off", cp);
  }

  private static String checkLines(JsonObject check) {
    if (check == null) {
      return "Check: no spec configured on this coordinator\n";
    }
    JsonArray violations = check.getJsonArray("violations", new JsonArray());
    if (violations.isEmpty()) {
      return "Check: clean (" + check.getValue("specNodes") + " nodes in the spec)\n";
    }
    StringBuilder out = new StringBuilder("Check: " + violations.size() + " violation(s)\n");
    violations.forEach(o -> {
      JsonObject v = (JsonObject) o;
      out.append(String.format("  %-28s %-22s %s%n", v.getString("rule"), v.getString("subject"), v.getString("message")));
    });
    return out.toString();
  }

  /** Rows by shard: a primary's slots name its shard; replicas follow their primary's row. */
  static List<String[]> rows(JsonObject cluster) {
    List<JsonObject> nodes = new ArrayList<>();
    JsonObject regions = cluster.getJsonObject("regions", new JsonObject());
    regions.fieldNames().forEach(r -> regions.getJsonObject(r).getJsonArray("nodes", new JsonArray())
        .forEach(n -> nodes.add((JsonObject) n)));
    Map<String, JsonObject> primaries = new LinkedHashMap<>();
    nodes.stream().filter(n -> "primary".equals(n.getString("role")) && n.getLong("slotCount", 0L) > 0)
        .sorted(Comparator.comparing(StatusView::firstSlot))
        .forEach(p -> primaries.put(shard(p), p));
    List<String[]> rows = new ArrayList<>();
    List<JsonObject> placed = new ArrayList<>();
    for (Map.Entry<String, JsonObject> e : primaries.entrySet()) {
      JsonObject p = e.getValue();
      rows.add(row(e.getKey(), p, null));
      placed.add(p);
      nodes.stream().filter(n -> "replica".equals(n.getString("role")) && follows(n, p))
          .sorted(Comparator.comparing(n -> n.getString("address")))
          .forEach(r -> {
            rows.add(row(e.getKey(), r, p));
            placed.add(r);
          });
    }
    // Without a shard: unreachable or stale nodes, empty primaries, replicas of an unknown primary.
    nodes.stream().filter(n -> !placed.contains(n)).sorted(Comparator.comparing(n -> n.getString("address")))
        .forEach(n -> rows.add(row("-", n, null)));
    return rows;
  }

  private static String[] row(String shard, JsonObject n, JsonObject primary) {
    boolean replica = primary != null;
    String lagBytes = "";
    if (replica && primary.getValue("replicationOffset") != null && n.getValue("replicationOffset") != null) {
      lagBytes = String.valueOf(Math.max(0, primary.getLong("replicationOffset") - n.getLong("replicationOffset")));
    }
    String lagSeconds = replica && n.getValue("masterLastIoSeconds") != null
        ? n.getLong("masterLastIoSeconds") + "s" : "";
    List<String> tags = new ArrayList<>();
    if (Boolean.TRUE.equals(n.getBoolean("noFailover"))) {
      tags.add("nofailover");
    }
    if (n.getValue("priority") != null && n.getInteger("priority") != DEFAULT_PRIORITY) {
      tags.add("priority=" + n.getInteger("priority"));
    }
    String role = n.getString("role") == null ? "?" : n.getString("role");
    String follows = "replica".equals(role) ? Objects.toString(n.getString("primary"), "?") : "";
    return new String[] {shard, n.getString("region"), n.getString("address"), role, follows, lagBytes, lagSeconds,
        n.getString("status"), Boolean.TRUE.equals(n.getBoolean("writesHeld")) ? "held" : "",
        String.join(",", tags), Boolean.TRUE.equals(n.getBoolean("healthy")) ? "" : n.getString("reason", "")};
  }

  private static boolean follows(JsonObject replica, JsonObject primary) {
    String target = replica.getString("primary");
    return target != null && (target.equals(primary.getString("address")) || target.equals(primary.getString("announced")));
  }

  private static String shard(JsonObject primary) {
    JsonArray slots = primary.getJsonArray("slots", new JsonArray());
    return slots.isEmpty() ? "-" : String.join(",", slots.stream().map(String::valueOf).toList());
  }

  private static int firstSlot(JsonObject primary) {
    String s = shard(primary);
    try {
      return Integer.parseInt(s.split("[-,]")[0]);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  private static String table(List<String[]> rows) {
    int[] widths = new int[HEADER.length];
    List<String[]> all = new ArrayList<>();
    all.add(HEADER);
    all.addAll(rows);
    for (String[] r : all) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i] == null ? 1 : r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] r : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        String cell = r[i] == null ? "-" : r[i];
        line.append(i == r.length - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
