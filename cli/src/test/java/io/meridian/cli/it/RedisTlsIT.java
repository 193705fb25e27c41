package io.meridian.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.agent.admin.Bootstrap;
import io.meridian.agent.admin.BootstrapPlan;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.messages.SlotRange;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.config.RedisTls;
import io.meridian.runtime.process.RedisBinary;
import io.meridian.runtime.process.RedisServerProcess;
import io.meridian.runtime.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given two Redis nodes that serve TLS only (client certificates required, replication and the
 * cluster bus on TLS too), when Meridian bootstraps them into a cluster over TLS, then the replica
 * syncs from its primary and Meridian's admin connection reads both; a plain-TCP client gets no
 * answer, and a client that trusts another CA cannot connect. A coordinator's reachability PING
 * with {@code redis.tls} finds a TLS-only node there; a plain one finds it failing. Bootstrap owns
 * tls-replication and the check watches it; certificates rotate by replacing the files.
 */
class RedisTlsIT {

  @TempDir
  Path dir;

  private final List<RedisServerProcess> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(Duration.ofSeconds(5)));
    servers.forEach(s -> assertThat(s.isAlive()).isFalse());
  }

  @Test
  void aClusterOnTlsOnlyIsBootstrappedReplicatesAndRefusesPlainAndForeignClients() throws Exception {
    Path pki = TestPki.make(dir.resolve("pki"), "ca", "node");
    Path foreign = TestPki.make(dir.resolve("foreign"), "ca", "node");
    Map<String, String> tls = RedisServerProcess.tlsSettings(pki.resolve("node.crt"), pki.resolve("node.key"),
        pki.resolve("ca.crt"));
    RedisServerProcess primary = node("p", tls);
    RedisServerProcess replica = node("r", tls);
    RedisAuth auth = RedisAuth.none().withTls(Optional.of(new RedisTls(pki.resolve("ca.crt"),
        Optional.of(pki.resolve("node.crt")), Optional.of(pki.resolve("node.key")))));

    new Bootstrap(auth, Duration.ofSeconds(30), false, line -> { })
        .run(BootstrapPlan.plain(Map.of(primary.address(), new SlotRange(0, 16383)),
            Map.of(replica.address(), primary.address()), Map.of()));

    try (NodeAdmin admin = new NodeAdmin(replica.address(), auth, Duration.ofSeconds(2))) {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      String info = admin.call("INFO", "replication");
      while (!info.contains("master_link_status:up") && System.nanoTime() < until) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        info = admin.call("INFO", "replication");
      }
      assertThat(info).as("replication over TLS").contains("master_link_status:up");
    }
    try (NodeAdmin admin = new NodeAdmin(primary.address(), auth, Duration.ofSeconds(2))) {
      assertThat(admin.call("CLUSTER", "INFO")).contains("cluster_state:ok");
      assertThat(admin.call("SET", "k", "v")).isEqualTo("OK");
    }

    assertThat(RedisServerProcess.pingReply("127.0.0.1", primary.port(), Optional.empty(), Duration.ofSeconds(1)))
        .as("a plain-TCP client gets no answer at all").isEmpty();
    RedisAuth trustsAnother = RedisAuth.none().withTls(Optional.of(new RedisTls(foreign.resolve("ca.crt"),
        Optional.of(foreign.resolve("node.crt")), Optional.of(foreign.resolve("node.key")))));
    try (NodeAdmin stranger = new NodeAdmin(primary.address(), trustsAnother, Duration.ofSeconds(2))) {
      assertThatThrownBy(() -> stranger.call("PING")).as("a client of another CA").isInstanceOf(RuntimeException.class);
    }
  }

  @Test
  void theCoordinatorsReachabilityPingGoesThroughTlsAndAPlainOneDoesNot() throws Exception {
    Path pki = TestPki.make(dir.resolve("pki"), "ca", "node");
    RedisServerProcess tlsNode = node("t", RedisServerProcess.tlsSettings(pki.resolve("node.crt"),
        pki.resolve("node.key"), pki.resolve("ca.crt")));
    RedisTls tls = new RedisTls(pki.resolve("ca.crt"), Optional.of(pki.resolve("node.crt")),
        Optional.of(pki.resolve("node.key")));
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      Map<String, io.meridian.messages.ReachabilityReport> last = new java.util.concurrent.ConcurrentHashMap<>();
      vertx.eventBus().<io.vertx.core.buffer.Buffer>consumer(io.meridian.messages.Addresses.REACHABILITY, m -> {
        try {
          io.meridian.messages.ReachabilityReport r = io.meridian.messages.Wire.decode(m.body(),
              io.meridian.messages.ReachabilityReport.class);
          last.put(r.sender(), r);
        } catch (io.meridian.messages.MessageRejected e) {
          throw new AssertionError(e);
        }
      });
      var withTls = new io.meridian.coordinator.observe.ReachabilityProber(vertx, "tls", "r1",
          () -> java.util.Set.of(tlsNode.address()), Duration.ofMillis(300), io.meridian.messages.Seal.insecure(),
          Optional.of(tls), java.time.Clock.systemUTC());
      var plain = new io.meridian.coordinator.observe.ReachabilityProber(vertx, "plain", "r1",
          () -> java.util.Set.of(tlsNode.address()), Duration.ofMillis(300), io.meridian.messages.Seal.insecure(),
          Optional.empty(), java.time.Clock.systemUTC());
      long timer = vertx.setPeriodic(100, id -> {
        withTls.round();
        plain.round();
      });
      org.awaitility.Awaitility.await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
      assertThat(last.get("tls").failing()).as("PING over TLS answered").isEmpty();
      assertThat(last.get("plain").failing()).as("a plain PING to a TLS-only node").containsKey(tlsNode.address());
      vertx.cancelTimer(timer);
      withTls.close().await();
      plain.close().await();
    } finally {
      vertx.close().await();
    }
  }

  /**
   * Given six TLS-only nodes started with the cluster bus on TLS but replication not (a node's
   * cluster port is fixed at start; tls-replication is not), when {@code meridian bootstrap} runs a
   * spec with {@code auth.tls}, then it sets tls-replication on every node, replicas sync over TLS
   * and the check is clean; when someone turns tls-replication off on one node, the check names
   * that node and the setting.
   */
  @Test
  void bootstrapOwnsTlsReplicationAndTheCheckWatchesIt() throws Exception {
    Path pki = TestPki.make(dir.resolve("pki"), "ca", "node");
    Map<String, String> tls = new java.util.LinkedHashMap<>(RedisServerProcess.tlsSettings(pki.resolve("node.crt"),
        pki.resolve("node.key"), pki.resolve("ca.crt")));
    tls.remove("tls-replication");
    StringBuilder spec = new StringBuilder("cluster: tls\ntopology: performance\nregions:\n");
    List<RedisServerProcess> started = new ArrayList<>();
    for (int region = 1; region <= 3; region++) {
      List<String> nodes = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        RedisServerProcess server = node("n" + region + i, tls);
        started.add(server);
        nodes.add(server.address());
      }
      spec.append("  - name: r").append(region).append("\n    nodes: [").append(String.join(", ", nodes)).append("]\n");
    }
    spec.append("auth:\n  tls:\n    caFile: ").append(pki.resolve("ca.crt")).append("\n    certFile: ")
        .append(pki.resolve("node.crt")).append("\n    keyFile: ").append(pki.resolve("node.key"))
        .append("\nredis: {minReplicasToWrite: 0}\n");
    Path file = dir.resolve("spec.yaml");
    java.nio.file.Files.writeString(file, spec);
    RedisAuth auth = RedisAuth.none().withTls(Optional.of(new RedisTls(pki.resolve("ca.crt"),
        Optional.of(pki.resolve("node.crt")), Optional.of(pki.resolve("node.key")))));
    try (NodeAdmin admin = new NodeAdmin(started.get(0).address(), auth, Duration.ofSeconds(2))) {
      assertThat(admin.list("CONFIG", "GET", "tls-replication")).as("before bootstrap").containsExactly(
          "tls-replication", "no");
    }

    Run bootstrap = meridian("bootstrap", "--spec", file.toString());
    assertThat(bootstrap.exit()).as(bootstrap.output()).isZero();
    assertThat(bootstrap.output()).contains("tls-replication=yes", "check: clean");
    for (RedisServerProcess server : started) {
      try (NodeAdmin admin = new NodeAdmin(server.address(), auth, Duration.ofSeconds(2))) {
        assertThat(admin.list("CONFIG", "GET", "tls-replication")).as(server.address()).containsExactly(
            "tls-replication", "yes");
        if (admin.call("INFO", "replication").contains("role:slave")) {
          org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
              .untilAsserted(() -> assertThat(admin.call("INFO", "replication")).as("%s syncs over TLS",
                  server.address()).contains("master_link_status:up"));
        }
      }
    }

    RedisServerProcess drifted = started.get(3);
    try (NodeAdmin admin = new NodeAdmin(drifted.address(), auth, Duration.ofSeconds(2))) {
      admin.call("CONFIG", "SET", "tls-replication", "no");
    }
    Run check = meridian("check", "--spec", file.toString());
    assertThat(check.exit()).as(check.output()).isEqualTo(1);
    assertThat(check.output()).contains("node-settings", "node " + drifted.address() + " has tls-replication no (spec: yes)");
  }

  /**
   * Given Meridian connected to a TLS node, when the node moves to a new CA and certificate
   * (CONFIG SET, live) and Meridian's files are replaced in place, then a connection opened after
   * that presents and trusts the new ones, with no restart; a client still on the old files is
   * refused; an open connection keeps serving; and a replaced file that does not load leaves the
   * previous material in use.
   */
  @Test
  void rotatedCertificatesAreTakenFromTheFilesWithoutARestart() throws Exception {
    Path one = TestPki.make(dir.resolve("one"), "ca", "node");
    Path two = TestPki.make(dir.resolve("two"), "ca", "node");
    Path mine = java.nio.file.Files.createDirectories(dir.resolve("meridian"));
    List<String> files = List.of("ca.crt", "node.crt", "node.key");
    for (String f : files) {
      java.nio.file.Files.copy(one.resolve(f), mine.resolve(f));
    }
    RedisServerProcess server = node("rotating", RedisServerProcess.tlsSettings(one.resolve("node.crt"),
        one.resolve("node.key"), one.resolve("ca.crt")));
    RedisAuth auth = RedisAuth.none().withTls(Optional.of(new RedisTls(mine.resolve("ca.crt"),
        Optional.of(mine.resolve("node.crt")), Optional.of(mine.resolve("node.key")))));
    try (NodeAdmin open = new NodeAdmin(server.address(), auth, Duration.ofSeconds(2));
        NodeAdmin later = new NodeAdmin(server.address(), auth, Duration.ofSeconds(2))) {
      assertThat(open.call("PING")).isEqualTo("PONG");

      open.call("CONFIG", "SET", "tls-cert-file", two.resolve("node.crt").toString(), "tls-key-file",
          two.resolve("node.key").toString(), "tls-ca-cert-file", two.resolve("ca.crt").toString());
      RedisAuth oldFiles = RedisAuth.none().withTls(Optional.of(new RedisTls(one.resolve("ca.crt"),
          Optional.of(one.resolve("node.crt")), Optional.of(one.resolve("node.key")))));
      try (NodeAdmin stale = new NodeAdmin(server.address(), oldFiles, Duration.ofSeconds(2))) {
        assertThatThrownBy(() -> stale.call("PING")).as("a client on the old CA and certificate")
            .isInstanceOf(RuntimeException.class);
      }

      for (String f : files) {
        java.nio.file.Files.copy(two.resolve(f), mine.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      assertThat(later.call("PING")).as("a connection opened after the files were replaced").isEqualTo("PONG");
      assertThat(open.call("PING")).as("the connection open since before").isEqualTo("PONG");

      try (NodeAdmin beforeBreak = new NodeAdmin(server.address(), auth, Duration.ofSeconds(2))) {
        java.nio.file.Files.writeString(mine.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nnot one\n");
        assertThat(beforeBreak.call("PING")).as("its first connection after the CA file broke: the previous CA")
            .isEqualTo("PONG");
      }
      assertThatThrownBy(() -> new NodeAdmin(server.address(), auth, Duration.ofSeconds(2)))
          .as("a new client cannot start from a broken file").hasMessageContaining("the Redis CA file");
    }
  }

  private record Run(int exit, String output) {
  }

  private Run meridian(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        Path.of("target", "meridian.jar").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Path out = java.nio.file.Files.createTempFile(dir, "run", ".out");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("meridian %s finished", String.join(" ", args)).isTrue();
    return new Run(p.exitValue(), java.nio.file.Files.readString(out));
  }

  private RedisServerProcess node(String name, Map<String, String> tls) throws Exception {
    Map<String, String> settings = RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5));
    settings.putAll(tls);
    RedisServerProcess server = RedisServerProcess.start(RedisBinary.locate(), dir.resolve(name), FreePorts.redisPort(),
        settings, Duration.ofSeconds(10));
    servers.add(server);
    return server;
  }


  /** A development CA of its own in {@code at} and one certificate it signs for 127.0.0.1 and localhost. */
  private static final class TestPki {
    static Path make(Path at, String ca, String name) throws Exception {
      io.meridian.cli.security.DevCertificates.ensure(at, name, List.of("127.0.0.1", "localhost"));
      return at;
    }
  }
}
