package io.meridian.coordinator.act;

/**
 * Work only the leader does. When this coordinator stops leading, every piece hears it at once and
 * drops what it holds in memory: a successor (or this coordinator, if it leads again) continues
 * from the CP group and from what it observes, never from a deposed leader's memory.
 */
public interface LeaderWork {

  /** Called on the coordinator's context when leadership is lost, for whatever reason. */
  void leadershipLost();
}
