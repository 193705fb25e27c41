package io.meridian.cli.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;

/**
 * A cluster-mode client (Redisson, as applications use it) that writes a counter to keys of one
 * shard every few milliseconds, one write at a time, and remembers which writes were
 * acknowledged, so that recovery and lost writes are what a client sees. Keys carry a hash tag
 * of the victim's slot: {@code bench:{tag}:<n>}.
 */
final class ShardWriter implements AutoCloseable {

  private static final long NO_FAULT = Long.MAX_VALUE;

  private final RedissonClient client;
  private final String tag;
  private final Duration interval;
  private final Thread thread;
  private final List<Long> acknowledged = new ArrayList<>();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong failuresAfterFault = new AtomicLong();
  private volatile String lastFailure = "none";
  private volatile long lastAckAt = -1;
  private volatile boolean running = true;
  private volatile long faultAt = NO_FAULT;
  private volatile long countFrom = NO_FAULT;
  private volatile long firstAckAfterFault = -1;

  /** Connects through {@code seeds} (host:port) as {@code auth} says (TLS, password) and starts writing. */
  ShardWriter(List<String> seeds, String tag, Duration interval, io.meridian.runtime.config.RedisAuth auth) {
    Config config = new Config();
    // Short timeouts and no client-side retries: the measurement is the cluster's recovery, not
    // the client hiding it; a 250 ms topology scan is what a latency-minded application runs.
    io.meridian.agent.admin.RedisConnections.cluster(config, seeds, auth)
        .setScanInterval(250).setTimeout(500).setRetryAttempts(0).setConnectTimeout(1000)
        .setReadMode(ReadMode.MASTER)
        .setMasterConnectionMinimumIdleSize(1).setMasterConnectionPoolSize(4)
        .setSlaveConnectionMinimumIdleSize(1).setSlaveConnectionPoolSize(2);
    config.setCodec(StringCodec.INSTANCE);
    this.client = Redisson.create(config);
    this.tag = tag;
    this.interval = interval;
    this.thread = new Thread(this::loop, "bench-writer");
    thread.setDaemon(true);
    thread.start();
  }

  static String key(String tag, long n) {
    return "bench:{" + tag + "}:" + n;
  }

  private void loop() {
    long n = 0;
    while (running) {
      n++;
      long issued = System.nanoTime();
      try {
        client.getBucket(key(tag, n)).set(Long.toString(n));
        long at = System.nanoTime();
        synchronized (acknowledged) {
          acknowledged.add(n);
        }
        lastAckAt = at;
        if (issued >= countFrom && firstAckAfterFault < 0) {
          firstAckAfterFault = at;
        }
      } catch (RuntimeException e) {
        failures.incrementAndGet();
        if (issued >= faultAt) {
          failuresAfterFault.incrementAndGet();
          lastFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
      }
      LockSupport.parkNanos(interval.toNanos());
    }
  }

  long acknowledgedCount() {
    synchronized (acknowledged) {
      return acknowledged.size();
    }
  }

  long failures() {
    return failures.get();
  }

  /**
   * What the client went through since the fault, for the round's log: the writes that failed,
   * the last error, when it was last acknowledged and the primaries it routes to now.
   */
  String sinceFault() {
    long ack = lastAckAt;
    String masters;
    try {
      masters = client.getRedisNodes(org.redisson.api.redisnode.RedisNodes.CLUSTER).getMasters().stream()
          .map(m -> m.getAddr().getPort() + "").sorted().toList().toString();
    } catch (RuntimeException e) {
      masters = "unknown (" + e.getMessage() + ")";
    }
    return failuresAfterFault.get() + " writes failed after the fault, the last with " + lastFailure
        + "; last acknowledged write " + (ack < 0 || faultAt == NO_FAULT ? "none" : TimeUnit.NANOSECONDS.toMillis(ack - faultAt)
        + " ms from the fault (negative: before it)") + "; the client routes to primaries on ports " + masters;
  }

  /** Marks the instant the fault was injected: recovery is counted from here. */
  void faultAt(long nanoTime) {
    faultAt = nanoTime;
  }

  /**
   * Marks the instant the fault had surely taken effect (the process gone or stopped): only a
   * write issued after it proves recovery; one issued earlier may have beaten the signal.
   */
  void faultEffectiveAt(long nanoTime) {
    countFrom = nanoTime;
  }

  /** Waits up to {@code timeout} for a write issued after the fault to be acknowledged. */
  OptionalLong awaitRecovery(Duration timeout, java.util.function.BooleanSupplier cancelled) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && !cancelled.getAsBoolean()) {
      long ack = firstAckAfterFault;
      if (ack >= 0) {
        return OptionalLong.of(TimeUnit.NANOSECONDS.toMillis(ack - faultAt));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return OptionalLong.empty();
  }

  /** Stops writing; then counts the acknowledged writes that the shard no longer has. */
  long stopAndCountLost() {
    stopWriting();
    List<Long> acked;
    synchronized (acknowledged) {
      acked = List.copyOf(acknowledged);
    }
    long lost = 0;
    for (int from = 0; from < acked.size(); from += 500) {
      List<Long> chunk = acked.subList(from, Math.min(acked.size(), from + 500));
      String[] keys = chunk.stream().map(n -> key(tag, n)).toArray(String[]::new);
      lost += keys.length - readWithRetries(keys).size();
    }
    return lost;
  }

  /**
   * The client follows MOVED for a single command before its topology scan catches up; a read
   * right after a failover can still be routed to the dead primary, so it is retried briefly.
   */
  private java.util.Map<String, Object> readWithRetries(String[] keys) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      try {
        return client.getBuckets().get(keys);
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read back the acknowledged writes for 15 s: " + e.getMessage(), e);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
  }

  void stopWriting() {
    running = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stopWriting();
    client.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
