package io.meridian.coordinator.api;

import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.audit.SharedHistory;
import io.meridian.coordinator.state.RecoveryJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/** The {@code /api/v1/history} document: the shared history, oldest first, optionally of one kind. */
final class HistoryDocument {

  private HistoryDocument() {
  }

  static JsonObject render(String observedBy, SharedHistory.Shown shown, Optional<String> kind) {
    JsonArray array = new JsonArray();
    shown.entries().stream().filter(r -> kind.isEmpty() || kind.get().equals(r.entry().kind())).forEach(r -> {
      History.Entry e = r.entry();
      JsonObject json = new JsonObject().put("at", e.at().toString()).put("term", e.term()).put("shard", e.shard())
          .put("kind", e.kind()).put("text", e.text()).put("commandId", e.id().orElse(null)).put("by", r.by())
          .put("seq", r.seq().isPresent() ? r.seq().getAsLong() : null);
      e.recovery().ifPresent(rec -> json.put("recovery", RecoveryJson.encode(rec)));
      array.add(json);
    });
    JsonObject doc = new JsonObject().put("observedBy", observedBy).put("source", shown.source()).put("entries", array);
    kind.ifPresent(k -> doc.put("kind", k));
    shown.note().ifPresent(n -> doc.put("note", n));
    return doc;
  }
}
