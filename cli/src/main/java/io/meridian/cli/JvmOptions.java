package io.meridian.cli;

import java.util.List;
import java.util.stream.Stream;

/** JVM options for agent and coordinator processes started by Meridian itself (the demo). */
public final class JvmOptions {

  private JvmOptions() {
  }

  /**
   * A small-footprint collector and C1 only (these processes are I/O-bound and many may share a
   * small machine), plus the module openings Hazelcast asks for; without them it warns at start
   * and falls back to slower code paths.
   */
  public static List<String> defaults() {
    return List.of(
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "--add-modules", "java.se",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");
  }

  /**
   * For an agent, which shares its host with Redis, on top of {@link #defaults()}: as the
   * packaged launcher runs it, without PerfData (jstat's counters), whose sampling wakes the JVM
   * 20 times a second.
   */
  public static List<String> agent(String maxHeap) {
    return java.util.stream.Stream.concat(coordinator(maxHeap).stream(), java.util.stream.Stream.of("-XX:-UsePerfData"))
        .toList();
  }

  /**
   * A coordinator as the packaged launcher ({@code bin/meridian}) runs it: the full JIT and G1
   * with a short pause goal, and a heap ceiling. What {@code meridian bench scale} measures: a
   * coordinator checks a signature and decrypts a TLS record for every report, and only C2 uses
   * the CPU's AES and SHA instructions for that (with C1 alone, at 1000 nodes, the crypto was half
   * of the leader's CPU).
   */
  public static List<String> packagedCoordinator(String maxHeap) {
    return java.util.stream.Stream.concat(Stream.of("-Xms128m", "-Xmx" + maxHeap, "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=100"), defaults().stream().filter(o -> !o.startsWith("-XX:"))).toList();
  }

  /** {@link #defaults()} with a heap ceiling. */
  public static List<String> coordinator(String maxHeap) {
    return java.util.stream.Stream.concat(defaults().stream(), java.util.stream.Stream.of("-Xmx" + maxHeap)).toList();
  }
}
