package io.meridian.cli.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What {@code meridian bench failover} prints: per scenario and system the recovery figures and
 * lost writes, the native/Meridian ratio, and the product's targets met or missed. Pure: built
 * from round results, no I/O.
 */
final class FailoverReport {

  static final String MERIDIAN = "meridian";
  /** Meridian with its bus unsigned ({@code bus.insecure: true}): what signing costs, against {@link #MERIDIAN}. */
  static final String MERIDIAN_INSECURE = "meridian-insecure";

  /**
   * Meridian with the nodes on TLS too (every client, replication and the cluster bus; the demo's
   * default): what all of its protection costs, against {@link #MERIDIAN_INSECURE}.
   */
  static final String MERIDIAN_REDIS_TLS = "meridian-redis-tls";

  static boolean isMeridian(String system) {
    return system.equals(MERIDIAN) || system.equals(MERIDIAN_INSECURE) || system.equals(MERIDIAN_REDIS_TLS);
  }

  /** A target from the benchmark issue, evaluated on the figures. */
  record Target(String name, boolean met, String detail) {
  }

  private final List<RoundResult> rounds;
  private final Map<Scenario, Map<String, FailoverSummary>> summaries = new LinkedHashMap<>();
  private final long recoveryTimeoutMs;

  FailoverReport(List<RoundResult> rounds, long recoveryTimeoutMs) {
    this.rounds = List.copyOf(rounds);
    this.recoveryTimeoutMs = recoveryTimeoutMs;
    Map<Scenario, Map<String, List<RoundResult>>> grouped = new LinkedHashMap<>();
    for (RoundResult r : rounds) {
      grouped.computeIfAbsent(r.scenario(), s -> new LinkedHashMap<>()).computeIfAbsent(r.system(), s -> new ArrayList<>())
          .add(r);
    }
    grouped.forEach((scenario, bySystem) -> bySystem.forEach((system, list) ->
        summaries.computeIfAbsent(scenario, s -> new LinkedHashMap<>()).put(system, FailoverSummary.of(list))));
  }

  Map<Scenario, Map<String, FailoverSummary>> summaries() {
    return summaries;
  }

  String table() {
    StringBuilder t = new StringBuilder();
    t.append(String.format("%-9s %-18s %9s %10s %10s %10s %12s%n", "scenario", "failover by", "recovered", "median",
        "p90", "max", "lost writes"));
    summaries.forEach((scenario, bySystem) -> {
      bySystem.forEach((system, s) -> t.append(String.format("%-9s %-18s %9s %10s %10s %10s %12s%n", scenario.label(),
          system, s.recovered() + "/" + s.rounds(), ms(s.medianMs()), ms(s.p90Ms()), ms(s.maxMs()),
          s.lostTotal().isPresent() ? s.lostTotal().getAsLong() + " (max " + s.lostMax().getAsLong() + ")" : "n/a")));
      FailoverSummary meridian = bySystem.get(MERIDIAN);
      if (meridian != null) {
        bySystem.forEach((system, s) -> {
          if (!system.equals(MERIDIAN)) {
            t.append(String.format("%-9s %s median / meridian median: %s%n", "", system,
                meridian.ratioOf(s).text()));
          }
        });
      }
    });
    return t.toString();
  }

  private String ms(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() + " ms" : "none<" + recoveryTimeoutMs / 1000 + "s";
  }

