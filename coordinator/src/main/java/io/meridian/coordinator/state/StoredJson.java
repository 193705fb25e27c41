package io.meridian.coordinator.state;

import io.vertx.core.json.JsonObject;

/** What every JSON document Meridian keeps in the CP group starts with, read strictly. */
final class StoredJson {

  private StoredJson() {
  }

  /**
   * The document as an object whose {@code version} is {@code version}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static JsonObject versioned(String text, int version) {
    JsonObject root;
    try {
      root = new JsonObject(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
    }
    if (!Integer.valueOf(version).equals(root.getValue("version"))) {
      throw new IllegalArgumentException("field 'version': expected " + version + ", got " + root.getValue("version"));
    }
    return root;
  }

  /** The leader term the document was written under: a non-negative integer. */
  static long term(JsonObject root) {
    Object term = root.getValue("term");
    if (!(term instanceof Integer || term instanceof Long) || ((Number) term).longValue() < 0) {
      throw new IllegalArgumentException("field 'term': expected a non-negative integer, got " + term);
    }
    return ((Number) term).longValue();
  }
}
