package io.meridian.monitoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checked-in list of series names ({@code monitoring/metric-names.txt}), and the names found
 * in a scrape or in a PromQL expression: so that rules, dashboard and code cannot drift apart.
 */
public final class MetricNames {

  /** @param condition when the series exists only in some setups ({@code when:…}), else empty */
  public record Entry(String name, Set<String> processes, Optional<String> condition) {
  }

  private static final Pattern IDENTIFIER = Pattern.compile("\\b((?:redis|meridian)_[A-Za-z0-9_]+)");
  private static final List<String> SUFFIXES = List.of("_bucket", "_count", "_sum", "_max");

  private MetricNames() {
  }

  public static List<Entry> read(Path file) throws IOException {
    List<Entry> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      String[] parts = t.split("\\s+");
      out.add(new Entry(parts[0], Set.of(parts[1].split(",")),
          parts.length > 2 ? Optional.of(parts[2].replaceFirst("^when:", "")) : Optional.empty()));
    }
    return out;
  }

  /** Series names of a Prometheus text scrape ({@code redis_*} and {@code meridian_*}), by the {@code # TYPE} lines. */
  public static Set<String> inScrape(String text) {
    java.util.Map<String, String> types = new java.util.TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        types.put(parts[2], parts[3]);
      }
    }
    Set<String> names = new TreeSet<>();
    types.forEach((name, type) -> {
      // Micrometer's timers add a "<histogram>_max" gauge: part of the histogram, not a series of its own.
      if (name.endsWith("_max") && "histogram".equals(types.get(name.substring(0, name.length() - 4)))) {
        return;
      }
      String full = type.equals("counter") && !name.endsWith("_total") ? name + "_total" : name;
      if (IDENTIFIER.matcher(full).matches()) {
        names.add(full);
      }
    });
    return names;
  }

  /**
   * The series an expression (or any text) names, as listed base names: {@code x_bucket},
   * {@code x_count} … of a listed histogram {@code x} count as {@code x}.
   */
  public static Set<String> inExpression(String expr, Set<String> known) {
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(expr);
    while (m.find()) {
      String name = m.group(1);
      for (String suffix : SUFFIXES) {
        if (!known.contains(name) && name.endsWith(suffix)
            && known.contains(name.substring(0, name.length() - suffix.length()))) {
          name = name.substring(0, name.length() - suffix.length());
        }
      }
      names.add(name);
    }
    return names;
  }

  /**
   * What differs between the list and a real scrape of one process: listed names it should export
   * but does not (unless their condition is not among {@code conditionsMet}), and names it exports
   * that the list does not have. Empty when they agree.
   */
  public static List<String> mismatches(List<Entry> list, Set<String> scraped, String process,
      Set<String> conditionsMet) {
    List<String> problems = new ArrayList<>();
    Set<String> listedHere = new TreeSet<>();
    for (Entry e : list) {
      if (!e.processes().contains(process)) {
        continue;
      }
      listedHere.add(e.name());
      boolean expected = e.condition().map(conditionsMet::contains).orElse(true);
      if (expected && !scraped.contains(e.name())) {
        problems.add("listed for " + process + " but not exported: " + e.name());
      }
    }
    for (String name : scraped) {
      if (!listedHere.contains(name)) {
        problems.add("exported by " + process + " but not in metric-names.txt: " + name);
      }
    }
    return problems;
  }
}
