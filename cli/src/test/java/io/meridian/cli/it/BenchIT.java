package io.meridian.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.runtime.testing.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmarks measure what they claim: a short run of each (one round per failover scenario
 * under Meridian and under native failover; a small simulated cluster; one overhead round)
 * gives figures that are present and sane, and ends every process it started.
 */
class BenchIT {

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // a failure leaves the logs behind
  Path state;
  private Process bench;

  @AfterEach
  void stop() throws Exception {
    if (bench != null && bench.isAlive()) {
      bench.destroy();
      bench.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private String run(int minutes, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        Path.of("target", "meridian.jar").toAbsolutePath().toString(), "bench"));
    command.addAll(List.of(args));
    Path output = Files.createTempFile(state, "bench", ".out");
    bench = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    assertThat(bench.waitFor(minutes, TimeUnit.MINUTES)).as("bench finished").isTrue();
    String out = Files.readString(output);
    System.out.println(out);
    assertThat(bench.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void aSmallSimulatedClusterHasEveryKilledPrimaryDetectedAndTheLeaderMeasured() throws Exception {
    Path json = state.resolve("scale.json");
    int apiPort = FreePorts.range(3);
    String out = run(6, "scale", "--nodes", "60", "--deaths", "3", "--base-port", Integer.toString(FreePorts.range(60)),
        "--api-port", Integer.toString(apiPort), "--bus-port", Integer.toString(FreePorts.busPorts(8)),
        "--state-dir", state.resolve("scale").toString(), "--json", json.toString());
    assertThat(out).contains("death 3/3");
    JsonObject r = new JsonObject(Files.readString(json)).getJsonArray("results").getJsonObject(0);
    assertThat(r.getInteger("nodes")).isEqualTo(60);
    assertThat(r.getInteger("missed")).as(r.encode()).isZero();
    assertThat(r.getJsonArray("latenciesMs")).hasSize(3);
    // A kill is seen at the earliest on the next report (every 250 ms): never 0, never minutes.
    assertThat(r.getLong("p50Ms")).isBetween(1L, 10_000L);
    assertThat(r.getLong("leaderHeapMaxBytes")).isBetween(1L << 20, 512L << 20);
    assertThat(r.getDouble("leaderCpuPercent")).isBetween(0.1, 200.0);
    // 60 nodes, looked at 4 times a second and reported as real agents do (unchanged: once a
    // second; the deaths and promotions add a few): about 60 a second reach the leader, well under
    // the 240 a report per round would make.
    assertThat(r.getDouble("reportsPerSecond")).isBetween(30.0, 150.0);
    for (int p = apiPort; p < apiPort + 3; p++) {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress("127.0.0.1", p), 200);
        throw new AssertionError("a coordinator still serves port " + p + " after the bench ended");
      } catch (java.io.IOException expected) {
        // refused: the coordinator is gone
      }
    }
  }

