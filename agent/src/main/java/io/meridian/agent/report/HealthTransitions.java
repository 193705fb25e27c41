package io.meridian.agent.report;

import io.meridian.messages.NodeHealthReport;
import io.meridian.messages.RedisState;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Says, once, when a node's health changes (answering ↔ refused / timeout / …, or its role), so
 * the agent's log is a record of changes rather than one line per probe round. Pure.
 */
public final class HealthTransitions {

  private final Map<String, String> last = new HashMap<>();

  /** A sentence for the log when this report changes the node's condition; empty otherwise. */
  public Optional<String> observe(NodeHealthReport report) {
    String now = condition(report);
    String before = last.put(report.node(), now);
    if (now.equals(before)) {
      return Optional.empty();
    }
    String detail = report.failure().map(f -> ": " + f.detail()).orElse("");
    return Optional.of("node " + report.node() + " is " + now + detail + (before == null ? "" : " (was " + before + ")"));
  }

  private static String condition(NodeHealthReport report) {
    if (report.failure().isPresent()) {
      return "unreachable (" + report.failure().get().kind().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
    RedisState s = report.state().orElseThrow();
    String role = s.role() == RedisState.Role.PRIMARY ? "primary" : "replica of " + s.primary().orElse("?");
    return "up as " + role;
  }
}
