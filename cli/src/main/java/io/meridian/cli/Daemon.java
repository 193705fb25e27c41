package io.meridian.cli;

import io.meridian.runtime.bus.BusProcess;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one bus process in the foreground until SIGTERM or Ctrl-C, then stops it cleanly. */
final class Daemon {

  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(8);

  private Daemon() {
  }

  static int run(String what, Supplier<Future<? extends BusProcess<?>>> start) {
    BusProcess<?> process;
    try {
      process = start.get().toCompletionStage().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      LOG.error("{} could not start: {}", what, e.getCause().getMessage(), e.getCause());
      System.err.println("meridian: " + what + " could not start: " + e.getCause().getMessage());
      return Meridian.EXIT_FAILED;
    } catch (TimeoutException e) {
      System.err.println("meridian: " + what + " did not start within " + START_TIMEOUT.toSeconds() + " s");
      return Meridian.EXIT_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Meridian.EXIT_FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        process.stop().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        LOG.info("{} stopped", what);
      } catch (Exception e) {
        LOG.warn("{} did not stop cleanly within {} s: {}", what, STOP_TIMEOUT.toSeconds(), e.toString());
      } finally {
        stopped.countDown();
      }
    }, "meridian-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
