package io.meridian.cli;

import java.util.List;

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
}
