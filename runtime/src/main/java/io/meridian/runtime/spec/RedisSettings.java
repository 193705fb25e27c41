package io.meridian.runtime.spec;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Redis settings Meridian owns on every managed node. Defaults and their reasons are in the
 * docs/reference/configuration.md ("spec.yaml").
 */
public record RedisSettings(
    Duration clusterNodeTimeout,
    boolean clusterReplicaNoFailover,
    int minReplicasToWrite,
    Duration minReplicasMaxLag,
    boolean clusterRequireFullCoverage,
    boolean clusterAllowReadsWhenDown) {

  public static RedisSettings defaults() {
    return new RedisSettings(Duration.ofSeconds(5), true, 1, Duration.ofSeconds(2), false, false);
  }

  /** As {@code CONFIG SET} takes them: name → value, in a stable order. */
  public Map<String, String> asConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("cluster-node-timeout", Long.toString(clusterNodeTimeout.toMillis()));
    config.put("cluster-replica-no-failover", yesNo(clusterReplicaNoFailover));
    config.put("min-replicas-to-write", Integer.toString(minReplicasToWrite));
    config.put("min-replicas-max-lag", Long.toString(minReplicasMaxLag.toSeconds()));
    config.put("cluster-require-full-coverage", yesNo(clusterRequireFullCoverage));
    config.put("cluster-allow-reads-when-down", yesNo(clusterAllowReadsWhenDown));
    return config;
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "no";
  }
}
