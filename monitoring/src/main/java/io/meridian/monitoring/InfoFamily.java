package io.meridian.monitoring;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An info series family ({@code redis_instance_info{role=…} 1}). Micrometer's Prometheus registry
 * strips a gauge's {@code _info} suffix (it is reserved for the info type), so the names that
 * redis_exporter users query would not exist; this collector hands the registry real info
 * snapshots instead, with the process's common labels added (a series' own label wins, as for
 * Micrometer meters). One per name per process; thread-safe.
 */
final class InfoFamily implements Collector {

  private final String baseName;
  private final String help;
  private final Map<String, String> commonLabels;
  private final Map<String, Map<String, String>> series = new ConcurrentHashMap<>();

  /** @param baseName the name without {@code _info} */
  InfoFamily(String baseName, String help, Map<String, String> commonLabels) {
    this.baseName = baseName;
    this.help = help;
    this.commonLabels = Map.copyOf(commonLabels);
  }

  void put(String key, Map<String, String> labels) {
    Map<String, String> all = new TreeMap<>(commonLabels);
    all.putAll(labels);
    series.put(key, all);
  }

  void remove(String key) {
    series.remove(key);
  }

  @Override
  public MetricSnapshot collect() {
    List<InfoSnapshot.InfoDataPointSnapshot> points = new ArrayList<>();
    for (Map<String, String> labels : series.values()) {
      points.add(new InfoSnapshot.InfoDataPointSnapshot(
          Labels.of(new ArrayList<>(labels.keySet()), new ArrayList<>(labels.values()))));
    }
    return new InfoSnapshot(new MetricMetadata(baseName, help == null ? "" : help), points);
  }

  @Override
  public String getPrometheusName() {
    return baseName;
  }
}
