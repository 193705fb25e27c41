package io.meridian.dist;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A process started through {@code bin/meridian}, with its output (stdout and stderr) in a log file. */
final class Launched {

  private final String name;
  private final Process process;
  private final Path log;

  private Launched(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Runs {@code home/bin/meridian args…} with {@code env} added to this environment. */
  static Launched start(String name, Path home, List<String> args, Map<String, String> env, Path log)
      throws IOException {
    List<String> command = new java.util.ArrayList<>();
    command.add(home.resolve("bin").resolve("meridian").toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return new Launched(name, builder.start(), log);
  }

  /** The JVM's PID: the launcher execs java, so it is the PID we started. */
  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Process process() {
    return process;
  }

  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** The lines of a JSON-format log that are JSON objects (the JVM may print plain lines too). */
  List<JsonObject> jsonLines() throws IOException {
    return log().lines().filter(l -> l.startsWith("{")).map(JsonObject::new).toList();
  }

  /** The command line the kernel shows for the process (what the launcher actually ran). */
  List<String> commandLine() throws IOException {
    String raw = Files.readString(Path.of("/proc", Long.toString(pid()), "cmdline"));
    return List.of(raw.split("\0"));
  }

  /** Ends it by its PID if it is still running (a failed test must leave nothing behind). */
  void kill() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ", log " + log + ")";
  }
}
