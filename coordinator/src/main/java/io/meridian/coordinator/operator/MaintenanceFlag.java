package io.meridian.coordinator.operator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.Optional;

/**
 * This coordinator's copy of the maintenance flag, which the CP group holds ({@link MaintenanceMode}).
 * A CP call blocks until the CP group exists and has a Raft leader, so the flag is read and written
 * on a worker, one read at a time; a read asked for meanwhile follows it. Used from one context.
 */
public final class MaintenanceFlag {

  /**
   * Threads of its own, not the shared worker pool: that has 4 threads, which the bus's Hazelcast
   * calls fill for seconds during a cut; the leader would then fail over on a stale flag, and an
   * operator's {@code pause} would wait behind the bus (decision 013, for the fence and the
   * leader's state). Two: one read and one write at a time need not wait for each other.
   */
  static final String POOL = "meridian-maintenance-flag";

  private final WorkerExecutor workers;
  private final Optional<MaintenanceMode> mode;
  private volatile long since;
  private boolean reading;
  /** A read was asked for while one was under way: read once more after it. */
  private boolean readAgain;

  /** @param mode the flag in the CP group; empty when leadership is off (nothing to pause) */
  public MaintenanceFlag(Vertx vertx, Optional<MaintenanceMode> mode) {
    this.workers = vertx.createSharedWorkerExecutor(POOL, 2);
    this.mode = mode;
  }

  public boolean available() {
    return mode.isPresent();
  }

  /** True while maintenance mode is on, as last read. */
  public boolean paused() {
    return since > 0;
  }

  /** Reads the flag again (once a second, and on a hint that it changed). */
  public void refresh() {
    if (mode.isEmpty()) {
      return;
    }
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    workers.executeBlocking(() -> mode.get().since(), false).onComplete(ar -> {
      reading = false;
      if (ar.succeeded()) {
        since = ar.result();
      }
      if (readAgain) {
        readAgain = false;
        refresh();
      }
    });
  }

  /** Turns maintenance mode on or off in the CP group; completes with since when it is on (epoch ms), else 0. */
  public Future<Long> set(boolean on, long nowMillis) {
    MaintenanceMode flag = mode.orElseThrow();
    return workers.executeBlocking(() -> {
      flag.set(on, nowMillis);
      return flag.since();
    }).onSuccess(s -> since = s);
  }
}
