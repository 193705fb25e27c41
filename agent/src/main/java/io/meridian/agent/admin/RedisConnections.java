package io.meridian.agent.admin;

import io.meridian.messages.NodeAddress;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.config.RedisTls;
import org.redisson.client.RedisClientConfig;
import org.redisson.config.SslVerificationMode;

/**
 * How every single-node Redisson connection Meridian opens is set up: the node's address, the
 * credentials, and TLS when {@code redis.tls} is set ({@code rediss://}, the node's certificate
 * checked against the CA, Meridian's client certificate presented). One place, so that the
 * probe, the admin connection and direct mode cannot differ.
 */
public final class RedisConnections {

  private RedisConnections() {
  }

  /**
   * Seeds and transport of a cluster-aware client (the benchmarks' and tests' writers) for nodes
   * reached with {@code auth}: {@code rediss://} and the same CA-only check and client certificate on
   * TLS nodes, the password when there is one.
   */
  public static org.redisson.config.ClusterServersConfig cluster(org.redisson.config.Config config,
      java.util.List<String> seeds, RedisAuth auth) {
    String scheme = auth.tls().isPresent() ? "rediss://" : "redis://";
    org.redisson.config.ClusterServersConfig cluster = config.useClusterServers()
        .addNodeAddress(seeds.stream().map(s -> scheme + s).toArray(String[]::new));
    auth.tls().ifPresent(tls -> {
      cluster.setSslVerificationMode(SslVerificationMode.CA_ONLY).setSslTrustManagerFactory(tls.trustManagers());
      tls.keyManagers().ifPresent(cluster::setSslKeyManagerFactory);
    });
    auth.user().ifPresent(cluster::setUsername);
    auth.password().ifPresent(p -> cluster.setPassword(p.reveal()));
    return cluster;
  }

  /** A client config for {@code node} ({@code host:port}) with {@code auth}'s credentials and transport. */
  public static RedisClientConfig config(String node, RedisAuth auth) {
    RedisClientConfig config = new RedisClientConfig();
    if (auth.tls().isPresent()) {
      RedisTls tls = auth.tls().get();
      config.setAddress("rediss://" + NodeAddress.host(node) + ":" + NodeAddress.port(node))
          // The CA is the trust: agents reach their nodes on loopback, under names no certificate carries.
          .setSslVerificationMode(SslVerificationMode.CA_ONLY)
          .setSslTrustManagerFactory(tls.trustManagers());
      tls.keyManagers().ifPresent(config::setSslKeyManagerFactory);
    } else {
      config.setAddress(NodeAddress.host(node), NodeAddress.port(node));
    }
    auth.user().ifPresent(config::setUsername);
    auth.password().ifPresent(p -> config.setPassword(p.reveal()));
    return config;
  }
}
