package io.meridian.cli.it;

import static io.meridian.cli.it.DemoCluster.javaBin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meridian.cli.security.DevCertificates;
import io.meridian.cli.security.DevSecurity;
import io.meridian.runtime.testing.FreePorts;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a coordinator started as the real daemon with {@code http.tls} on, then its API answers
 * over HTTPS only: to a client that trusts the cluster's CA (the {@code meridian} CLI given
 * {@code MERIDIAN_API_CA} included), not to one that does not, nor in plain HTTP. When its
 * certificate is renewed in place and the process gets SIGHUP, new connections get the new
 * certificate without a restart; a reload that names a key that is not one is refused and the
 * certificate in force stays.
 */
class HttpsApiIT {

  private static final Path JAR = Path.of("target", "meridian.jar");

  @TempDir
  Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Process p : started) {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void theApiIsServedOverHttpsOnlyAndARenewedCertificateIsTakenOnSighup() throws Exception {
    Path security = DevSecurity.ensure(dir.resolve("security"), List.of());
    int httpPort = FreePorts.any();
    int busPort = FreePorts.any();
    Path config = dir.resolve("coordinator.yaml");
    Files.writeString(config, yaml(security, httpPort, busPort, security.resolve("node.key")));
    Path log = dir.resolve("coordinator.log");
    Process coordinator = new ProcessBuilder(javaBin(), "-jar", JAR.toAbsolutePath().toString(), "coordinator",
        "--config", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    started.add(coordinator);
    String base = "https://127.0.0.1:" + httpPort;
    HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(security.resolve(DevCertificates.CA_CERT)))
        .connectTimeout(Duration.ofSeconds(2)).build();
    await("the coordinator's API over HTTPS").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .ignoreExceptions().until(() -> get(trusting, base + "/api/v1/cluster").statusCode() == 200);
    assertThat(Files.readString(log)).contains("API on https://127.0.0.1:");

    assertThatThrownBy(() -> get(HttpClient.newHttpClient(), base + "/api/v1/cluster"))
        .as("a client that does not trust the cluster's CA").isInstanceOf(SSLHandshakeException.class);
    assertThatThrownBy(() -> get(HttpClient.newHttpClient(), "http://127.0.0.1:" + httpPort + "/api/v1/cluster"))
        .as("plain HTTP on the HTTPS port").isInstanceOf(java.io.IOException.class);

    // The CLI, trusting the CA through MERIDIAN_API_CA; and without it, refused by the handshake.
    DemoCluster.Run status = run(Map.of("MERIDIAN_API_CA", security.resolve(DevCertificates.CA_CERT).toString()),
        "history", "--api", base);
    assertThat(status.output()).as(status.output()).doesNotContain("PKIX").doesNotContain("cannot reach");
    DemoCluster.Run untrusted = run(Map.of(), "history", "--api", base);
    assertThat(untrusted.exit()).isNotZero();
    assertThat(untrusted.output()).contains("cannot reach " + base);
    DemoCluster.Run badCa = run(Map.of("MERIDIAN_API_CA", config.toString()), "history", "--api", base);
    assertThat(badCa.exit()).isEqualTo(2);
    assertThat(badCa.output()).contains("MERIDIAN_API_CA: " + config + " is not a PEM file of CA certificates");

    // Renewal in place: a new certificate from the same CA over the old files, then SIGHUP.
    BigInteger before = servedSerial(security, httpPort);
    DevCertificates.ensure(security, "renewed", List.of("127.0.0.1", "localhost"));
    Files.copy(security.resolve("renewed.crt"), security.resolve("node.crt"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(security.resolve("renewed.key"), security.resolve("node.key"), StandardCopyOption.REPLACE_EXISTING);
    BigInteger renewed = serial(security.resolve("renewed.crt"));
    assertThat(renewed).isNotEqualTo(before);
    DemoCluster.reload(coordinator.pid());
    await("the renewed certificate on new connections").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200)).until(() -> servedSerial(security, httpPort).equals(renewed));
    assertThat(Files.readString(log)).contains("config reloaded from").contains("HTTPS now serves");
    assertThat(coordinator.isAlive()).isTrue();

    // A reload whose key file is not a key: refused, the renewed certificate still served.
    Path notAKey = dir.resolve("not-a-key.pem");
    Files.writeString(notAKey, "hello\n");
    Files.setPosixFilePermissions(notAKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Files.writeString(config, yaml(security, httpPort, busPort, notAKey));
    DemoCluster.reload(coordinator.pid());
    await("the refused reload in the log").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .until(() -> Files.readString(log).contains("config reload refused"));
    assertThat(Files.readString(log)).contains("http.tls.keyFile");
    assertThat(servedSerial(security, httpPort)).isEqualTo(renewed);
    assertThat(get(trusting, base + "/api/v1/cluster").statusCode()).isEqualTo(200);
    assertThat(coordinator.isAlive()).isTrue();
  }

  private static String yaml(Path security, int httpPort, int busPort, Path httpKey) {
    Path s = security.toAbsolutePath();
    return "cluster: https-it\nregion: r1\nregions: [r1, r2, r3]\n"
        + "http:\n  host: 127.0.0.1\n  port: " + httpPort + "\n"
        + "  tls:\n    certFile: " + s.resolve("node.crt") + "\n    keyFile: " + httpKey.toAbsolutePath() + "\n"
        + "bus:\n  clusterName: https-it-" + busPort + "\n  host: 127.0.0.1\n  port: " + busPort + "\n  members:\n"
        + "    - 127.0.0.1:" + busPort + "\n" + DevSecurity.yaml(s, io.meridian.runtime.bus.BusConfig.Role.COORDINATOR)
        + "leadership:\n  enabled: false\n";
  }

  private DemoCluster.Run run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "run", ".out");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().remove("MERIDIAN_API_CA");
    builder.environment().putAll(env);
    Process p = builder.start();
    started.add(p);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("meridian %s finished", String.join(" ", args)).isTrue();
    return new DemoCluster.Run(p.exitValue(), Files.readString(out));
  }

  private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static SSLContext trusting(Path ca) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("ca", certificate(ca));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private static X509Certificate certificate(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static BigInteger serial(Path file) throws Exception {
    return certificate(file).getSerialNumber();
  }

  /** The serial number of the certificate a new connection to the port is handed. */
  private static BigInteger servedSerial(Path security, int port) throws Exception {
    try (SSLSocket socket = (SSLSocket) trusting(security.resolve(DevCertificates.CA_CERT)).getSocketFactory()
        .createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
