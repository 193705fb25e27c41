package io.meridian.monitoring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The metrics registry of one Meridian process (agent or coordinator), exposed in Prometheus
 * text format on {@code /metrics}. Every series carries {@code role}, {@code cluster} and the
 * process's own labels (e.g. {@code region}); JVM and process series are bound at creation.
 */
public final class MeridianMetrics implements AutoCloseable {

  /** Content type of {@link #scrape()}: the Prometheus text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;
  private final Map<String, String> commonLabels;
  private final Map<String, InfoFamily> infoFamilies = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private MeridianMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gcMetrics, Map<String, String> commonLabels) {
    this.registry = registry;
    this.gcMetrics = gcMetrics;
    this.commonLabels = Map.copyOf(commonLabels);
  }

  /**
   * @param role        {@code agent} or {@code coordinator}
   * @param commonTags  labels on every series, e.g. {@code cluster}, {@code region}
   */
  public static MeridianMetrics create(String role, Map<String, String> commonTags) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<Tag> tags = new ArrayList<>();
    Map<String, String> labels = new TreeMap<>(commonTags);
    labels.put("role", role);
    labels.forEach((k, v) -> tags.add(Tag.of(k, v)));
    registry.config().commonTags(tags);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    MeridianMetrics metrics = new MeridianMetrics(registry, gc, labels);
    // As redis_exporter's redis_exporter_build_info: which version runs where, for upgrades and dashboards.
    metrics.info("meridian_build", "Always 1; the labels say which Meridian version and Java runtime this process runs")
        .put("build", Map.of("version", MeridianVersion.current(), "java_version", System.getProperty("java.version")));
    return metrics;
  }

  /**
   * The info family {@code <baseName>_info}, made on first use.
   *
   * @param baseName the series name without its {@code _info} suffix
   */
  InfoFamily info(String baseName, String help) {
    return infoFamilies.computeIfAbsent(baseName, name -> {
      InfoFamily family = new InfoFamily(name, help, commonLabels);
      registry.getPrometheusRegistry().register(family);
      return family;
    });
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The current values in Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      gcMetrics.close();
      registry.close();
    }
  }
}
