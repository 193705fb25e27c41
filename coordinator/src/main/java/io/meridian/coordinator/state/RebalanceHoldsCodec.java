package io.meridian.coordinator.state;

import io.meridian.coordinator.rebalance.RebalanceCycle;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The rebalancer's operator holds as JSON, to hand them from one leader to the next through the CP
 * group. Strict: anything malformed is rejected with what and where.
 */
public final class RebalanceHoldsCodec implements CpTermRegister.Codec<RebalanceCycle.Holds> {

  static final int VERSION = 1;

  @Override
  public String encode(RebalanceCycle.Holds holds, long term) {
    JsonObject held = new JsonObject();
    holds.failbackHeld().forEach((shard, until) -> held.put(shard, until.toString()));
    JsonObject json = new JsonObject().put("version", VERSION).put("term", term).put("failbackHeld", held);
    holds.failbackApprovedUntil().ifPresent(until -> json.put("failbackApprovedUntil", until.toString()));
    return json.encode();
  }

  @Override
  public CpTermRegister.Stamped<RebalanceCycle.Holds> decode(String text) {
    JsonObject root = StoredJson.versioned(text, VERSION);
    long term = StoredJson.term(root);
    JsonObject held = StrictFields.object(root, "failbackHeld", "");
    Map<String, Instant> until = new HashMap<>();
    for (String shard : held.fieldNames()) {
      until.put(shard, StrictFields.instant(held, shard, "failbackHeld."));
    }
    Optional<Instant> approved = root.containsKey("failbackApprovedUntil")
        ? Optional.of(StrictFields.instant(root, "failbackApprovedUntil", "")) : Optional.empty();
    return new CpTermRegister.Stamped<>(term, new RebalanceCycle.Holds(approved, until));
  }
}
