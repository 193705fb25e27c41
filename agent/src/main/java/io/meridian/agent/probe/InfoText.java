package io.meridian.agent.probe;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The {@code field:value} lines of an {@code INFO} or {@code CLUSTER INFO} reply. */
record InfoText(Map<String, String> fields) {

  InfoText {
    fields = Map.copyOf(fields);
  }

  static InfoText parse(String reply) {
    Map<String, String> fields = new HashMap<>();
    for (String line : reply.split("\r?\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return new InfoText(fields);
  }

  Optional<String> get(String field) {
    return Optional.ofNullable(fields.get(field));
  }

  long number(String field, long fallback) {
    String v = fields.get(field);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  Optional<Long> optNumber(String field) {
    String v = fields.get(field);
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(v));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
