package io.meridian.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads {@code redis-benchmark --csv} output: {@code "test","rps",…} then one line per test. */
final class BenchmarkCsv {

  private BenchmarkCsv() {
  }

  static Map<String, Double> requestsPerSecond(String csv) {
    Map<String, Double> rps = new LinkedHashMap<>();
    for (String line : csv.split("\r?\n")) {
      String[] cells = line.split(",");
      if (cells.length < 2 || cells[0].equals("\"test\"")) {
        continue;
      }
      String test = cells[0].replace("\"", "");
      try {
        rps.put(test, Double.parseDouble(cells[1].replace("\"", "")));
      } catch (NumberFormatException notAResultLine) {
        // progress or warning text in the output
      }
    }
    if (rps.isEmpty()) {
      throw new IllegalStateException("no results in redis-benchmark's output: " + csv.strip());
    }
    return rps;
  }
}
