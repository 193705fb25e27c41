package io.meridian.agent.admin;

import io.meridian.runtime.config.RedisAuth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.redisson.client.RedisClient;
import org.redisson.client.RedisClientConfig;
import org.redisson.client.RedisConnection;
import org.redisson.client.RedisException;
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
    RedisClientConfig config = RedisConnections.config(node, auth)
        .setConnectTimeout((int) timeout.toMillis())
        .setCommandTimeout((int) timeout.toMillis())
        .setClientName("meridian-admin");
    this.client = RedisClient.create(config);
  }

  public String node() {
    return node;
  }

  /**
   * Runs {@code name args…} and returns the reply as text.
   *
   * @throws AdminCommandException naming the node, the command and Redis's error, without the arguments
   */
  public String call(String name, Object... args) {
    return String.valueOf(send(name, args));
  }

  /** Runs a command whose reply is an array, as strings. */
  public List<String> list(String name, Object... args) {
    List<String> out = new ArrayList<>();
    if (send(name, args) instanceof List<?> items) {
      items.forEach(i -> out.add(String.valueOf(i)));
    }
    return out;
  }

  private Object send(String name, Object... args) {
    try {
      if (connection == null || !connection.isActive()) {
        if (connection != null) {
          connection.closeAsync();
        }
        connection = client.connect();
      }
      return connection.sync(StringCodec.INSTANCE, new RedisCommand<>(name), args);
    } catch (RedisException e) {
      String what = args.length > 0 && args[0] instanceof String sub && name.matches("CLUSTER|CONFIG")
          ? name + " " + sub : name;
      throw new AdminCommandException(node + ": " + what + " failed: " + redisError(e));
    }
  }

  /** Redis's error text without Redisson's dump of the command data (which includes the arguments). */
  static String redisError(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int cut = message.indexOf(". channel:");
    if (cut < 0) {
      cut = message.indexOf(" channel:");
    }
    if (cut < 0) {
      cut = message.indexOf("CommandData");
    }
    message = cut < 0 ? message : message.substring(0, cut);
    if (e.getCause() != null && message.contains("Unable to connect")) {
      message = message + ": " + e.getCause().getMessage();
    }
    return message.length() > 300 ? message.substring(0, 300) + "…" : message;
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
