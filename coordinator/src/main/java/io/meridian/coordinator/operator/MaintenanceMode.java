package io.meridian.coordinator.operator;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.IAtomicLong;
import java.util.function.Supplier;

/**
 * Maintenance mode ("pause"), kept in the CP subsystem so that it survives a change of leader:
 * while on, the leader observes and explains but never acts. Every call blocks (even getting the
 * proxy waits until the CP group exists): call from a worker, never from an event loop.
 */
public final class MaintenanceMode {

  private final Supplier<HazelcastInstance> hazelcast;
  private final String name;
  private volatile Flag flag;

  /** The flag's proxy and the member it came from. */
  private record Flag(HazelcastInstance member, IAtomicLong proxy) {
  }

  /** @param hazelcast the leadership member now: a replaced member's proxy is not used again */
  public MaintenanceMode(Supplier<HazelcastInstance> hazelcast, String cluster) {
    this.hazelcast = hazelcast;
    this.name = "meridian-paused-" + cluster;
  }

  private IAtomicLong flag() {
    HazelcastInstance member = hazelcast.get();
    Flag f = flag;
    if (f == null || f.member() != member) {
      f = new Flag(member, member.getCPSubsystem().getAtomicLong(name));
      flag = f;
    }
    return f.proxy();
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
