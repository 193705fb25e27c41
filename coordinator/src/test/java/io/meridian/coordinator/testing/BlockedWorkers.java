package io.meridian.coordinator.testing;

import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A coordinator's Vert.x (4 shared workers, as {@code ClusteredVertx} sets) whose shared pool is
 * full of blocked tasks, as the bus's Hazelcast calls leave it for seconds during a cut.
 * {@link #close} releases them and closes Vert.x.
 */
public final class BlockedWorkers implements AutoCloseable {

  public final Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(4));
  private final CountDownLatch cutHeals = new CountDownLatch(1);
  private final AtomicInteger blocked = new AtomicInteger();

  /** Fills the pool (8 tasks for 4 threads) and returns once 4 are blocked. */
  public BlockedWorkers fill() {
    for (int i = 0; i < 8; i++) {
      vertx.executeBlocking(() -> {
        blocked.incrementAndGet();
        return cutHeals.await(60, TimeUnit.SECONDS);
      }, false);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> blocked.get() == 4);
    return this;
  }

  /** Whether the pool is still full: 4 blocked, none released. */
  public boolean stillFull() {
    return blocked.get() == 4 && cutHeals.getCount() == 1;
  }

  @Override
  public void close() throws Exception {
    cutHeals.countDown();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
