package io.meridian.runtime.poll;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link StatusPoll}'s twin for code on a Vert.x context: looks again on a timer instead of parking
 * the thread. Each look yields a value; the check answers null once the value is what is awaited,
 * or a short status of what is still missing, and every new status goes to {@code progress}. A
 * failed look ends the wait with its failure (a leader that lost the lead stops at once); a check
 * that throws gives its message as the status.
 */
public final class EventLoopPoll {

  private EventLoopPoll() {
  }

  /**
   * @return the first value the check accepted; failed with "gave up after N s waiting for WHAT
   *         (STATUS)" when {@code timeout} runs out
   */
  public static <T> Future<T> await(Vertx vertx, String what, Duration timeout, Duration every,
      Supplier<Future<T>> look, Function<T, String> check, Consumer<String> progress) {
    Promise<T> done = Promise.promise();
    long deadline = System.nanoTime() + timeout.toNanos();
    new Object() {
      private String last;

      void poll() {
        Future<T> seen;
        try {
          seen = look.get();
        } catch (RuntimeException e) {
          seen = Future.failedFuture(e);
        }
        seen.onComplete(ar -> {
          if (ar.failed()) {
            done.tryFail(ar.cause());
            return;
          }
          String status;
          try {
            status = check.apply(ar.result());
          } catch (RuntimeException e) {
            status = String.valueOf(e.getMessage());
          }
          if (status == null) {
            done.tryComplete(ar.result());
            return;
          }
          if (!status.equals(last)) {
            progress.accept(status);
            last = status;
          }
          if (System.nanoTime() - deadline > 0) {
            done.tryFail("gave up after " + timeout.toSeconds() + " s waiting for " + what + " (" + status + ")");
            return;
          }
          vertx.setTimer(Math.max(1, every.toMillis()), id -> poll());
        });
      }
    }.poll();
    return done.future();
  }
}
