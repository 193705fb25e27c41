package io.meridian.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.config.Secret;
import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.testing.FreePorts;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The packaged demo (3 regions × 3 nodes, Meridian as the failover authority) started as a
 * separate process for an end-to-end test, with a cluster-mode client, and the helpers such tests
 * share. {@link #close()} ends the demo and every process it or the test started, by PID.
 */
final class DemoCluster implements AutoCloseable {

  static final Path JAR = Path.of("target", "meridian.jar");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final Path state;
  final int basePort;
  final int apiPort;
  final JsonObject pids;
  private RedissonClient client;
  private final Process demo;
  private final List<Long> started = new ArrayList<>();

  private DemoCluster(Path state, int basePort, int apiPort, Process demo, JsonObject pids) {
    this.state = state;
    this.basePort = basePort;
    this.apiPort = apiPort;
    this.demo = demo;
    this.pids = pids;
  }

  /** Starts the demo in {@code topology} and waits until it is ready. */
  static DemoCluster start(Path state, String topology, String... extra) throws Exception {
    int basePort = FreePorts.redisPortRange(9);
    // Coordinators on apiPort + i, their agents on apiPort + regions + i.
    int apiPort = FreePorts.range(6);
    int busPort = FreePorts.busPorts(12);
    Path output = state.resolve("demo.out");
    List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toAbsolutePath().toString(), "demo",
        "--failover", "meridian", "--topology", topology,
        "--base-port", Integer.toString(basePort), "--api-port", Integer.toString(apiPort),
        "--bus-port", Integer.toString(busPort), "--state-dir", state.resolve("demo").toString()));
    command.addAll(List.of(extra));
    Process demo = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
        assertThat(demo.isAlive()).as("demo exited early:%n%s%n%s", Files.readString(output), logTails(state)).isTrue();
        return Files.readString(output).contains("meridian: ready");
      });
      JsonObject pidsJson = new JsonObject(Files.readString(state.resolve("demo").resolve("pids.json")));
      DemoCluster cluster = new DemoCluster(state, basePort, apiPort, demo, pidsJson);
      for (String region : pidsJson.fieldNames()) {
        pidsJson.getJsonObject(region).getJsonArray("redis").forEach(p -> cluster.started.add(((Number) p).longValue()));
        cluster.started.add(pidsJson.getJsonObject(region).getLong("agent"));
        cluster.started.add(pidsJson.getJsonObject(region).getLong("coordinator"));
      }
      try {
        cluster.client();
      } catch (RuntimeException e) {
        cluster.close();
        throw e;
      }
      return cluster;
    } catch (Exception | AssertionError e) {
      // The demo's own shutdown hook ends what it started.
      demo.destroy();
      if (!demo.waitFor(15, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
      }
      throw e;
    }
  }

  /** The last lines of every process log of the demo: what a failed start leaves to read. */
  private static String logTails(Path state) throws IOException {
    Path logs = state.resolve("demo").resolve("logs");
    if (!Files.isDirectory(logs)) {
      return "(no logs)";
    }
    StringBuilder b = new StringBuilder();
    try (java.util.stream.Stream<Path> files = Files.list(logs)) {
      for (Path f : files.sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        b.append("--- ").append(f.getFileName()).append(" (last 15 lines)\n");
        lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> b.append(l).append('\n'));
      }
    }
    return b.toString();
  }

  /**
   * The cluster-mode client, made while every node answers (its start is retried: on a busy machine
   * Redisson's first PING can time out) and kept, so that it follows the cluster's changes.
   */
  synchronized RedissonClient client() {
    if (client == null) {
      Config config = new Config();
      // Writes to primaries only, few connections: the tests measure the control plane, not the client's pools.
      io.meridian.agent.admin.RedisConnections.cluster(config, List.of("127.0.0.1:" + basePort), auth())
          .setScanInterval(250)
          .setTimeout(500).setRetryAttempts(0).setConnectTimeout(2000)
          .setReadMode(org.redisson.config.ReadMode.MASTER)
          .setMasterConnectionMinimumIdleSize(1).setMasterConnectionPoolSize(4)
          .setSlaveConnectionMinimumIdleSize(1).setSlaveConnectionPoolSize(2);
      client = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> Redisson.create(config),
          c -> c != null);
    }
    return client;
  }

  /** Every coordinator's API, as --api and MERIDIAN_API take them: commands try them in turn and follow the leader among them. */
  String apiUrls() {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < pids.fieldNames().size(); i++) {
      urls.add("http://127.0.0.1:" + (apiPort + i));
    }
    return String.join(",", urls);
  }

  /** Node {@code i} (0-based over all regions, in spec order). */
  String node(int i) {
    return "127.0.0.1:" + (basePort + i);
  }

  long redisPid(String region, int index) {
    return pids.getJsonObject(region).getJsonArray("redis").getLong(index);
  }

  String operatorToken() throws IOException {
    return Files.readString(state.resolve("demo").resolve("operator-token")).trim();
  }

  /** The password every node of the demo requires (generated by the demo, mode 0600). */
  String redisPassword() {
    try {
      return Files.readString(state.resolve("demo").resolve("security").resolve("redis.password")).trim();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("the demo's Redis password file", e);
    }
  }

  /** How a test authenticates to the demo's nodes. */
  RedisAuth auth() {
    // The spec's: the password, and TLS unless the demo runs its nodes without (--no-redis-tls).
    try {
      return io.meridian.runtime.spec.ClusterSpecReader.load(state.resolve("demo").resolve("spec.yaml"), Map.of()).auth();
    } catch (Exception e) {
      throw new IllegalStateException("the demo's spec does not read", e);
    }
  }

  /**
   * The settings of a node a test adds to the demo's cluster: the demo's, its password and TLS
   * included, but not tls-replication: adding the node sets it (CONFIGURE, the settings Meridian
   * owns), which the check then confirms. tls-cluster must be there at start (Redis fixes the
   * cluster bus port then).
   */
  Map<String, String> nodeSettings() {
    Map<String, String> settings = new java.util.LinkedHashMap<>(
        RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5), redisPassword()));
    auth().tls().ifPresent(tls -> {
      settings.putAll(RedisServerProcess.tlsSettings(tls.certFile().orElseThrow(), tls.keyFile().orElseThrow(),
          tls.caFile()));
      settings.remove("tls-replication");
    });
    return settings;
  }

  /** Starts a demo node again from its own config and data dir (as an operator restarts a crashed node). */
  long restartNode(int i) throws IOException {
    Path dir = state.resolve("demo").resolve("redis").resolve(Integer.toString(basePort + i));
    Process p = new ProcessBuilder("redis-server", dir.resolve("redis.conf").toString()).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
        .start();
    started.add(p.pid());
    return p.pid();
  }

  @Override
  public void close() throws Exception {
    if (client != null) {
      client.shutdown();
    }
    if (demo.isAlive()) {
      demo.destroy();
      if (!demo.waitFor(10, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
      }
    }
    started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  boolean write(String key, long value) {
    try {
      client().getBucket(key).set(value);
      return true;
    } catch (RuntimeException e) {
      lastWriteError = e;
      return false;
    }
  }

  private volatile RuntimeException lastWriteError;

  /** Writes every 20 ms until one is acknowledged; returns when (System.nanoTime). */
  long awaitWrite(String key, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    long i = 0;
    while (System.nanoTime() < deadline) {
      if (write(key, ++i)) {
        return System.nanoTime();
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    StringBuilder causes = new StringBuilder();
    for (Throwable c = lastWriteError == null ? null : lastWriteError.getCause(); c != null; c = c.getCause()) {
      causes.append(", caused by ").append(c);
    }
    throw new AssertionError("no write to " + key + " was acknowledged within " + atMost + "; the client's last error: "
        + lastWriteError + causes + "\n" + clusterView(key));
  }

  /**
   * What each node that still answers says of the cluster, and whether the key's owner takes the
   * write on a plain connection: tells a control plane that did not act from a client that lost its way.
   */
  private String clusterView(String key) {
    StringBuilder b = new StringBuilder();
    int nodes = pids.fieldNames().stream().mapToInt(r -> pids.getJsonObject(r).getJsonArray("redis").size()).sum();
    for (int i = 0; i < nodes; i++) {
      try (NodeAdmin admin = new NodeAdmin(node(i), auth(), Duration.ofSeconds(1))) {
        b.append("--- ").append(node(i)).append(": CLUSTER NODES\n").append(admin.clusterNodes());
        String answer;
        try {
          answer = admin.call("SET", key, "diagnostic");
        } catch (RuntimeException e) {
          answer = e.getMessage();
        }
        b.append("direct SET ").append(key).append(": ").append(answer).append('\n');
      } catch (RuntimeException e) {
        b.append("--- ").append(node(i)).append(": ").append(e.getMessage()).append('\n');
      }
    }
    try {
      b.append(logTails(state));
    } catch (IOException e) {
      b.append("(log tails unreadable: ").append(e.getMessage()).append(")\n");
    }
    return b.toString();
  }

  static String keyInSlots(int from, int to) {
    return keysInSlots(from, to, 1).get(0);
  }

  /** The first {@code count} keys {@code k<i>} whose slots lie in {@code from..to}. */
  static List<String> keysInSlots(int from, int to, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 100_000 && keys.size() < count; i++) {
      int slot = io.meridian.messages.KeySlot.of("k" + i);
      if (slot >= from && slot <= to) {
        keys.add("k" + i);
      }
    }
    return keys;
  }

  /**
   * Writes increasing values to {@code keys} over and over on a thread of its own, remembering the
   * last value each key's write was acknowledged with, until {@link Writer#stop}.
   */
  Writer writer(List<String> keys) {
    Writer w = new Writer(keys);
    w.thread.start();
    return w;
  }

  final class Writer {
    private final List<String> keys;
    private final long[] acked;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long attempts;
    private volatile long failures;

    Writer(List<String> keys) {
      this.keys = List.copyOf(keys);
      this.acked = new long[keys.size()];
      this.thread = new Thread(this::run, "test-writer");
    }

    private void run() {
      long value = 0;
      while (running) {
        value++;
        for (int i = 0; i < keys.size() && running; i++) {
          attempts++;
          if (write(keys.get(i), value)) {
            acked[i] = value;
          } else {
            failures++;
          }
        }
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
    }

    long acknowledged() {
      return attempts - failures;
    }

    /** Stops writing, then reads every key back: each must hold at least its last acknowledged value. */
    void stopAndVerify() throws InterruptedException {
      running = false;
      thread.join(10_000);
      for (int i = 0; i < keys.size(); i++) {
        String key = keys.get(i);
        long expected = acked[i];
        Object stored = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
            .until(() -> client().getBucket(key).get(), v -> true);
        long value = stored == null ? 0 : ((Number) stored).longValue();
        assertThat(value).as("key %s: last acknowledged write was %d", key, expected).isGreaterThanOrEqualTo(expected);
      }
      System.out.printf("writer: %d writes, %d not acknowledged; every acknowledged write is there%n", attempts,
          failures);
      assertThat(attempts - failures).as("some writes were acknowledged").isPositive();
    }
  }

  static int regionIndex(JsonObject leader) {
    return Integer.parseInt(leader.getString("region").substring("region-".length())) - 1;
  }

  static JsonObject awaitLeader(int port, long aboveTerm) {
    JsonObject[] leader = new JsonObject[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
      leader[0] = get(port, "/api/v1/leader");
      return leader[0].getString("leader") != null && leader[0].getLong("term") > aboveTerm;
    });
    return leader[0];
  }

  static JsonObject primaryOwning(int apiPort, int slot) throws Exception {
    JsonObject regions = get(apiPort, "/api/v1/cluster").getJsonObject("regions");
    for (String region : regions.fieldNames()) {
      for (Object o : regions.getJsonObject(region).getJsonArray("nodes")) {
        JsonObject n = (JsonObject) o;
        if ("primary".equals(n.getString("role")) && n.getBoolean("healthy") && n.getJsonArray("slots").stream()
            .anyMatch(s -> String.valueOf(s).startsWith(slot + "-"))) {
          return n;
        }
      }
    }
    throw new AssertionError("no primary owns slot " + slot);
  }

  static JsonObject nodeAt(int apiPort, String address) throws Exception {
    JsonObject regions = get(apiPort, "/api/v1/cluster").getJsonObject("regions");
    for (String region : regions.fieldNames()) {
      for (Object o : regions.getJsonObject(region).getJsonArray("nodes")) {
        if (((JsonObject) o).getString("address").equals(address)) {
          return (JsonObject) o;
        }
      }
    }
    throw new AssertionError(address + " not in the view");
  }

  /**
   * Command entries in the history, as every coordinator that answers tells it: each counted once
   * (the history is shared, and a coordinator cut off from the CP group shows its own).
   */
  int commands() throws Exception {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 3; i++) {
      try {
        get(apiPort + i, "/api/v1/history").getJsonArray("entries").stream().map(e -> (JsonObject) e)
            .filter(e -> "command".equals(e.getString("kind")))
            .forEach(e -> seen.add(e.getString("by") + " " + e.getString("at") + " " + e.getString("text")));
      } catch (IOException unreachable) {
        // a stopped coordinator has no history to add
      }
    }
    return seen.size();
  }

  record Run(int exit, String output) {
  }

  /** A {@code meridian} command started and left running; its output goes to {@code out}. */
  Process spawn(Path out, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    started.add(p.pid());
    return p;
  }

  Run meridian(Map<String, String> env, String... args) throws Exception {
    Path out = Files.createTempFile(state, "run", ".out");
    Process p = spawn(out, env, args);
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("meridian " + String.join(" ", args) + " did not finish within 3 minutes:\n"
          + Files.readString(out));
    }
    return new Run(p.exitValue(), Files.readString(out));
  }

  static JsonObject get(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body());
  }

  /** A request with an optional operator token and JSON body; the status and the body as text. */
  static HttpResponse<String> send(String method, String url, String token, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends SIGHUP (re-read the config) to a process the demo started. */
  static void reload(long pid) throws IOException, InterruptedException {
    assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(pid)).start().waitFor()).isZero();
  }

  static String javaBin() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
