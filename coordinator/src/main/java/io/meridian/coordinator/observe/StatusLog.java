package io.meridian.coordinator.observe;

import io.meridian.coordinator.view.ClusterView;
import io.meridian.coordinator.view.NodeStatus;
import io.meridian.coordinator.view.NodeView;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs every node's status when it changes, with the reason, as this coordinator sees it. */
public final class StatusLog {

  private static final Logger LOG = LoggerFactory.getLogger(StatusLog.class);

  private final Map<String, NodeStatus> last = new HashMap<>();

  public void changes(ClusterView view, Instant now, Duration staleAfter) {
    for (NodeView node : view.nodes().values()) {
      NodeStatus status = node.status(now, staleAfter);
      NodeStatus before = last.put(node.address(), status);
      if (status != before) {
        LOG.atInfo()
            .addKeyValue("node", node.address())
            .addKeyValue("region", node.region())
            .addKeyValue("status", status.name().toLowerCase(Locale.ROOT))
            .log("node {} ({}) is {}{}: {}", node.address(), node.region(), status.name().toLowerCase(Locale.ROOT),
                before == null ? "" : " (was " + before.name().toLowerCase(Locale.ROOT) + ")",
                node.reason(now, staleAfter));
      }
    }
  }
}
