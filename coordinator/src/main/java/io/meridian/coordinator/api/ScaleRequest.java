package io.meridian.coordinator.api;

import io.meridian.coordinator.scale.ScalePlanner;
import io.meridian.messages.NodeAddress;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a scaling call asks for: {@code POST /api/v1/nodes} with {@code {"node": "host:port",
 * "role": "auto|primary|replica"}}, or {@code DELETE /api/v1/nodes/{host:port}}. Read and checked
 * here, before anything looks at the cluster; pure.
 */
public record ScaleRequest(String operation, String node, Optional<ScalePlanner.Role> role) {

  public static final String ADD = "add-node";
  public static final String REMOVE = "remove-node";

  /** A request, or why the call is malformed (answered 400). */
  public sealed interface Parsed permits Valid, Invalid {
  }

  public record Valid(ScaleRequest request) implements Parsed {
  }

  public record Invalid(String reason) implements Parsed {
  }

  public boolean adding() {
    return operation.equals(ADD);
  }

  /** The body of {@code POST /api/v1/nodes}, as sent (null when there was none). */
  public static Parsed add(String body) {
    JsonObject json;
    try {
      json = body == null || body.isBlank() ? null : new JsonObject(body);
    } catch (RuntimeException e) {
      return new Invalid("the body must be a JSON object {\"node\": \"host:port\", \"role\": \"auto|primary|replica\"}: "
          + e.getMessage());
    }
    if (json == null || !(json.getValue("node") instanceof String node) || !NodeAddress.isValid(node)) {
      return new Invalid("the body must be a JSON object with \"node\": \"host:port\" (and optionally "
          + "\"role\": \"auto|primary|replica\")");
    }
    Object r = json.getValue("role", "auto");
    Optional<ScalePlanner.Role> role = r instanceof String text ? ScalePlanner.Role.parse(text) : Optional.empty();
    if (role.isEmpty()) {
      return new Invalid("\"role\" must be auto, primary or replica, got " + r);
    }
    Set<String> unknown = new TreeSet<>(json.fieldNames());
    unknown.removeAll(Set.of("node", "role"));
    if (!unknown.isEmpty()) {
      return new Invalid("unknown field(s) " + unknown + ": the body takes \"node\" and \"role\"");
    }
    return new Valid(new ScaleRequest(ADD, node, role));
  }

  /** The {@code node} path parameter of {@code DELETE /api/v1/nodes/{node}}. */
  public static Parsed remove(String node) {
    if (node == null || !NodeAddress.isValid(node)) {
      return new Invalid("the path must name the node as host:port, e.g. /api/v1/nodes/10.0.0.7:6379");
    }
    return new Valid(new ScaleRequest(REMOVE, node, Optional.empty()));
  }
}
