package io.meridian.cli.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;

/**
 * A client of the partition bench, run as a process of its own inside a region's network
 * namespace, so that it sees the network that region sees. It writes a new key every interval,
 * one write at a time, round-robin over hash tags (one per shard it targets), until the file
 * {@code OUT.stop} appears or at most {@code DURATION_MS}, and records every acknowledged write
 * with its wall-clock time: {@code <epoch µs> <key>} per line, flushed as it goes.
 * Keys are {@code pb:{<tag>}:<side>:<n>}: a key per write, so a lost write is a missing key.
 *
 * <p>Usage: {@code PartitionWriter cluster|direct SEED[,SEED…] TAG[,TAG…] SIDE INTERVAL_MS DURATION_MS OUT}.
 * {@code cluster} is a cluster-mode client (as applications use it); {@code direct} talks to the
 * one node given, as a client that stays with its local primary.
 */
public final class PartitionWriter {

  private PartitionWriter() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 7 || !(args[0].equals("cluster") || args[0].equals("direct"))) {
      System.err.println("usage: PartitionWriter cluster|direct SEEDS TAGS SIDE INTERVAL_MS DURATION_MS OUT");
      System.exit(2);
    }
    List<String> seeds = Arrays.asList(args[1].split(","));
    List<String> tags = Arrays.asList(args[2].split(","));
    String side = args[3];
    Duration interval = Duration.ofMillis(Long.parseLong(args[4]));
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[5]));
    Path out = Path.of(args[6]);
    Path stop = stopFile(out);
    RedissonClient client = connect(config(args[0].equals("cluster"), seeds), Duration.ofSeconds(30));
    long written = 0;
    long failed = 0;
    String lastFailure = "none";
    try (BufferedWriter acks = Files.newBufferedWriter(out)) {
      for (long n = 1; System.nanoTime() < until && !Files.exists(stop); n++) {
        String key = key(tags.get((int) (n % tags.size())), side, n);
        try {
          client.getBucket(key).set(Long.toString(n));
          acks.write(micros(Instant.now()) + " " + key + "\n");
          acks.flush();
          written++;
        } catch (RuntimeException e) {
          failed++;
          lastFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        LockSupport.parkNanos(interval.toNanos());
      }
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
    System.out.printf("%s writer: %d acknowledged, %d failed (last: %s)%n", side, written, failed, lastFailure);
  }

  /**
   * The client, once it could start: its first connection's PING has the writes' 500 ms timeout,
   * which a JVM just started on a loaded machine can miss (seen in CI: the writer exited, and the
   * cut waited for it in vain). How the client starts is not what a cut measures; retried until
   * {@code within}, each failure said on stderr.
   */
  private static RedissonClient connect(Config config, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        return Redisson.create(config);
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        System.err.println("writer: the client did not start (" + e.getMessage() + "); trying again");
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
      }
    }
  }

  /** The file whose appearance stops the writer of {@code out}. */
  static Path stopFile(Path out) {
    return out.resolveSibling(out.getFileName() + ".stop");
  }

  static String key(String tag, String side, long n) {
    return "pb:{" + tag + "}:" + side + ":" + n;
  }

  static long micros(Instant at) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, at);
  }

  /** Short timeouts and no retries: what the client sees is the cluster, not the client hiding it. */
  private static Config config(boolean cluster, List<String> seeds) {
    Config config = new Config();
    if (cluster) {
      config.useClusterServers().addNodeAddress(seeds.stream().map(s -> "redis://" + s).toArray(String[]::new))
          .setScanInterval(250).setTimeout(500).setRetryAttempts(0).setConnectTimeout(1000)
          .setReadMode(ReadMode.MASTER)
          .setMasterConnectionMinimumIdleSize(1).setMasterConnectionPoolSize(4)
          .setSlaveConnectionMinimumIdleSize(1).setSlaveConnectionPoolSize(2);
    } else {
      config.useSingleServer().setAddress("redis://" + seeds.get(0)).setTimeout(500).setRetryAttempts(0)
          .setConnectTimeout(1000).setConnectionMinimumIdleSize(1).setConnectionPoolSize(2);
    }
    config.setCodec(StringCodec.INSTANCE);
    return config;
  }
}