  /**
   * The targets that the measured scenarios allow to judge: crash median ≤ 1 s, max ≤ 2 s
   * and ≥ 5× faster than native at 5000 ms; majority loss recovered by Meridian within 5 s and not
   * by native; Meridian loses no more acknowledged writes than native in any scenario.
   */
  List<Target> targets() {
    List<Target> targets = new ArrayList<>();
    Map<String, FailoverSummary> crash = summaries.get(Scenario.CRASH);
    if (crash != null && crash.containsKey(MERIDIAN)) {
      FailoverSummary m = crash.get(MERIDIAN);
      targets.add(new Target("crash: Meridian median <= 1000 ms", atMost(m.medianMs(), 1000), ms(m.medianMs())));
      targets.add(new Target("crash: Meridian max <= 2000 ms", atMost(m.maxMs(), 2000), ms(m.maxMs())));
      FailoverSummary n = crash.get("native-5000ms");
      if (n != null) {
        FailoverSummary.OptionalDoubleRatio ratio = m.ratioOf(n);
        targets.add(new Target("crash: >= 5x faster than native at 5000 ms", ratio.known() && ratio.value() >= 5,
            ratio.text()));
      }
    }
    Map<String, FailoverSummary> majority = summaries.get(Scenario.MAJORITY);
    if (majority != null && majority.containsKey(MERIDIAN)) {
      FailoverSummary m = majority.get(MERIDIAN);
      targets.add(new Target("majority: Meridian recovers within 5000 ms", atMost(m.maxMs(), 5000), ms(m.maxMs())));
      majority.forEach((system, s) -> {
        if (!system.equals(MERIDIAN)) {
          targets.add(new Target("majority: " + system + " does not recover", s.recovered() == 0,
              s.recovered() + "/" + s.rounds() + " recovered"));
        }
      });
    }
    Map<String, FailoverSummary> leader = summaries.get(Scenario.LEADER);
    if (leader != null && leader.containsKey(MERIDIAN)) {
      FailoverSummary m = leader.get(MERIDIAN);
      targets.add(new Target("leader: a new leader within 5000 ms", atMost(m.maxMs(), 5000), ms(m.maxMs())));
      targets.add(new Target("leader: median handover <= 2000 ms", atMost(m.medianMs(), 2000), ms(m.medianMs())));
    }
    summaries.forEach((scenario, bySystem) -> {
      FailoverSummary m = bySystem.get(MERIDIAN);
      bySystem.forEach((system, s) -> {
        if (m != null && !system.equals(MERIDIAN) && s.lostTotal().isPresent()) {
          boolean met = m.lostTotal().isPresent() && m.lostTotal().getAsLong() <= s.lostTotal().getAsLong();
          targets.add(new Target(scenario.label() + ": Meridian loses no more acknowledged writes than " + system, met,
              m.lostTotal().isPresent() ? m.lostTotal().getAsLong() + " vs " + s.lostTotal().getAsLong()
                  : "Meridian's losses unknown (no recovery)"));
        }
      });
    });
    return targets;
  }

  private static boolean atMost(OptionalLong v, long limit) {
    return v.isPresent() && v.getAsLong() <= limit;
  }

  String targetsText() {
    StringBuilder t = new StringBuilder();
    for (Target target : targets()) {
      t.append(String.format("  [%s] %s: %s%n", target.met() ? "met" : "MISSED", target.name(), target.detail()));
    }
    return t.toString();
  }

  JsonObject json(JsonObject settings) {
    JsonArray roundsJson = new JsonArray();
    for (RoundResult r : rounds) {
      roundsJson.add(new JsonObject().put("scenario", r.scenario().label()).put("system", r.system())
          .put("round", r.round()).put("recoveryMs", opt(r.recoveryMs())).put("acknowledged", r.acknowledged())
          .put("lost", opt(r.lost())));
    }
    JsonArray summaryJson = new JsonArray();
    summaries.forEach((scenario, bySystem) -> bySystem.forEach((system, s) -> summaryJson.add(new JsonObject()
        .put("scenario", scenario.label()).put("topology", scenario.topology().label()).put("fault", scenario.fault())
        .put("system", system).put("rounds", s.rounds()).put("recovered", s.recovered())
        .put("medianMs", opt(s.medianMs())).put("p90Ms", opt(s.p90Ms())).put("maxMs", opt(s.maxMs()))
        .put("lostTotal", opt(s.lostTotal())).put("lostMax", opt(s.lostMax())))));
    JsonArray targetJson = new JsonArray();
    targets().forEach(t -> targetJson.add(new JsonObject().put("target", t.name()).put("met", t.met())
        .put("measured", t.detail())));
    return new JsonObject().put("settings", settings).put("rounds", roundsJson).put("summaries", summaryJson)
        .put("targets", targetJson);
  }

  private static Long opt(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }
}
