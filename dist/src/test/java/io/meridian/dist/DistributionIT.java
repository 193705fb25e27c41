package io.meridian.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.runtime.process.RedisBinary;
import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.process.Signals;
import io.meridian.runtime.testing.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given the archive this build produced, unpacked as an operator would, and a real one-node Redis
 * Cluster, when an agent and a coordinator run through {@code bin/meridian} with config files
 * like the shipped examples, then the agent reports; SIGHUP applies a new probe interval and
 * refuses a broken file while the process keeps running; SIGTERM stops each within 10 s, exit 0.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributionIT {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern PROBE_COUNT =
      Pattern.compile("(?m)^meridian_agent_probe_duration_seconds_count\\{[^}]*} (\\S+)$");

  @TempDir
  static Path dir;
  static Path home;
  static RedisServerProcess redis;
  static Launched coordinator;
  static Launched agent;
  static Path agentYaml;
  static Path coordinatorYaml;
  static int apiPort;
  static int agentPort;
  static int busPort;
  static Path security;

  @BeforeAll
  static void unpackAndStartRedis() throws Exception {
    home = Archive.unpack(dir.resolve("opt"));
    int port = FreePorts.redisPort();
    redis = RedisServerProcess.start(RedisBinary.locate(), dir.resolve("redis"), port,
        RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5)), Duration.ofSeconds(10));
    // A one-node cluster: it owns every slot, so its state turns ok on its own.
    assertThat(command(port, "CLUSTER ADDSLOTSRANGE 0 16383")).startsWith("+OK");
    apiPort = FreePorts.any();
    agentPort = FreePorts.any();
    busPort = FreePorts.busPorts(4);
    Path conf = Files.createDirectories(dir.resolve("etc"));
    security = io.meridian.cli.security.DevSecurity.ensure(conf.resolve("security"), List.of());
    agentYaml = conf.resolve("agent.yaml");
    coordinatorYaml = conf.resolve("coordinator.yaml");
    Files.writeString(agentYaml, agentYaml("200ms", "agent-it"));
    Files.writeString(coordinatorYaml, coordinatorYaml("2s"));
  }

  @AfterAll
  static void endEverything() throws Exception {
    for (Launched p : new Launched[] {agent, coordinator}) {
      if (p != null) {
        p.kill();
      }
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static String agentYaml(String interval, String agentId) {
    return "cluster: it\nregion: r1\nagentId: " + agentId + "\nnodes: [" + redis.address() + "]\n"
        + "probe: {interval: " + interval + ", timeout: 1s}\n"
        // One coordinator and no leader: fencing would pause the node's writes, which is right for a
        // real agent so alone and beside the point here.
        + "fencing: {enabled: false}\n"
        + "http: {host: 127.0.0.1, port: " + agentPort + "}\n"
        + "bus:\n  clusterName: dist-it-" + busPort + "\n  host: 127.0.0.1\n  port: " + (busPort + 1)
        + "\n  members: [\"127.0.0.1:" + busPort + "\"]\n"
        + io.meridian.cli.security.DevSecurity.yaml(security, io.meridian.runtime.bus.BusConfig.Role.AGENT);
  }

  private static String coordinatorYaml(String staleAfter) {
    return "cluster: it\nregion: r1\nregions: [r1, r2, r3]\nstaleAfter: " + staleAfter + "\n"
        + "http: {host: 127.0.0.1, port: " + apiPort + "}\n"
        + "bus:\n  clusterName: dist-it-" + busPort + "\n  host: 127.0.0.1\n  port: " + busPort
        + "\n  members: [\"127.0.0.1:" + busPort + "\"]\n"
        + io.meridian.cli.security.DevSecurity.yaml(security, io.meridian.runtime.bus.BusConfig.Role.COORDINATOR);
  }

  @Test
  @Order(1)
  void archiveHoldsLauncherJarExamplesAndUnits() {
    assertThat(home.getFileName().toString()).matches("meridian-\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    assertThat(home.resolve("bin/meridian")).isExecutable();
    assertThat(home.resolve("lib/meridian.jar")).isRegularFile();
    for (String file : List.of("conf/agent.yaml", "conf/coordinator.yaml", "conf/spec.yaml", "conf/meridian.env", "conf/meridian.nft",
        "systemd/meridian-agent.service", "systemd/meridian-coordinator.service", "README.md",
        "docs/README.md", "conf/prometheus.yml", "monitoring/meridian-rules.yml", "monitoring/meridian-dashboard.json")) {
      assertThat(home.resolve(file)).isRegularFile();
    }
  }

  @Test
  @Order(2)
  void launcherSaysWhatToInstallWhenThereIsNoJava() throws Exception {
    // A PATH with what the script needs, but no java.
    Path bin = Files.createDirectories(dir.resolve("nojava-bin"));
    for (String tool : List.of("bash", "env", "readlink", "dirname", "sed", "head")) {
      Files.createSymbolicLink(bin.resolve(tool), Path.of(which(tool)));
    }
    ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/meridian").toString(), "agent", "--config",
        agentYaml.toString()).redirectErrorStream(true);
    builder.environment().put("PATH", bin.toString());
    builder.environment().remove("JAVA_HOME");
    Process launcher = builder.start();
    String output = new String(launcher.getInputStream().readAllBytes());
    assertThat(launcher.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(launcher.exitValue()).isEqualTo(2);
    assertThat(output).contains("java was not found", "sudo apt-get install openjdk-17-jre-headless");
  }

  @Test
  @Order(3)
  void agentStartedThroughTheLauncherReports() throws Exception {
    coordinator = Launched.start("coordinator", home, List.of("coordinator", "--config", coordinatorYaml.toString()),
        Map.of(), dir.resolve("coordinator.log"));
    await("coordinator /health").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> alive(coordinator) && status(apiPort, "/health") == 200);
    assertThat(status(apiPort, "/ready")).as("a coordinator with no report yet is not ready").isEqualTo(503);

    // The agent logs JSON lines and gets one more JVM option through MERIDIAN_JAVA_OPTS.
    agent = Launched.start("agent", home, List.of("agent", "--config", agentYaml.toString()),
        Map.of("MERIDIAN_LOG_FORMAT", "json", "MERIDIAN_JAVA_OPTS", "-Xmx80m"), dir.resolve("agent.log"));
    await("the node healthy in the coordinator's view").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .untilAsserted(() -> {
          assertThat(alive(agent)).isTrue();
          assertThat(node().getString("status")).isEqualTo("healthy");
        });
    assertThat(node().getString("agent")).isEqualTo("agent-it");
    assertThat(status(agentPort, "/ready")).isEqualTo(200);
    assertThat(status(apiPort, "/ready")).isEqualTo(200);
    assertThat(get(agentPort, "/health").getString("status")).isEqualTo("up");

    // The launcher's agent options come first; MERIDIAN_JAVA_OPTS follows, so its -Xmx wins.
    List<String> jvm = agent.commandLine();
    assertThat(jvm).contains("-Xmx64m", "-XX:+UseSerialGC", "--add-opens", "java.base/java.lang=ALL-UNNAMED");
    assertThat(jvm.indexOf("-Xmx80m")).isGreaterThan(jvm.indexOf("-Xmx64m"));
    assertThat(coordinator.commandLine()).contains("-Xmx512m", "-XX:+UseG1GC");

    // Every datum of a log line is a JSON field of its own.
    String log = agent.log();
    JsonObject started = agent.jsonLines().stream().filter(j -> j.getString("msg").contains("probing")).findFirst()
        .orElseThrow(() -> new AssertionError("no 'probing' line in " + log));
    assertThat(started.getString("agent")).isEqualTo("agent-it");
    assertThat(started.getString("region")).isEqualTo("r1");
    assertThat(started.getString("level")).isEqualTo("INFO");
  }

  @Test
  @Order(4)
  void sighupAppliesANewProbeIntervalAndNamesWhatNeedsARestart() throws Exception {
    double before = probesDuring(Duration.ofSeconds(3));
    Files.writeString(agentYaml, agentYaml("2s", "agent-renamed"));
    long sent = System.nanoTime();
    Signals.send(agent.pid(), "HUP");
    JsonObject reloaded = awaitLine(agent, "config reloaded");
    System.out.printf("reload logged %d ms after SIGHUP%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
    assertThat(reloaded.getString("msg")).contains("probe.interval 200ms -> 2s");
    JsonObject restart = awaitLine(agent, "needs a restart");
    assertThat(restart.getString("field")).isEqualTo("agentId");
    assertThat(restart.getString("level")).isEqualTo("WARN");

    double after = probesDuring(Duration.ofSeconds(5));
    System.out.printf("probes of the node: %.0f in 3 s at 200ms, %.0f in 5 s at 2s%n", before, after);
    assertThat(before).as("at 200ms: about 15 probes in 3 s").isGreaterThanOrEqualTo(10);
    assertThat(after).as("at 2s: about 2-3 probes in 5 s").isLessThanOrEqualTo(4);
    assertThat(node().getString("agent")).as("the id needs a restart: still the old one").isEqualTo("agent-it");
    assertThat(get(agentPort, "/health").getLong("probeIntervalMs")).isEqualTo(2000L);
  }

  @Test
  @Order(5)
  void sighupWithABrokenFileIsRefusedAndTheOldConfigKeepsRunning() throws Exception {
    Files.writeString(agentYaml, agentYaml("fast", "agent-it"));
    Signals.send(agent.pid(), "HUP");
    JsonObject refused = awaitLine(agent, "config reload refused");
    assertThat(refused.getString("level")).isEqualTo("WARN");
    assertThat(refused.getString("field")).isEqualTo("probe.interval");
    assertThat(refused.getString("file")).isEqualTo(agentYaml.toString());
    assertThat(refused.getString("msg")).contains("must be a duration like 250ms, 3s, 1m or 1h, got \"fast\"");

    assertThat(alive(agent)).isTrue();
    assertThat(status(agentPort, "/ready")).isEqualTo(200);
    assertThat(get(agentPort, "/health").getLong("probeIntervalMs")).isEqualTo(2000L);
    await("fresh reports still arriving").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
        .ignoreExceptions().untilAsserted(() -> assertThat(node().getString("status")).isEqualTo("healthy"));

    // The coordinator reloads what it can too: a new stale threshold.
    Files.writeString(coordinatorYaml, coordinatorYaml("3s"));
    Signals.send(coordinator.pid(), "HUP");
    await("coordinator reload").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> coordinator.log().contains("staleAfter 2s -> 3s"));
    assertThat(get(apiPort, "/api/v1/cluster").getLong("staleAfterMs")).isEqualTo(3000L);
  }

  @Test
  @Order(6)
  void sigtermStopsEachWithinTenSecondsWithExitCodeZero() throws Exception {
    for (Launched p : List.of(agent, coordinator)) {
      long sent = System.nanoTime();
      Signals.send(p.pid(), "TERM");
      boolean exited = p.process().waitFor(10, TimeUnit.SECONDS);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
      System.out.printf("%s exited %d ms after SIGTERM%n", p, millis);
      assertThat(exited).as("%s exits within 10 s of SIGTERM; log:%n%s", p, p.log()).isTrue();
      assertThat(p.process().exitValue()).as("exit code of %s; log:%n%s", p, p.log()).isZero();
      assertThat(p.log()).contains("received SIGTERM: stopping", "stopped in");
    }
  }

  private static boolean alive(Launched p) throws IOException {
    assertThat(p.isAlive()).as("%s exited early:%n%s", p, p.log()).isTrue();
    return true;
  }

  /** Probes of the node during {@code window} (a measurement, not a wait), from the agent's own counter. */
  private static double probesDuring(Duration window) throws Exception {
    double start = probeCount();
    long end = System.nanoTime() + window.toNanos();
    for (long left = window.toNanos(); left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
    return probeCount() - start;
  }

  private static double probeCount() throws Exception {
    Matcher m = PROBE_COUNT.matcher(body(agentPort, "/metrics"));
    assertThat(m.find()).as("probe counter in the agent's /metrics").isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static JsonObject awaitLine(Launched p, String text) {
    JsonObject[] found = new JsonObject[1];
    await(text + " in " + p).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
      found[0] = p.jsonLines().stream().filter(j -> j.getString("msg", "").contains(text)).reduce((a, b) -> b)
          .orElse(null);
      return found[0] != null;
    });
    return found[0];
  }

  private static JsonObject node() throws Exception {
    JsonArray nodes = get(apiPort, "/api/v1/cluster").getJsonObject("regions").getJsonObject("r1").getJsonArray("nodes");
    assertThat(nodes).hasSize(1);
    JsonObject node = nodes.getJsonObject(0);
    assertThat(node.getString("address")).isEqualTo(redis.address());
    return node;
  }

  private static HttpResponse<String> send(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int status(int port, String path) {
    try {
      return send(port, path).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String body(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = send(port, path);
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return response.body();
  }

  private static JsonObject get(int port, String path) throws IOException, InterruptedException {
    return new JsonObject(body(port, path));
  }

  /** One inline Redis command, its first reply line. */
  private static String command(int port, String command) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[256];
      int n = in.read(reply);
      return n > 0 ? new String(reply, 0, n, StandardCharsets.US_ASCII) : "";
    }
  }

  private static String which(String tool) {
    for (String d : System.getenv("PATH").split(":")) {
      Path candidate = Path.of(d, tool);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException(tool + " not found on PATH");
  }
}
