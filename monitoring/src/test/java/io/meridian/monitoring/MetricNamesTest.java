package io.meridian.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The rule files and the dashboard query only series Meridian exports (the list that the agent's
 * and coordinator's ITs check against real scrapes), and every alert and panel query is there.
 */
class MetricNamesTest {

  static final Path LIST = Path.of("metric-names.txt");
  static final Path RULES = Path.of("prometheus", "meridian-rules.yml");
  static final Path DASHBOARD = Path.of("grafana", "meridian-dashboard.json");
  static final Path REFERENCE = Path.of("..", "docs", "reference", "metrics.md");
  /** Backticked words of the reference that look like series names and are not: a prefix, a reason, the exporter's own. */
  private static final Set<String> NOT_SERIES = Set.of("redis_", "meridian_", "redis_error", "redis_exporter_build_info");

  static Set<String> listed() throws Exception {
    return MetricNames.read(LIST).stream().map(MetricNames.Entry::name).collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void everyNameTheAlertRulesQueryIsExported() throws Exception {
    Set<String> known = listed();
    JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
    List<String> exprs = new ArrayList<>();
    rules.get("groups").forEach(g -> g.get("rules").forEach(r -> exprs.add(r.get("expr").asText())));
    assertThat(exprs).hasSizeGreaterThanOrEqualTo(18);
    Set<String> used = new TreeSet<>();
    exprs.forEach(e -> used.addAll(MetricNames.inExpression(e, known)));
    assertThat(known).containsAll(used);
    assertThat(used).contains("redis_up", "meridian_leader", "meridian_cp_quorum", "meridian_agent_write_fence");
  }

  @Test
  void everyNameTheDashboardQueriesIsExportedAndItIsValidJson() throws Exception {
    Set<String> known = listed();
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    assertThat(dashboard.get("uid").asText()).isEqualTo("meridian-overview");
    List<String> exprs = new ArrayList<>();
    dashboard.get("panels").forEach(p -> p.get("targets").forEach(t -> exprs.add(t.get("expr").asText())));
    dashboard.get("templating").get("list").forEach(v -> exprs.add(v.path("query").asText()));
    Set<String> used = new TreeSet<>();
    exprs.forEach(e -> used.addAll(MetricNames.inExpression(e, known)));
    assertThat(known).containsAll(used);
    assertThat(used).contains("redis_instance_info", "redis_connected_slave_lag_seconds", "meridian_failovers_total",
        "meridian_term", "meridian_placement_violations", "meridian_shard_primary_up");
  }

  /** The reference page stays true to the list: every exported name documented, every documented name exported. */
  @Test
  void theMetricsReferenceDocumentsExactlyTheExportedNames() throws Exception {
    String page = java.nio.file.Files.readString(REFERENCE);
    Set<String> documented = new TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("`((?:redis|meridian)_[a-z0-9_]*)").matcher(page);
    while (m.find()) {
      documented.add(m.group(1));
    }
    documented.removeAll(NOT_SERIES);
    Set<String> known = listed();
    assertThat(new TreeSet<>(known)).as("exported but not in docs/reference/metrics.md").isSubsetOf(documented);
    assertThat(documented).as("in docs/reference/metrics.md but not exported (monitoring/metric-names.txt)")
        .isSubsetOf(known);
  }

  @Test
  void histogramSuffixesCountAsTheirBaseName() {
    assertThat(MetricNames.inExpression("rate(meridian_failover_duration_seconds_bucket[5m]) + redis_up",
        Set.of("meridian_failover_duration_seconds", "redis_up")))
        .containsExactly("meridian_failover_duration_seconds", "redis_up");
  }
}
