package io.meridian.monitoring;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A family of gauges whose set of series changes over time (a node's role, the shards of the
 * cluster): {@link #replace} makes the registry hold exactly the given samples, adding new series
 * and removing those that are gone, so that a series never lingers with a frozen last value
 * (redis_exporter likewise stops exporting a node's data series once the node stops answering).
 * Names ending in {@code _info} become info series (value 1), names ending in {@code _total}
 * counters (a cumulative value read elsewhere, such as Redis's {@code total_commands_processed}:
 * Prometheus reserves the suffix for counters, and {@code rate()} treats a drop as a reset).
 * Thread-safe; values are read at scrape time from this set.
 */
public final class GaugeSet {

  private static final String INFO = "_info";
  private static final String TOTAL = "_total";

  private final MeridianMetrics metrics;
  private final MeterRegistry registry;
  private final Map<String, String> descriptions;
  private final Map<String, Entry> live = new ConcurrentHashMap<>();

  /** The value is read by the scrape thread: kept as the bits of a double in an AtomicLong. */
  private record Entry(Meter meter, AtomicLong bits, InfoFamily info) {
  }

  /** @param descriptions help text per series name (a name without one gets none) */
  public GaugeSet(MeridianMetrics metrics, Map<String, String> descriptions) {
    this.metrics = metrics;
    this.registry = metrics.registry();
    this.descriptions = Map.copyOf(descriptions);
  }

  /** The series this set owns become exactly {@code samples}. */
  public synchronized void replace(List<Sample> samples) {
    Set<String> keep = new HashSet<>();
    for (Sample s : samples) {
      String key = s.key();
      keep.add(key);
      Entry e = live.get(key);
      if (e == null && s.name().endsWith(INFO)) {
        // An info series: its value is always 1, its labels are the information.
        String base = s.name().substring(0, s.name().length() - INFO.length());
        InfoFamily family = metrics.info(base, descriptions.get(s.name()));
        family.put(key, s.labels());
        live.put(key, new Entry(null, null, family));
      } else if (e == null) {
        AtomicLong holder = new AtomicLong(Double.doubleToLongBits(s.value()));
        Tags tags = Tags.empty();
        for (Map.Entry<String, String> l : s.labels().entrySet()) {
          tags = tags.and(l.getKey(), l.getValue());
        }
        Meter meter = s.name().endsWith(TOTAL)
            // The registry names a counter <base>_total itself.
            ? FunctionCounter.builder(s.name().substring(0, s.name().length() - TOTAL.length()), holder,
                h -> Double.longBitsToDouble(h.get())).description(descriptions.get(s.name())).tags(tags)
                .register(registry)
            : Gauge.builder(s.name(), holder, h -> Double.longBitsToDouble(h.get()))
                .description(descriptions.get(s.name()))
                .tags(tags)
                .register(registry);
        live.put(key, new Entry(meter, holder, null));
      } else if (e.info() == null) {
        e.bits().set(Double.doubleToLongBits(s.value()));
      }
    }
    for (String key : new ArrayList<>(live.keySet())) {
      if (!keep.contains(key)) {
        Entry gone = live.remove(key);
        if (gone.info() != null) {
          gone.info().remove(key);
        } else {
          registry.remove(gone.meter());
        }
      }
    }
  }

  /** Removes every series of this set. */
  public synchronized void clear() {
    replace(List.of());
  }

  /** Names of the series held now (for tests). */
  public synchronized Set<String> keys() {
    return new HashSet<>(new HashMap<>(live).keySet());
  }
}
