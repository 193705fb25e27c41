package io.meridian.cli;

import io.meridian.cli.api.ApiTargets;
import io.meridian.coordinator.audit.History;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code meridian history}: the coordinators' recent decisions and actions (failovers, commands,
 * rebalancing, operator requests, scaling), as the CP group keeps them for every coordinator,
 * filtered by shard, kind and time.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = "The leaders' recent decisions and actions, oldest first, kept in the CP group so that every coordinator "
        + "answers the same: failovers, commands to agents, rebalancing, operator requests and scaling, with the term "
        + "they were made in and the coordinator that made them.")
final class HistoryCommand extends OperatorCommands.Target implements Callable<Integer> {

  private static final Pattern RANGE = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");

  @Option(names = "--shard", paramLabel = "SLOTS|SLOT",
      description = "only entries about this shard: as the history names it (e.g. 0-5461) or any slot in it (0-16383)")
  String shard;

  @Option(names = "--since", paramLabel = "AGO|INSTANT",
      description = "only entries from this time on: an age such as 30s, 15m, 2h, 1d, or an instant such as 2026-12-04T08:00:00Z")
  String since;

  @Option(names = "--kind", paramLabel = "KIND",
      description = "only entries of this kind: leadership, decision, command, rebalance, operator, scaling, or recovery "
          + "(one record per failover, shown with its steps)")
  String kind;

  @Option(names = {"-n", "--limit"}, defaultValue = "50", paramLabel = "N",
      description = "at most the last N entries that match (default ${DEFAULT-VALUE}; 0 for all)")
  int limit;

