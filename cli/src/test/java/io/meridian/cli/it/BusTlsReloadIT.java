package io.meridian.cli.it;

import static io.meridian.cli.it.DemoCluster.javaBin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.cli.security.DevCertificates;
import io.meridian.cli.security.DevSecurity;
import io.meridian.messages.Addresses;
import io.meridian.messages.Seal;
import io.meridian.runtime.bus.BusConfig;
import io.meridian.runtime.bus.BusKeys;
import io.meridian.runtime.bus.BusTls;
import io.meridian.runtime.bus.ClusteredVertx;
import io.meridian.runtime.testing.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a coordinator started as the real daemon with the event bus on mutual TLS, when its
 * certificate is renewed in place and it gets SIGHUP, then new connections to its event bus port
 * are handed the new certificate, without a restart. When a second CA is added to its CA file and
 * it gets SIGHUP, a peer holding a certificate of that CA, refused before, gets in. When the
 * coordinator's certificate is then replaced by one of the added CA, a bus member that trusts only
 * that CA starts hearing from it: the bus's outgoing connections take the new files too. A reload
 * whose key is not the certificate's is refused, and the certificate in force keeps being served.
 */
class BusTlsReloadIT {

  private static final Path JAR = Path.of("target", "meridian.jar");
  private static final Pattern EVENT_BUS = Pattern.compile("event bus listening on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // a failure leaves the log behind
  Path dir;
  private Process coordinator;
  private Vertx member;

  @AfterEach
  void stop() throws Exception {
    if (member != null) {
      member.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (coordinator != null) {
      coordinator.destroy();
      if (!coordinator.waitFor(20, TimeUnit.SECONDS)) {
        coordinator.destroyForcibly();
      }
    }
  }

  @Test
  void aRenewedCertificateAndAnAddedCaAreTakenOnSighupAndABadPairIsRefused() throws Exception {
    Path security = DevSecurity.ensure(dir.resolve("security"), List.of());
    Path other = dir.resolve("other-ca");
    DevCertificates.ensure(other, "peer", List.of("127.0.0.1"));
    int busPort = FreePorts.any();
    int httpPort = FreePorts.any();
    Path config = dir.resolve("coordinator.yaml");
    Files.writeString(config, yaml(security, httpPort, busPort, security.resolve("node.key")));
    Path log = dir.resolve("coordinator.log");
    coordinator = new ProcessBuilder(javaBin(), "-jar", JAR.toAbsolutePath().toString(), "coordinator",
        "--config", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int port = await("the event bus port in the log").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250)).until(() -> eventBusPort(log), p -> p > 0);
    await("the coordinator running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> Files.readString(log).contains("running (pid"));

    BigInteger first = serial(security.resolve("node.crt"));
    assertThat(servedSerial(security, port)).as("the certificate at start").isEqualTo(first);
    assertThat(accepts(other, "peer", security, port)).as("a peer of another CA, before it is trusted").isFalse();
    assertThat(accepts(security, "node", security, port)).as("a peer of the cluster's CA").isTrue();

    // Renewal in place: a new certificate from the same CA over the old files, then SIGHUP.
    DevCertificates.ensure(security, "renewed", List.of("127.0.0.1", "localhost"));
    Files.copy(security.resolve("renewed.crt"), security.resolve("node.crt"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(security.resolve("renewed.key"), security.resolve("node.key"), StandardCopyOption.REPLACE_EXISTING);
    BigInteger renewed = serial(security.resolve("renewed.crt"));
    assertThat(renewed).isNotEqualTo(first);
    DemoCluster.reload(coordinator.pid());
    await("the renewed certificate on new bus connections").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200)).until(() -> servedSerial(security, port).equals(renewed));
    assertThat(Files.readString(log)).contains("the event bus now uses").contains("config reloaded from");

    // A CA added to the CA file (the first step of changing CAs): its peers get in, the old CA's still do.
    Files.write(security.resolve(DevCertificates.CA_CERT), Files.readAllBytes(other.resolve(DevCertificates.CA_CERT)),
        StandardOpenOption.APPEND);
    DemoCluster.reload(coordinator.pid());
    await("a peer of the added CA let in").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .until(() -> accepts(other, "peer", security, port));
    assertThat(accepts(security, "renewed", security, port)).as("a peer of the first CA, still").isTrue();

    // The other side of each connection: a member that trusts only the added CA hears the coordinator's
    // reachability reports (published every 500 ms) only once the coordinator's own client presents a
    // certificate of that CA, which it takes on SIGHUP like the server does.
    String clusterName = "bus-tls-it-" + busPort;
    BusConfig picky = new BusConfig(clusterName, "127.0.0.1", FreePorts.any(), List.of("127.0.0.1:" + busPort),
        Seal.signed(BusKeys.read(security.resolve(DevSecurity.BUS_KEY)), List.of()),
        Optional.of(new BusTls(other.resolve("peer.crt"), other.resolve("peer.key"),
            other.resolve(DevCertificates.CA_CERT))));
    member = ClusteredVertx.start(picky, false).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    AtomicInteger reports = new AtomicInteger();
    member.eventBus().<Buffer>consumer(Addresses.REACHABILITY, m -> reports.incrementAndGet()).completion()
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Instant until = Instant.now().plusSeconds(3);
    await("3 s of reports that cannot arrive").atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(until));
    assertThat(reports.get()).as("reports from a coordinator whose certificate the member does not trust").isZero();
    DevCertificates.ensure(other, "coordinator", List.of("127.0.0.1"));
    Files.copy(other.resolve("coordinator.crt"), security.resolve("node.crt"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(other.resolve("coordinator.key"), security.resolve("node.key"), StandardCopyOption.REPLACE_EXISTING);
    DemoCluster.reload(coordinator.pid());
    await("the coordinator's reports reaching the member").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200)).until(() -> reports.get() > 0);
    BigInteger moved = serial(other.resolve("coordinator.crt"));
    assertThat(servedSerial(security, port)).isEqualTo(moved);

    // A key that is not the certificate's: the reload is refused, the certificate in force still served.
    Files.writeString(config, yaml(security, httpPort, busPort, other.resolve("peer.key")));
    DemoCluster.reload(coordinator.pid());
    await("the refused reload in the log").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .until(() -> Files.readString(log).contains("config reload failed"));
    assertThat(Files.readString(log)).contains("is not the key of the certificate");
    assertThat(servedSerial(security, port)).isEqualTo(moved);
    assertThat(coordinator.isAlive()).isTrue();
  }

  private static String yaml(Path security, int httpPort, int busPort, Path busKey) {
    Path s = security.toAbsolutePath();
    return "cluster: bus-tls-it\nregion: r1\nregions: [r1, r2, r3]\n"
        + "http:\n  host: 127.0.0.1\n  port: " + FreePorts.any() + "\n"
        + "bus:\n  clusterName: bus-tls-it-" + busPort + "\n  host: 127.0.0.1\n  port: " + busPort + "\n  members:\n"
        + "    - 127.0.0.1:" + busPort + "\n"
        + "  signing:\n    keyFile: " + s.resolve(DevSecurity.BUS_KEY) + "\n"
        + "    leaderKeyFile: " + s.resolve(DevSecurity.LEADER_KEY) + "\n"
        + "    leaderPublicKeyFiles: [" + s.resolve(DevSecurity.LEADER_PUBLIC_KEY) + "]\n"
        + "  tls:\n    certFile: " + s.resolve("node.crt") + "\n    keyFile: " + busKey.toAbsolutePath()
        + "\n    caFile: " + s.resolve(DevCertificates.CA_CERT) + "\n"
        + "leadership:\n  enabled: false\n";
  }

  private static int eventBusPort(Path log) throws IOException {
    Matcher m = EVENT_BUS.matcher(Files.readString(log));
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** A client presenting {@code dir/name.crt} and trusting the cluster's CA as {@code security/ca.crt} holds it. */
  private static SSLContext client(Path certDir, String name, Path security) throws Exception {
    var keys = new PemKeyCertOptions().setCertValue(Buffer.buffer(Files.readAllBytes(certDir.resolve(name + ".crt"))))
        .setKeyValue(Buffer.buffer(Files.readAllBytes(certDir.resolve(name + ".key")))).getKeyManagerFactory(null);
    var trust = io.meridian.runtime.config.PemFiles.trusting(security.resolve(DevCertificates.CA_CERT));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  /** The serial number of the certificate a new connection to the event bus port is handed. */
  private static BigInteger servedSerial(Path security, int port) throws Exception {
    try (SSLSocket socket = (SSLSocket) client(security, "node", security).getSocketFactory()
        .createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  /**
   * Whether the event bus lets in a peer presenting {@code certDir/name.crt}: one refused is sent
   * an alert as soon as the server checks its certificate; one let in is left waiting for a frame.
   */
  private static boolean accepts(Path certDir, String name, Path security, int port) throws Exception {
    try (SSLSocket socket = (SSLSocket) client(certDir, name, security).getSocketFactory()
        .createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(1500);
      socket.startHandshake();
      return socket.getInputStream().read() >= 0;
    } catch (SocketTimeoutException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static BigInteger serial(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
    }
  }
}
