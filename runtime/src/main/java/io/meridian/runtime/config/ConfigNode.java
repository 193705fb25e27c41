package io.meridian.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Strict reader over one mapping of a YAML config file. Every accessor names the field's full
 * path on error; {@link #finish()} rejects fields nobody asked for, so a typo is an error and
 * not a silently ignored setting.
 */
public final class ConfigNode {


  private final String file;
  private final String path;
  private final JsonNode node;
  private final Set<String> read = new LinkedHashSet<>();
  private final List<ConfigNode> children = new ArrayList<>();

  ConfigNode(String file, String path, JsonNode node) {
    this.file = file;
    this.path = path;
    this.node = node;
  }

  public String file() {
    return file;
  }

  private String where(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  public ConfigException error(String field, String reason) {
    return new ConfigException(file, where(field), reason);
  }

  private JsonNode value(String field) {
    read.add(field);
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  /** Whether the field is set; asking counts as knowing it, for the unknown-field message. */
  public boolean has(String field) {
    read.add(field);
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  /**
   * A field that is no longer read: when set, an error that says why ({@code reason}); not one of
   * the fields this mapping knows.
   */
  public void retired(String field, String reason) throws ConfigException {
    if (node.get(field) != null) {
      throw error(field, reason);
    }
  }

  private JsonNode required(String field) throws ConfigException {
    JsonNode v = value(field);
    if (v == null) {
      throw error(field, "is required");
    }
    return v;
  }

  private static String describe(JsonNode v) {
    JsonNodeType t = v.getNodeType();
    return switch (t) {
      case STRING -> "\"" + v.asText() + "\"";
      case OBJECT -> "a mapping";
      case ARRAY -> "a list";
      default -> v.toString();
    };
  }

  public String string(String field) throws ConfigException {
    JsonNode v = required(field);
    if (!v.isTextual() && !v.isNumber()) {
      throw error(field, "must be a string, got " + describe(v));
    }
    String s = v.asText().trim();
    if (s.isEmpty()) {
      throw error(field, "must not be empty");
    }
    return s;
  }

  public String string(String field, String defaultValue) throws ConfigException {
    return value(field) == null ? defaultValue : string(field);
  }

  /** An identifier used in addresses and labels: letters, digits, '.', '_' and '-'. */
  public String name(String field) throws ConfigException {
    return checkName(field, string(field));
  }

  public String name(String field, String defaultValue) throws ConfigException {
    return value(field) == null ? defaultValue : name(field);
  }

  private String checkName(String field, String s) throws ConfigException {
    if (!s.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
      throw error(field, "must be 1-63 letters, digits, '.', '_' or '-' (starting with a letter or digit), got \"" + s + "\"");
    }
    return s;
  }

  public int integer(String field, int defaultValue, int min, int max) throws ConfigException {
    JsonNode v = value(field);
    if (v == null) {
      return defaultValue;
    }
    if (!v.isIntegralNumber()) {
      throw error(field, "must be a whole number, got " + describe(v));
    }
    long n = v.asLong();
    if (n < min || n > max) {
      throw error(field, "must be between " + min + " and " + max + ", got " + n);
    }
    return (int) n;
  }

  /** A duration such as {@code 250ms}, {@code 3s}, {@code 1m} or {@code 1h}, within bounds. */
  public Duration duration(String field, Duration defaultValue, Duration min, Duration max) throws ConfigException {
    JsonNode v = value(field);
    if (v == null) {
      return defaultValue;
    }
    Optional<Duration> parsed = v.isTextual() ? Durations.parse(v.asText()) : Optional.empty();
    if (parsed.isEmpty()) {
      throw error(field, "must be a duration like 250ms, 3s, 1m or 1h, got " + describe(v));
    }
    Duration d = parsed.get();
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw error(field, "must be between " + Durations.format(min) + " and " + Durations.format(max) + ", got "
          + Durations.format(d));
    }
    return d;
  }

  public boolean bool(String field, boolean defaultValue) throws ConfigException {
    JsonNode v = value(field);
    if (v == null) {
      return defaultValue;
    }
    if (!v.isBoolean()) {
      throw error(field, "must be true or false, got " + describe(v));
    }
    return v.asBoolean();
  }

  /** A list of strings, each checked by {@code check} (which returns an error text or null). */
  public List<String> strings(String field, List<String> defaultValue, Function<String, String> check)
      throws ConfigException {
    JsonNode v = value(field);
    if (v == null) {
      return defaultValue;
    }
    if (!v.isArray()) {
      throw error(field, "must be a list, got " + describe(v));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      String itemField = field + "[" + i + "]";
      if (!item.isTextual() || item.asText().isBlank()) {
        throw error(itemField, "must be a non-empty string, got " + describe(item));
      }
      String problem = check.apply(item.asText().trim());
      if (problem != null) {
        throw error(itemField, problem);
      }
      out.add(item.asText().trim());
    }
    return List.copyOf(out);
  }

  /** A nested mapping; absent reads as an empty mapping so that its fields take their defaults. */
  public ConfigNode object(String field) throws ConfigException {
    JsonNode v = value(field);
    if (v != null && !v.isObject()) {
      throw error(field, "must be a mapping, got " + describe(v));
    }
    ConfigNode child = new ConfigNode(file, where(field),
        v == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : v);
    children.add(child);
    return child;
  }

  /** A required list of mappings, each read as its own node ({@code field[i]} in errors). */
  public List<ConfigNode> list(String field) throws ConfigException {
    return listOrScalars(field, null);
  }

  /**
   * A required list whose items are mappings or, when {@code scalarKey} is given, plain values
   * standing for {@code {scalarKey: value}} (e.g. a node given just as its address).
   */
  public List<ConfigNode> listOrScalars(String field, String scalarKey) throws ConfigException {
    JsonNode v = required(field);
    if (!v.isArray()) {
      throw error(field, "must be a list, got " + describe(v));
    }
    List<ConfigNode> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      String itemPath = where(field) + "[" + i + "]";
      if (item.isObject()) {
        ConfigNode child = new ConfigNode(file, itemPath, item);
        children.add(child);
        out.add(child);
      } else if (scalarKey != null && item.isValueNode() && !item.isNull()) {
        ConfigNode child = new ConfigNode(file, itemPath,
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put(scalarKey, item.asText()));
        children.add(child);
        out.add(child);
      } else {
        throw new ConfigException(file, itemPath, "must be a mapping" + (scalarKey == null ? "" : " or a " + scalarKey)
            + ", got " + describe(item));
      }
    }
    return out;
  }

  /**
   * The value of the environment variable that {@code field} names (secrets are kept out of
   * files this way): the name must be a variable name, and the variable set and not blank.
   */
  public String fromEnvironment(String field, java.util.Map<String, String> env) throws ConfigException {
    String variable = string(field);
    if (!variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw error(field, "must be the name of an environment variable, got \"" + variable + "\"");
    }
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      throw error(field, "environment variable " + variable + " is not set (or empty)");
    }
    return value;
  }

  /**
   * The full path of every field asked for here and in the mappings read under it (list items as
   * {@code field[i]}): what this file's reader knows, defaults included, for the docs' check.
   */
  public Set<String> fieldsRead() {
    Set<String> all = new java.util.TreeSet<>();
    read.forEach(f -> all.add(where(f)));
    children.forEach(c -> all.addAll(c.fieldsRead()));
    return all;
  }

  /** Rejects any field of this mapping (and of the nested mappings read) that was not read. */
  public void finish() throws ConfigException {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!read.contains(name)) {
        throw new ConfigException(file, where(name), "unknown field (known here: " + String.join(", ", read) + ")");
      }
    }
    for (ConfigNode child : children) {
      child.finish();
    }
  }
}
