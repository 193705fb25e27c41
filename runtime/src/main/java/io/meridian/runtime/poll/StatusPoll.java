package io.meridian.runtime.poll;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it against a deadline, never by a bare sleep. The check answers
 * null once done, or a short status of what is still missing; every new status goes to
 * {@code progress}, so a long wait shows how far it got. Blocking: for commands, bootstrap and
 * benchmarks, never on an event loop. A check may throw to abort the wait (a stopped demo).
 */
public final class StatusPoll {

  private StatusPoll() {
  }

  /** @return empty once the check said done; else the last status it gave when {@code timeout} ran out */
  public static Optional<String> await(Duration timeout, Duration every, Supplier<String> check,
      Consumer<String> progress) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = null;
    while (true) {
      String status = check.get();
      if (status == null) {
        return Optional.empty();
      }
      if (!status.equals(last)) {
        progress.accept(status);
        last = status;
      }
      if (System.nanoTime() - deadline > 0) {
        return Optional.of(status);
      }
      LockSupport.parkNanos(every.toNanos());
    }
  }

  /**
   * True once {@code condition} holds, false if it still does not at {@code deadlineNanos} (on
   * {@link System#nanoTime()}); it is checked at once, every {@code every}, and once at the deadline.
   */
  public static boolean until(long deadlineNanos, Duration every, java.util.function.BooleanSupplier condition) {
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      LockSupport.parkNanos(Math.min(left, every.toNanos()));
    }
  }
}
