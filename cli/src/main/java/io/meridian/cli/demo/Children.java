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

  /** A started process and what it is, for messages. */
  record Child(String name, Process process) {
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
  synchronized Child start(String name, List<String> command, Path log, Consumer<String> onUnexpectedExit)
      throws IOException {
    if (closed) {
      throw new IllegalStateException("demo is stopping");
    }
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    Child child = new Child(name, process);
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
   * Ends everything: SIGCONT (a frozen process cannot handle SIGTERM), SIGTERM to all at once,
   * then SIGKILL to whatever is left after {@code grace}. Returns how many had to be killed.
   */
  int stopAll(Duration grace) {
    List<Process> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      children.forEach(c -> all.add(c.process()));
    }
    List<RedisServerProcess> servers = redis();
    for (Process p : all) {
      if (p.isAlive()) {
        continueQuietly(p.pid());
        p.destroy();
      }
    }
    for (RedisServerProcess s : servers) {
      if (s.isAlive()) {
        continueQuietly(s.pid());
      }
    }
    // redis-server exits on SIGTERM in milliseconds; stop them while the JVMs shut down.
    servers.forEach(s -> s.stop(grace));
    long deadline = System.nanoTime() + grace.toNanos();
    int killed = 0;
    for (Process p : all) {
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
          p.waitFor(2, TimeUnit.SECONDS);
          killed++;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    return killed;
  }

  private static void continueQuietly(long pid) {
    try {
      Signals.send(pid, "CONT");
    } catch (IllegalStateException alreadyGone) {
      // exited meanwhile: nothing to wake
    }
  }
}
