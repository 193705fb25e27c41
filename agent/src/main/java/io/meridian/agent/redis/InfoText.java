package io.meridian.agent.redis;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The {@code field:value} lines of an {@code INFO} or {@code CLUSTER INFO} reply. */
public record InfoText(Map<String, String> fields) {

  public InfoText {
    fields = Map.copyOf(fields);
  }

  public static InfoText parse(String reply) {
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

  public Optional<String> get(String field) {
    return Optional.ofNullable(fields.get(field));
  }

  public long number(String field, long fallback) {
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

  public Optional<Long> optNumber(String field) {
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
