package io.meridian.cli.bench;

import java.util.Map;

/** Reads values out of a Prometheus text exposition, for the benchmarks' own use. */
final class PrometheusText {

  private PrometheusText() {
  }

  /**
   * The sum of every sample of {@code name} whose labels include {@code labels}; 0 when there is
   * none (or {@code text} is null: the endpoint did not answer).
   */
  static double sum(String text, String name, Map<String, String> labels) {
    if (text == null) {
      return 0;
    }
    double total = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String metric = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
      if (!metric.equals(name)) {
        continue;
      }
      String labelText = brace >= 0 ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
      boolean matches = labels.entrySet().stream()
          .allMatch(e -> labelText.contains(e.getKey() + "=\"" + e.getValue() + "\""));
      if (matches) {
        total += Double.parseDouble(line.substring(space + 1));
      }
    }
    return total;
  }
}
