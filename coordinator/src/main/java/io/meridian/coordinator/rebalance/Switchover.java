package io.meridian.coordinator.rebalance;

import io.meridian.coordinator.placement.Topology;
import io.meridian.runtime.spec.ClusterSpec;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An operator's planned switchover of one shard to one of its replicas, checked against the live
 * layout: the shard named by its primary's node id or by one of its slots, the target (given or
 * chosen: the in-sync promotable replica with the least lag, in the primary's region first) healthy
 * and in sync. Pure.
 */
public final class Switchover {

  /** What {@link #plan} answers. */
  public sealed interface Result permits Planned, Refused {
  }

  /** A plain {@code CLUSTER FAILOVER} on {@code step.move().node()}. */
  public record Planned(Step step) implements Result {
  }

  /**
   * @param status the HTTP status that fits: 400 bad input, 404 no such node, 409 not possible now
   */
  public record Refused(int status, String reason) implements Result {
  }

  private Switchover() {
  }

  public static Result plan(ClusterSpec spec, Snapshot snapshot, String shard, Optional<String> to,
      RebalancePlanner.Settings settings) {
    RebalancePlanner.Layout l = new RebalancePlanner.Layout(spec, snapshot, settings);
    String primary;
    if (shard.matches("\\d{1,5}")) {
      int slot = Integer.parseInt(shard);
      if (slot >= Topology.SLOTS) {
        return new Refused(400, "slot must be 0 to " + (Topology.SLOTS - 1) + ", got " + slot);
      }
      primary = snapshot.topology().slotOwners().get(slot);
      if (primary == null) {
        return new Refused(409, "slot " + slot + " is not served by any answering primary");
      }
    } else if (shard.matches("[0-9a-f]{40}")) {
      primary = snapshot.facts().entrySet().stream().filter(e -> e.getValue().nodeId().equals(shard))
          .map(Map.Entry::getKey).findFirst().orElse(null);
      if (primary == null) {
        return new Refused(404, "no answering node has the id " + shard);
      }
    } else {
      return new Refused(400, "shard must be a primary's node id (40 hex characters) or a slot number (0 to "
          + (Topology.SLOTS - 1) + "), got \"" + shard + "\"");
    }
    if (!l.shards.contains(primary)) {
      return new Refused(409, primary + " owns no slots as a primary" + l.primaryOf(primary)
          .map(p -> " (it is a replica of " + p + ")").orElse("") + ": name the shard by its primary or one of its slots");
    }
    if (!l.healthy(primary)) {
      return new Refused(409, "primary " + primary + " is not healthy: a switchover needs it answering (a failed"
          + " primary is the failover's job)");
    }
    String name = l.name(primary);
    String replica;
    if (to.isPresent()) {
      replica = to.get();
      if (!l.replicasOf(primary).contains(replica)) {
        return new Refused(400, replica + " is not a replica of " + primary + " (shard " + name + "); its replicas are "
            + l.replicasOf(primary));
      }
      if (l.noFailover(replica)) {
        return new Refused(409, replica + " is tagged nofailover in the spec: it never becomes a primary");
      }
    } else {
      Optional<String> best = l.candidate(primary, r -> true, l.region(primary));
      if (best.isEmpty()) {
        return new Refused(409, "shard " + name + " has no replica that may become primary (its replicas: "
            + l.replicasOf(primary) + ")");
      }
      replica = best.get();
    }
    if (!l.inSync(replica, primary)) {
      return new Refused(409, replica + " is not ready to take over shard " + name + ": " + l.syncState(replica, primary)
          + (l.healthy(replica) ? "" : " (not healthy)"));
    }
    return new Planned(new Step(new Move.Failover(replica, primary), Set.of(name), Step.Kind.SWITCHOVER,
        "operator switchover of shard " + name + " from " + primary + " (" + l.region(primary) + ") to " + replica
            + " (" + l.region(replica) + ") with a plain CLUSTER FAILOVER; " + replica + " is in sync ("
            + l.syncState(replica, primary) + ")"));
  }
}
