package io.meridian.monitoring;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One value of one gauge series: its Prometheus name, its own labels (the process's common labels
 * are added by the registry) and the value. Pure data, so that what a process exports can be
 * computed and unit-tested without a registry.
 */
public record Sample(String name, Map<String, String> labels, double value) {

  public Sample {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
  }

  public static Sample of(String name, double value, String... labelPairs) {
    if (labelPairs.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name, value pairs: " + String.join(",", labelPairs));
    }
    Map<String, String> labels = new TreeMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) {
      labels.put(labelPairs[i], labelPairs[i + 1]);
    }
    return new Sample(name, labels, value);
  }

  public static Sample flag(String name, boolean on, String... labelPairs) {
    return of(name, on ? 1 : 0, labelPairs);
  }

  /** The series identity: name and labels, without the value. */
  public String key() {
    return name + new TreeMap<>(labels);
  }
}