  @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json",
      description = "table (default) or json: {\"observedBy\", \"source\", \"entries\": [{\"at\", \"term\", \"by\", \"shard\", \"kind\", \"text\", \"commandId\", \"recovery\"}]}")
  String output;

  @Override
  public Integer call() throws InterruptedException {
    ApiTargets api = targets();
    Filter filter = filter(Instant.now());
    try {
      Source source = sharedHistory(api);
      source.note().ifPresent(System.err::println);
      JsonArray entries = new JsonArray();
      source.history().getJsonArray("entries", new JsonArray()).stream().map(e -> (JsonObject) e)
          .filter(filter::matches).forEach(entries::add);
      JsonArray shown = limit > 0 && entries.size() > limit
          ? new JsonArray(entries.getList().subList(entries.size() - limit, entries.size())) : entries;
      if (output.equals("json")) {
        System.out.println(new JsonObject().put("observedBy", source.history().getString("observedBy"))
            .put("source", source.history().getString("source")).put("entries", shown).encodePrettily());
      } else {
        System.out.print(table(source.history(), shown, entries.size()));
      }
      return 0;
    } catch (IOException e) {
      System.err.println("meridian history: " + e.getMessage());
      return Meridian.EXIT_FAILED;
    }
  }

  /** The filters, checked before anything is sent: bad ones are bad usage. */
  Filter filter(Instant now) {
    if (!output.equals("table") && !output.equals("json")) {
      throw usage("--output must be table or json, got '" + output + "'");
    }
    if (limit < 0) {
      throw usage("--limit must be 0 (all) or more, got " + limit);
    }
    List<String> kinds = History.KINDS.stream().sorted().toList();
    if (kind != null && !kinds.contains(kind)) {
      throw usage("--kind must be one of " + String.join(", ", kinds) + ", got '" + kind + "'");
    }
    Optional<Integer> slot = Optional.empty();
    if (shard != null && shard.matches("\\d+")) {
      int s = Integer.parseInt(shard);
      if (s > 16383) {
        throw usage("--shard: slot " + s + " is not in 0-16383");
      }
      slot = Optional.of(s);
    } else if (shard != null && !shard.matches("\\d+-\\d+(,\\d+(-\\d+)?)*")) {
      throw usage("--shard must be a shard's slots as the history names them (e.g. 0-5461) or a slot, got '" + shard + "'");
    }
    return new Filter(Optional.ofNullable(shard), slot, Optional.ofNullable(kind),
        since == null ? Optional.empty() : Optional.of(sinceInstant(since, now)));
  }

  private Instant sinceInstant(String text, Instant now) {
    Optional<Duration> ago = io.meridian.runtime.config.Durations.parse(text);
    if (ago.isPresent()) {
      return now.minus(ago.get());
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw usage("--since must be an age such as 15m or 2h, or an instant such as 2026-12-04T08:00:00Z, got '" + text + "'");
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(commandSpec.commandLine(), message);
  }

  /** What an entry must match. */
  record Filter(Optional<String> shard, Optional<Integer> slot, Optional<String> kind, Optional<Instant> since) {
    boolean matches(JsonObject entry) {
      String s = entry.getString("shard");
      if (slot.isPresent() && !containsSlot(s, slot.get())) {
        return false;
      }
      if (slot.isEmpty() && shard.isPresent() && !shard.get().equals(s)) {
        return false;
      }
      if (kind.isPresent() && !kind.get().equals(entry.getString("kind"))) {
        return false;
      }
      return since.isEmpty() || !Instant.parse(entry.getString("at")).isBefore(since.get());
    }

    /** Whether {@code slot} lies in the shard as the history names it ({@code 0-5461}, {@code 0-10,20}); "-" has none. */
    private static boolean containsSlot(String shard, int slot) {
      if (shard == null) {
        return false;
      }
      for (String range : shard.split(",")) {
        Matcher m = RANGE.matcher(range.trim());
        if (m.matches()) {
          int from = Integer.parseInt(m.group(1));
          int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
          if (slot >= from && slot <= to) {
            return true;
          }
        }
      }
      return false;
    }
  }

  private record Source(JsonObject history, Optional<String> note) {
  }

  /**
   * The shared history (every coordinator reads the same from the CP group) from the first
   * configured coordinator that can read it. When none can (each is cut off from the CP group's
   * majority, or leadership is off), the first that answers, with its note: then it holds only
   * what that coordinator itself recorded.
   */
  private static Source sharedHistory(ApiTargets api) throws IOException, InterruptedException {
    List<String> failures = new ArrayList<>();
    JsonObject fallback = null;
    for (URI url : api.urls()) {
      try {
        OperatorCommands.Answer history = OperatorCommands.call(api.only(url), "GET", "/api/v1/history", null,
            Duration.ofSeconds(10));
        if (history.status() != 200) {
          failures.add(url + "/api/v1/history answered " + history.status());
          continue;
        }
        if ("cp-group".equals(history.body().getString("source"))) {
          return new Source(history.body(), Optional.empty());
        }
        if (fallback == null) {
          fallback = history.body();
        }
      } catch (OperatorCommands.Unreachable e) {
        failures.add(e.getMessage());
      }
    }
    if (fallback == null) {
      throw new IOException(String.join("; ", failures));
    }
    return new Source(fallback, Optional.of("meridian history: no configured coordinator could read the shared "
        + "history; showing " + fallback.getString("observedBy") + "'s own entries (" + fallback.getString("note",
        "no reason given") + ")"));
  }

  static String table(JsonObject history, JsonArray entries, int matching) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("%s: %d entr%s shown of %d matching%n", "cp-group".equals(history.getString("source"))
        ? "Shared history (read through " + history.getString("observedBy") + ")"
        : "Own history of " + history.getString("observedBy"), entries.size(), entries.size() == 1 ? "y" : "ies", matching));
    out.append(String.format("%-30s %5s  %-16s %-10s %-18s %s%n", "AT", "TERM", "BY", "KIND", "SHARD", "TEXT"));
    entries.forEach(o -> {
      JsonObject e = (JsonObject) o;
      out.append(String.format("%-30s %5s  %-16s %-10s %-18s %s%n", e.getString("at"), e.getValue("term"),
          e.getString("by", "-"), e.getString("kind"), e.getString("shard") == null ? "-" : e.getString("shard"),
          e.getString("text")));
      JsonObject recovery = e.getJsonObject("recovery");
      if (recovery != null) {
        out.append(String.format("%36s trigger %s: %s%n", "", recovery.getString("trigger"),
            recovery.getString("evidence")));
        recovery.getJsonArray("steps", new JsonArray()).forEach(x -> {
          JsonObject step = (JsonObject) x;
          out.append(String.format("%36s %s %s on %s: %s [%s]%n", "", step.getString("at"), step.getString("command"),
              step.getString("target"), step.getString("result"), step.getString("commandId")));
        });
      }
    });
    return out.toString();
  }
}
