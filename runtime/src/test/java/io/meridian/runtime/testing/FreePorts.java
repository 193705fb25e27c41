package io.meridian.runtime.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for tests, chosen so that parallel or repeated runs do not collide. */
public final class FreePorts {

  private FreePorts() {
  }

  /*
   * Redis ports and their cluster-bus ports (+ 10000) both stay below Linux's ephemeral range
   * (32768 and up): there an outgoing connection can take a port between the check and
   * redis-server's bind, which CI saw as a test node exiting with code 1 at start.
   */
  private static final int REDIS_LOW = 20000;
  private static final int REDIS_SPAN = 32768 - 10000 - REDIS_LOW - 64;

  /** A port that is free now, together with {@code port + 10000} (Redis Cluster's bus port). */
  public static int redisPort() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int candidate = REDIS_LOW + (int) (Math.random() * REDIS_SPAN);
      if (isFree(candidate) && isFree(candidate + 10000)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no free port pair found for a Redis node");
  }

  /** {@code count} consecutive ports starting at a free one, each with its bus port free too. */
  public static int redisPortRange(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = REDIS_LOW + (int) (Math.random() * (REDIS_SPAN - count));
      boolean ok = true;
      for (int i = 0; i < count && ok; i++) {
        ok = isFree(base + i) && isFree(base + i + 10000);
      }
      if (ok) {
        return base;
      }
    }
    throw new IllegalStateException("no free range of " + count + " Redis ports found");
  }

  /**
   * {@code count} consecutive free ports, below the ranges above and below Linux's ephemeral range
   * (32768 and up), where any outgoing connection may take a port between the check and the bind.
   */
  public static int range(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 2000 + (int) (Math.random() * 7000);
      boolean ok = true;
      for (int i = 0; i < count && ok; i++) {
        ok = isFree(base + i);
      }
      if (ok) {
        return base;
      }
    }
    throw new IllegalStateException("no free range of " + count + " ports found");
  }

  /**
   * {@code count} consecutive free event-bus ports whose leadership ports ({@code + 100}, where
   * the demo and the benches put the coordinators' leadership cluster) are free too; below
   * Linux's ephemeral range (32768 and up), where a port can be held by any outgoing connection.
   */
  public static int busPorts(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 10000 + (int) (Math.random() * 9000);
      boolean ok = true;
      for (int i = 0; i < count && ok; i++) {
        ok = isFree(base + i) && isFree(base + 100 + i);
      }
      if (ok) {
        return base;
      }
    }
    throw new IllegalStateException("no free range of " + count + " bus ports (and their leadership ports) found");
  }

  public static int any() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
