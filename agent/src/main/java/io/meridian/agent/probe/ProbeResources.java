package io.meridian.agent.probe;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Threads shared by all probes of one agent. Left to itself every Redisson client would start its
 * own event loops, timer and pool; an agent watching a handful of nodes needs one of each.
 */
public final class ProbeResources implements AutoCloseable {

  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("meridian-probe-io", true),
      NioIoHandler.newFactory());
  /**
   * Redisson's own timeouts ride on this wheel, which wakes at every tick whether or not anything
   * is due (netty's default: 10 times a second, on the Redis host). The probe's deadline is a Vert.x
   * timer of its own (NodeProbe), so Redisson's backstop may fire up to a tick late.
   */
  final HashedWheelTimer timer = new HashedWheelTimer(new DefaultThreadFactory("meridian-probe-timer", true),
      250, TimeUnit.MILLISECONDS);
  final ExecutorService executor = Executors.newSingleThreadExecutor(new DefaultThreadFactory("meridian-probe-callbacks", true));
  private final AtomicBoolean closed = new AtomicBoolean();

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      timer.stop();
      executor.shutdownNow();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
