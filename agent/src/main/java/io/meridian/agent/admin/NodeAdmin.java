package io.meridian.agent.admin;

import io.meridian.messages.NodeAddress;
import io.meridian.runtime.config.RedisAuth;
import java.time.Duration;
import org.redisson.client.RedisClient;
import org.redisson.client.RedisClientConfig;
import org.redisson.client.RedisConnection;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.RedisCommand;

/**
 * Blocking administrative commands on one Redis node, for command-line tools and cluster
 * formation (never for an event loop). One connection, opened lazily, closed by {@link #close()}.
 */
public final class NodeAdmin implements AutoCloseable {

  private final String node;
  private final RedisClient client;
  private RedisConnection connection;

  public NodeAdmin(String node, RedisAuth auth, Duration timeout) {
    this.node = node;
    RedisClientConfig config = new RedisClientConfig()
        .setAddress(NodeAddress.host(node), NodeAddress.port(node))
        .setConnectTimeout((int) timeout.toMillis())
        .setCommandTimeout((int) timeout.toMillis())
        .setClientName("meridian-admin");
    auth.user().ifPresent(config::setUsername);
    auth.password().ifPresent(p -> config.setPassword(p.reveal()));
    this.client = RedisClient.create(config);
  }

  public String node() {
    return node;
  }

  /** Runs {@code name args…} and returns the reply as text. */
  public String call(String name, Object... args) {
    if (connection == null || !connection.isActive()) {
      if (connection != null) {
        connection.closeAsync();
      }
      connection = client.connect();
    }
    Object reply = connection.sync(StringCodec.INSTANCE, new RedisCommand<>(name), args);
    return String.valueOf(reply);
  }

  public String myId() {
    return call("CLUSTER", "MYID");
  }

  public String info(String... sections) {
    return call("INFO", (Object[]) sections);
  }

  public String clusterInfo() {
    return call("CLUSTER", "INFO");
  }

  public String clusterNodes() {
    return call("CLUSTER", "NODES");
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.closeAsync();
    }
    client.shutdown();
  }
}
