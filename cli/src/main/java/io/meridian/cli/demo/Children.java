package io.meridian.cli.demo;

import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.process.Signals;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Every process the demo started, so that all of them are ended, by PID, however the demo ends.
 * Thread-safe: the shutdown hook may run while the main thread is still starting processes.
 */
final class Children {

  /**
   * A started process, what it is (for messages), and its stop wave: lower waves stop first.
   * Agents (lite members) must leave the bus while coordinators (its data members) are still
   * there, or their leave blocks.
   */
  record Child(String name, int wave, Process process) {
  }

  private final List<Child> children = new ArrayList<>();
  private final List<RedisServerProcess> redis = new ArrayList<>();
  private boolean closed;

  synchronized void addRedis(RedisServerProcess server) {
    if (closed) {
      server.kill();
      throw new IllegalStateException("demo is stopping");
    }
    redis.add(server);
  }

  /** Starts {@code command} with its output appended to {@code log}. */
  synchronized Child start(String name, int wave, List<String> command, java.util.Map<String, String> env, Path log,
      Consumer<String> onUnexpectedExit) throws IOException {
    if (closed) {
      throw new IllegalStateException("demo is stopping");
    }
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    Process process = builder.start();
    Child child = new Child(name, wave, process);
    children.add(child);
    process.onExit().thenAccept(p -> {
      if (!isClosed()) {
        onUnexpectedExit.accept(name + " (pid " + p.pid() + ") exited with code " + p.exitValue() + "; see " + log);
      }
    });
    return child;
  }

  synchronized boolean isClosed() {
    return closed;
  }

  synchronized List<RedisServerProcess> redis() {
    return List.copyOf(redis);
  }

  /**
   * Ends everything: wave by wave, SIGCONT (a frozen process cannot handle SIGTERM) and SIGTERM,
   * waiting for the wave up to its share of {@code grace}; Redis last; then SIGKILL for whatever
   * is left. Returns how many had to be killed.
   */
  int stopAll(Duration grace) {
    List<Child> all;
    synchronized (this) {
      closed = true;
      all = List.copyOf(children);
    }
    long deadline = System.nanoTime() + grace.toNanos();
    List<Integer> waves = all.stream().map(Child::wave).distinct().sorted().toList();
    for (int w = 0; w < waves.size(); w++) {
      int wave = waves.get(w);
      List<Process> members = all.stream().filter(c -> c.wave() == wave).map(Child::process).toList();
      for (Process p : members) {
        if (p.isAlive()) {
          continueQuietly(p.pid());
          p.destroy();
        }
      }
      long waveDeadline = System.nanoTime() + (deadline - System.nanoTime()) / (waves.size() - w);
      members.forEach(p -> awaitExit(p, waveDeadline));
    }
    for (RedisServerProcess s : redis()) {
      s.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())).plusSeconds(1));
    }
    int killed = 0;
    for (Child c : all) {
      if (c.process().isAlive()) {
        c.process().destroyForcibly();
        awaitExit(c.process(), System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        killed++;
      }
    }
    return killed;
  }

  private static void awaitExit(Process p, long deadlineNanos) {
    try {
      p.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void continueQuietly(long pid) {
    try {
      Signals.send(pid, "CONT");
    } catch (IllegalStateException alreadyGone) {
      // exited meanwhile: nothing to wake
    }
  }
}
