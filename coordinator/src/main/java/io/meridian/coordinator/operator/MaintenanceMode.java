package io.meridian.coordinator.operator;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.IAtomicLong;

/**
 * Maintenance mode ("pause"), kept in the CP subsystem so that it survives a change of leader:
 * while on, the leader observes and explains but never acts. Every call blocks (even getting the
 * proxy waits until the CP group exists): call from a worker, never from an event loop.
 */
public final class MaintenanceMode {

  private final HazelcastInstance hazelcast;
  private final String name;
  private volatile IAtomicLong flag;

  public MaintenanceMode(HazelcastInstance hazelcast, String cluster) {
    this.hazelcast = hazelcast;
    this.name = "meridian-paused-" + cluster;
  }

  private IAtomicLong flag() {
    IAtomicLong f = flag;
    if (f == null) {
      f = hazelcast.getCPSubsystem().getAtomicLong(name);
      flag = f;
    }
    return f;
  }

  /** Turns maintenance mode on (since {@code epochMillis}) or off (0). */
  public void set(boolean on, long epochMillis) {
    flag().set(on ? Math.max(1, epochMillis) : 0);
  }

  /** Since when maintenance mode is on (epoch ms), or 0 when off. */
  public long since() {
    return flag().get();
  }
}