  @Test
  void theOverheadRunComparesThroughputWithAndWithoutAnAgent() throws Exception {
    Path json = state.resolve("overhead.json");
    String out = run(4, "overhead", "--rounds", "1", "--requests", "20000", "--port",
        Integer.toString(FreePorts.redisPort()), "--agent-port", Integer.toString(FreePorts.range(3)),
        "--state-dir", state.resolve("overhead").toString(), "--json", json.toString());
    assertThat(out).contains("without agent").contains("with agent").contains("Target: the agent costs")
        .contains("node CPU per request");
    JsonObject r = new JsonObject(Files.readString(json));
    JsonObject cpu = r.getJsonObject("nodeCpuMicrosPerRequest");
    assertThat(cpu.getDouble("without")).as(cpu.encode()).isGreaterThan(0.0).isLessThan(1000.0);
    assertThat(cpu.getDouble("with")).as(cpu.encode()).isGreaterThan(0.0).isLessThan(1000.0);
    assertThat(r.getDouble("agentCpuPercentOfCore")).isGreaterThan(0.0).isLessThan(200.0);
    assertThat(r.getString("verdict")).isIn("met", "missed", "unresolved");
    // The probes' share of the idle node's CPU: one round's difference of two readings (it can be
    // slightly negative on a busy machine), within its interval, and far from a whole core.
    JsonObject probes = r.getJsonObject("probeCpuPercentOfCore");
    assertThat(probes.getDouble("median")).as(probes.encode()).isBetween(-50.0, 50.0)
        .isBetween(probes.getDouble("low"), probes.getDouble("high"));
    assertThat(probes.getString("verdict")).isIn("met", "missed", "unresolved");
    assertThat(out).contains("idle node CPU without agent").contains("Target: the agent's probes take less than");
    assertThat(r.getJsonArray("summary")).hasSize(2);
    for (Object o : r.getJsonArray("summary")) {
      JsonObject t = (JsonObject) o;
      assertThat(t.getDouble("medianWithoutRps")).as(t.encode()).isGreaterThan(1000.0);
      assertThat(t.getDouble("medianWithRps")).as(t.encode()).isGreaterThan(1000.0);
      // One short round on a busy machine is noise; the figure must only be a real ratio of the two
      // (with one round, the paired cost is that round's), inside its interval.
      double expected = (1 - t.getDouble("medianWithRps") / t.getDouble("medianWithoutRps")) * 100;
      assertThat(t.getDouble("costPercent")).as(t.encode()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6))
          .isBetween(t.getDouble("costLowPercent"), t.getDouble("costHighPercent"));
    }
  }

  @Test
  void oneRoundPerScenarioGivesSaneFiguresForBothSystems() throws Exception {
    int basePort = FreePorts.redisPortRange(9);
    Path json = state.resolve("results.json");
    String out = run(12, "failover", "--rounds", "1", "--recovery-timeout", "20", "--base-port",
        Integer.toString(basePort), "--api-port", Integer.toString(FreePorts.range(6)), "--bus-port",
        Integer.toString(FreePorts.busPorts(12)), "--state-dir", state.resolve("bench").toString(), "--json",
        json.toString());
    assertThat(out).contains("Targets:").contains("failover by meridian: recovery");

    JsonObject results = new JsonObject(Files.readString(json));
    JsonArray rounds = results.getJsonArray("rounds");
    assertThat(rounds).hasSize(9);
    for (Object o : rounds) {
      JsonObject r = (JsonObject) o;
      String what = r.encode();
      if (r.getString("scenario").equals("leader")) {
        // Measured under Meridian only: kill -9 of the leader to a survivor announcing the next term.
        assertThat(r.getString("system")).isEqualTo("meridian");
        assertThat(r.getLong("recoveryMs")).as(what).isBetween(1L, 20_000L);
        continue;
      }
      assertThat(r.getLong("acknowledged")).as(what).isGreaterThanOrEqualTo(100);
      boolean nativeMajority = r.getString("system").startsWith("native") && r.getString("scenario").equals("majority");
      if (r.getString("system").equals("meridian")) {
        // Recovery can't beat detection: at least a probe round, and a hang waits for the failure timeout.
        long min = r.getString("scenario").equals("crash") ? 50 : 1000;
        assertThat(r.getLong("recoveryMs")).as(what).isBetween(min, 20_000L);
        assertThat(r.getLong("lost")).as(what).isBetween(0L, r.getLong("acknowledged"));
      } else if (nativeMajority) {
        // With every primary gone no replica can win an election: native Redis cannot recover.
        assertThat(r.getLong("recoveryMs")).as(what).isNull();
        assertThat(r.getLong("lost")).as(what).isNull();
      } else {
        // Native failover needs the node timeout (5000 ms) to pass first.
        assertThat(r.getLong("recoveryMs")).as(what).isBetween(5000L, 20_000L);
      }
    }
    assertThat(results.getJsonArray("summaries")).hasSize(9);
    assertThat(results.getJsonArray("targets").stream().map(t -> ((JsonObject) t).getString("target")).toList())
        .containsAll(List.of("crash: Meridian median <= 1000 ms", "majority: Meridian recovers within 5000 ms",
            "leader: a new leader within 5000 ms"));
    // Every round's processes were ended: nothing listens on the cluster's ports any more.
    for (int p = basePort; p < basePort + 9; p++) {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress("127.0.0.1", p), 200);
        throw new AssertionError("port " + p + " still served after the bench ended");
      } catch (java.io.IOException expected) {
        // refused: the node is gone
      }
    }
  }
}
